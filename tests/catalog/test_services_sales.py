"""Sales figures: the units paid for, minus those cancelled after payment and those returned, counted once per
event (catalog.services.record_sales and the catalog's subscribers to the orders' events)."""

from django.db import IntegrityError
import pytest

from catalog import events, services
from catalog.models import Product, SalesEntry
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def sales(*products) -> list[int]:
    return [Product.objects.get(pk=p.pk).sales_count for p in products]


def paid(event_id: str, *lines: tuple[Product, int]) -> None:
    """What the orders app announces when an order is paid, delivered to the catalog's subscriber."""
    events.count_units_sold(
        event_id=event_id,
        order_id="ord_1",
        buyer_id=1,
        shipping_method="standard",
        paid_at="2026-01-01T00:00:00+00:00",
        lines=[
            {"line_id": i, "seller_id": 1, "product_id": product.pk, "product_name": "", "sku": "", "quantity": units}
            for i, (product, units) in enumerate(lines)
        ],
    )


def test_paid_units_add_to_each_products_figure():
    mug, lamp = ProductFactory(), ProductFactory()

    paid("evt-1", (mug, 2), (lamp, 1), (mug, 1))

    assert sales(mug, lamp) == [3, 1]


def test_the_same_event_delivered_twice_counts_once():
    mug = ProductFactory()

    paid("evt-1", (mug, 2))
    paid("evt-1", (mug, 2))

    assert sales(mug) == [2]
    assert SalesEntry.objects.filter(event_id="evt-1").count() == 1


def test_a_paid_line_cancelled_takes_its_units_off_once():
    mug = ProductFactory()
    paid("evt-1", (mug, 3))
    cancelled = {"order_id": "ord_1", "buyer_id": 1, "line_id": 1, "seller_id": 1, "refund_amount": "20.00"}

    for _ in range(2):
        events.uncount_units_cancelled(event_id="evt-2", product_id=mug.pk, quantity=2, paid=True, **cancelled)

    assert sales(mug) == [1]


def test_an_unpaid_line_cancelled_was_never_counted():
    mug = ProductFactory()
    paid("evt-1", (mug, 3))

    events.uncount_units_cancelled(
        event_id="evt-2", order_id="ord_2", buyer_id=1, line_id=2, seller_id=1, refund_amount=None,
        product_id=mug.pk, quantity=2, paid=False,
    )  # fmt: skip

    assert sales(mug) == [3]


def test_returned_units_are_taken_off():
    mug = ProductFactory()
    paid("evt-1", (mug, 3))

    events.uncount_units_returned(
        event_id="evt-3", return_id="ret_1", order_id="ord_1", buyer_id=1, seller_id=1,
        product_id=mug.pk, quantity=2, refund_amount="20.00",
    )  # fmt: skip

    assert sales(mug) == [1]


def test_a_figure_never_falls_below_zero_so_an_early_cancel_is_retried():
    mug = ProductFactory()

    with pytest.raises(IntegrityError):
        services.record_sales(event_id="evt-2", units={mug.pk: -2})

    assert sales(mug) == [0]
    assert not SalesEntry.objects.exists()  # not counted: the outbox's retry after the payment counts it


def test_a_product_gone_since_is_skipped():
    mug = ProductFactory()

    assert services.record_sales(event_id="evt-1", units={mug.pk: 1, 987654: 2}) is True
    assert sales(mug) == [1]
