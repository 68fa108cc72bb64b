"""The "order.paid" subscriber learns from the paid order's lines (resolved by SKU), once per order."""

from django.db import transaction
import pytest

from recommendations.events import learn_co_purchases
from recommendations.models import CoPurchase, CustomerItem
from shop.events import publish
from tests.accounts.factories import UserFactory
from tests.notifications.factories import order_with_lines
from tests.recommendations.conftest import new_event_id, paid_lines

pytestmark = pytest.mark.django_db


def paid_payload(order_id: str, *products) -> dict:
    return {
        "order_id": order_id,
        "buyer_id": UserFactory().pk,
        "shipping_method": "standard",
        "paid_at": "2026-11-25T12:00:00+00:00",
        "lines": paid_lines(*products),
    }


def pairs() -> set[tuple[int, int]]:
    return set(CoPurchase.objects.values_list("product_id", "other_id"))


def test_the_handler_resolves_the_lines_products_by_sku(a, b, c):
    learn_co_purchases(event_id=new_event_id(), **paid_payload("ord_1", a, b, c))

    assert pairs() == {(a.pk, b.pk), (b.pk, a.pk), (a.pk, c.pk), (c.pk, a.pk), (b.pk, c.pk), (c.pk, b.pk)}
    assert set(CoPurchase.objects.values_list("orders", flat=True)) == {1}


def test_the_handler_adds_the_products_to_the_buyers_item_set(a, b):
    payload = paid_payload("ord_1", a, b)

    learn_co_purchases(event_id=new_event_id(), **payload)

    assert set(CustomerItem.objects.values_list("user_id", "product_id")) == {
        (payload["buyer_id"], a.pk),
        (payload["buyer_id"], b.pk),
    }


def test_the_handler_uses_product_id_when_the_payload_carries_it(a, b):
    payload = paid_payload("ord_1", a, b)
    for line, product in zip(payload["lines"], (a, b), strict=True):
        line["product_id"] = product.pk
        line["sku"] = "NO-SUCH-SKU"

    learn_co_purchases(event_id=new_event_id(), **payload)

    assert pairs() == {(a.pk, b.pk), (b.pk, a.pk)}


def test_the_same_event_delivered_twice_counts_once(a, b):
    event_id, payload = new_event_id(), paid_payload("ord_1", a, b)

    learn_co_purchases(event_id=event_id, **payload)
    learn_co_purchases(event_id=event_id, **payload)

    assert list(CoPurchase.objects.values_list("orders", flat=True)) == [1, 1]


def test_a_published_order_paid_reaches_the_handler_after_commit(a, b, django_capture_on_commit_callbacks):
    # A real paid order: the other subscribers of "order.paid" (logistics, notifications) read it too.
    buyer = UserFactory()
    order = order_with_lines(buyer, (a.variants.get(), 1), (b.variants.get(), 1))
    payload = paid_payload(order.pk, a, b) | {"buyer_id": buyer.pk}
    payload["lines"] = [
        line | {"line_id": line_id, "seller_id": seller_id}
        for line, (line_id, seller_id) in zip(
            payload["lines"], order.lines.order_by("product_id").values_list("id", "seller_id"), strict=True
        )
    ]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish("order.paid", **payload)
        assert not CoPurchase.objects.exists()

    assert pairs() == {(a.pk, b.pk), (b.pk, a.pk)}


def test_an_order_paid_published_in_a_rolled_back_transaction_teaches_nothing(a, b, django_capture_on_commit_callbacks):
    def publish_then_fail():
        with transaction.atomic():
            publish("order.paid", **paid_payload("ord_1", a, b))
            raise RuntimeError("the payment use case failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        publish_then_fail()

    assert not CoPurchase.objects.exists()
