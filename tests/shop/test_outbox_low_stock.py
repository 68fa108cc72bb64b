"""The low-stock e-mail leaves through the outbox (the "inventory.email_low_stock_alert" subscriber of "stock.low"):
once per alert however often its delivery runs, retried after an SMTP failure, never for a rolled-back change."""

from django.db import transaction
import pytest

from inventory import services
from inventory.models import LowStockAlert
from shop import events
from shop.models import EventDelivery
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

SUBSCRIBER = "inventory.email_low_stock_alert"
Status = EventDelivery.Status


@pytest.fixture
def variant():
    seller = SellerFactory(low_stock_threshold=3, contact_email="stock@corner.example")
    product = ProductFactory(seller=seller, name="Trail Shoe", default_variant=False)
    return VariantFactory(product=product, sku="SHOE-42", options={"size": "42"}, stock=6)


@pytest.fixture
def unsent(monkeypatch):
    """Deliveries are written but not handed to Celery: the test runs them itself."""
    monkeypatch.setattr(events, "send", lambda delivery_ids, **_: 0)


def email_delivery() -> EventDelivery:
    return EventDelivery.objects.get(event__name="stock.low", subscriber=SUBSCRIBER)


def test_the_alert_email_is_an_outbox_delivery_sent_after_commit(
    variant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.set_on_hand(variant_id=variant.pk, quantity=2)
        assert email_delivery().status == Status.PENDING  # written with the alert, in its transaction
        assert mailoutbox == []
    assert email_delivery().status == Status.DONE
    assert [message.to for message in mailoutbox] == [["stock@corner.example"]]
    assert "Trail Shoe" in mailoutbox[0].subject


def test_a_delivery_run_again_sends_no_second_email(variant, mailoutbox, unsent):
    services.set_on_hand(variant_id=variant.pk, quantity=2)
    delivery = email_delivery()
    assert events.deliver(delivery_id=delivery.pk) == "done"
    EventDelivery.objects.filter(pk=delivery.pk).update(status=Status.PENDING)  # as if the "done" mark was lost
    assert events.deliver(delivery_id=delivery.pk) == "done"
    assert len(mailoutbox) == 1


def test_an_smtp_failure_is_retried_by_the_outbox_and_sends_once(variant, mailoutbox, unsent, monkeypatch):
    services.set_on_hand(variant_id=variant.pk, quantity=2)
    delivery = email_delivery()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert events.deliver(delivery_id=delivery.pk) == "retrying"
    assert LowStockAlert.objects.get().notified_at is None  # given back for the retry
    monkeypatch.undo()
    monkeypatch.setattr(events, "send", lambda delivery_ids, **_: 0)
    EventDelivery.objects.filter(pk=delivery.pk).update(claimed_until=None)
    assert events.deliver(delivery_id=delivery.pk) == "done"
    assert len(mailoutbox) == 1
    assert LowStockAlert.objects.get().notified_at is not None


def test_a_rolled_back_change_writes_no_delivery_and_sends_no_email(
    variant, mailoutbox, django_capture_on_commit_callbacks
):
    def change_then_fail():
        with transaction.atomic():
            services.set_on_hand(variant_id=variant.pk, quantity=2)
            raise RuntimeError("the use case failed later")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_then_fail()
    assert callbacks == []
    assert not EventDelivery.objects.exists()
    assert not LowStockAlert.objects.exists()
    assert mailoutbox == []
