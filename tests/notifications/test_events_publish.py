"""The handlers are wired to the shop's events: publishing in a transaction notifies once it commits, never before."""

from django.db import transaction
import pytest

from notifications.models import Notification
from shop.events import publish

pytestmark = pytest.mark.django_db


def test_a_published_event_notifies_the_buyer_after_commit(
    order, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish("refund.succeeded", order_id=order.pk, buyer_id=buyer.pk, amount="5.00", refund_id="re_1")
        assert not Notification.objects.exists()

    notification = Notification.objects.get(user=buyer)
    assert notification.kind == Notification.Kind.REFUND_SUCCEEDED
    assert [m.to for m in mailoutbox] == [[buyer.email]]


def test_two_published_events_of_one_kind_are_two_notifications(order, buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish("refund.succeeded", order_id=order.pk, buyer_id=buyer.pk, amount="5.00", refund_id="re_1")
        publish("refund.succeeded", order_id=order.pk, buyer_id=buyer.pk, amount="7.00", refund_id="re_2")

    assert Notification.objects.filter(user=buyer).count() == 2
    assert len(set(Notification.objects.values_list("event_id", flat=True))) == 2


def test_an_event_published_in_a_rolled_back_transaction_notifies_nobody(
    order, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    def publish_then_fail():
        with transaction.atomic():
            publish(
                "return.approved",
                return_id="ret_1",
                order_id=order.pk,
                buyer_id=buyer.pk,
                seller_id=1,
                return_code="RC-1",
            )
            raise RuntimeError("the use case failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        publish_then_fail()

    assert not Notification.objects.exists()
    assert mailoutbox == []
