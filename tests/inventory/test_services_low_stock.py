"""Low-stock alerts: one alert and one e-mail when available falls to the threshold, cleared above it."""

from django.db import transaction
import pytest

from catalog.models import Variant
from inventory import selectors, services, tasks
from inventory.models import LowStockAlert
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return SellerFactory(low_stock_threshold=3, contact_email="stock@corner.example")


@pytest.fixture
def variant(seller):
    product = ProductFactory(seller=seller, name="Trail Shoe", default_variant=False)
    return VariantFactory(product=product, sku="SHOE-42", options={"size": "42"}, stock=6)


def open_alerts(variant) -> list[LowStockAlert]:
    return list(LowStockAlert.objects.filter(variant=variant, cleared_at__isnull=True))


def test_falling_to_the_threshold_opens_one_alert_and_sends_one_email(
    variant, seller, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_stock(reference="ord_1", quantities={variant.pk: 3})
    [alert] = open_alerts(variant)
    assert (alert.seller, alert.threshold, alert.available) == (seller, 3, 3)
    assert alert.notified_at is not None
    [email] = mailoutbox
    assert email.to == ["stock@corner.example"]
    assert "SHOE-42" in email.subject
    assert "Trail Shoe" in email.body
    assert "3 units available" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Trail Shoe" in html


def test_staying_above_the_threshold_opens_nothing(variant, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    assert open_alerts(variant) == []
    assert mailoutbox == []


def test_no_second_alert_or_email_while_stock_stays_low(variant, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_stock(reference="ord_1", quantities={variant.pk: 3})
        services.hold_stock(reference="ord_2", quantities={variant.pk: 1})
        services.set_on_hand(variant_id=variant.pk, quantity=5)
    assert LowStockAlert.objects.filter(variant=variant).count() == 1
    assert len(mailoutbox) == 1


def test_a_restock_above_the_threshold_clears_the_alert_and_a_new_fall_alerts_again(
    variant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_on_hand(variant_id=variant.pk, quantity=2)
        services.set_on_hand(variant_id=variant.pk, quantity=20)
    [cleared] = LowStockAlert.objects.filter(variant=variant)
    assert cleared.cleared_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.set_on_hand(variant_id=variant.pk, quantity=1)
    assert LowStockAlert.objects.filter(variant=variant).count() == 2
    assert [a.available for a in open_alerts(variant)] == [1]
    assert len(mailoutbox) == 2


def test_a_restock_only_to_the_threshold_keeps_the_alert_open(variant):
    services.set_on_hand(variant_id=variant.pk, quantity=1)
    services.set_on_hand(variant_id=variant.pk, quantity=3)
    assert len(open_alerts(variant)) == 1


def test_releasing_a_hold_above_the_threshold_clears_the_alert(variant):
    services.hold_stock(reference="ord_1", quantities={variant.pk: 4})
    assert len(open_alerts(variant)) == 1
    services.release_holds(reference="ord_1")
    assert open_alerts(variant) == []


def test_a_return_above_the_threshold_clears_the_alert(variant):
    services.hold_stock(reference="ord_1", quantities={variant.pk: 4})
    services.sell_held(reference="ord_1")
    assert len(open_alerts(variant)) == 1  # a sale leaves available as the hold left it
    services.return_to_stock(variant_id=variant.pk, quantity=2, reference="ord_1")
    assert open_alerts(variant) == []


def test_setting_many_levels_alerts_only_the_low_ones(seller):
    product = ProductFactory(seller=seller, default_variant=False)
    low = VariantFactory(product=product, options={"size": "S"}, stock=10)
    fine = VariantFactory(product=product, options={"size": "L"}, stock=10)
    services.set_on_hand_many(quantities={low.pk: 2, fine.pk: 9})
    assert [a.variant_id for a in selectors.alerts_for_seller(seller_id=seller.pk)] == [low.pk]


def test_initial_stock_below_the_threshold_opens_no_alert(seller):
    VariantFactory(product=ProductFactory(seller=seller, default_variant=False), stock=1)
    assert not LowStockAlert.objects.exists()


@pytest.mark.parametrize(
    ("variant_threshold", "product_threshold", "seller_threshold", "applied"),
    [(2, 4, 6, 2), (None, 4, 6, 4), (None, None, 6, 6), (0, 4, 6, 0)],
    ids=["variant", "product", "seller", "variant_zero"],
)
def test_the_variant_threshold_beats_the_product_which_beats_the_seller(
    variant_threshold, product_threshold, seller_threshold, applied
):
    seller = SellerFactory(low_stock_threshold=seller_threshold)
    product = ProductFactory(seller=seller, low_stock_threshold=product_threshold, default_variant=False)
    variant = VariantFactory(product=product, low_stock_threshold=variant_threshold, stock=10)
    services.set_on_hand(variant_id=variant.pk, quantity=0)
    [alert] = open_alerts(variant)
    assert alert.threshold == applied


def test_a_variant_threshold_below_the_level_means_no_alert_whatever_the_seller_says():
    seller = SellerFactory(low_stock_threshold=8)
    product = ProductFactory(seller=seller, low_stock_threshold=7, default_variant=False)
    variant = VariantFactory(product=product, low_stock_threshold=3, stock=10)
    services.set_on_hand(variant_id=variant.pk, quantity=4)
    assert open_alerts(variant) == []


def test_reviewing_after_a_threshold_change_opens_the_alert(variant):
    services.set_on_hand(variant_id=variant.pk, quantity=5)
    assert open_alerts(variant) == []
    Variant.objects.filter(pk=variant.pk).update(low_stock_threshold=5)
    services.review_low_stock(variant_ids=[variant.pk])
    assert [a.threshold for a in open_alerts(variant)] == [5]


def test_the_alert_email_is_sent_once_even_when_the_task_runs_twice(variant, mailoutbox):
    services.set_on_hand(variant_id=variant.pk, quantity=1)  # no commit here: the e-mail is not sent yet
    [alert] = open_alerts(variant)
    assert tasks.send_low_stock_email.delay(alert_id=alert.pk).get() is True
    assert tasks.send_low_stock_email.delay(alert_id=alert.pk).get() is False
    assert len(mailoutbox) == 1


def test_a_failed_email_is_given_back_for_the_retry(variant, mailoutbox, monkeypatch):
    services.set_on_hand(variant_id=variant.pk, quantity=1)
    [alert] = open_alerts(variant)

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        services.send_low_stock_email(alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.notified_at is None
    monkeypatch.undo()
    assert services.send_low_stock_email(alert_id=alert.pk) is True
    assert len(mailoutbox) == 1


def test_a_rolled_back_change_sends_no_email(variant, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.set_on_hand(variant_id=variant.pk, quantity=1)
                raise RuntimeError("the use case failed later")
        except RuntimeError:
            pass
    assert not LowStockAlert.objects.exists()
    assert mailoutbox == []


def test_a_seller_raising_a_threshold_over_the_api_opens_the_alert_at_once(variant, seller, api_client):
    api_client.force_authenticate(seller.user)
    response = api_client.patch(
        f"/api/v1/products/{variant.product_id}/variants/{variant.sku}", {"low_stock_threshold": 8}, format="json"
    )
    assert response.status_code == 200
    [alert] = open_alerts(variant)
    assert (alert.threshold, alert.available) == (8, 6)


def test_lowering_a_product_threshold_clears_the_open_alert(variant, seller):
    from catalog import services as catalog_services

    catalog_services.update_product(product_id=variant.product_id, actor=seller.user, low_stock_threshold=10)
    assert len(open_alerts(variant)) == 1
    catalog_services.update_product(product_id=variant.product_id, actor=seller.user, low_stock_threshold=1)
    assert open_alerts(variant) == []
