"""Races for stock on real PostgreSQL: concurrent holds never oversell, never deadlock, and close once."""

import pytest

from inventory import services
from inventory.errors import OutOfStock
from inventory.models import Hold, LowStockAlert, StockMovement
from tests.catalog.factories import VariantFactory
from tests.concurrency import race
from tests.inventory.checks import assert_ledger_balances

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_buyers_racing_for_five_units_get_exactly_five_holds():
    variant = VariantFactory(stock=5)
    results = race(lambda i: services.hold_stock(reference=f"ord_{i}", quantities={variant.pk: 1}), 50)
    unexpected = [r for r in results if r is not None and not isinstance(r, OutOfStock)]
    assert unexpected == []
    assert results.count(None) == 5
    assert sum(isinstance(r, OutOfStock) for r in results) == 45
    assert all(r.extra["lines"] == [{"variant_id": variant.pk, "requested": 1, "available": 0}] for r in results if r)
    level = assert_ledger_balances(variant)
    assert (level.on_hand, level.held) == (5, 5)
    assert Hold.objects.filter(variant=variant).count() == 5


def test_orders_naming_shared_variants_in_opposite_orders_do_not_deadlock():
    scarce, common, other = VariantFactory(stock=6), VariantFactory(stock=100), VariantFactory(stock=100)

    def buy(i):
        lines = [(scarce.pk, 1), (common.pk, 2), (other.pk, 1)]
        if i % 2:
            lines.reverse()  # callers name the same variants in opposite orders
        return services.hold_stock(reference=f"ord_{i}", quantities=dict(lines))

    results = race(buy, 16)
    assert [r for r in results if r is not None and not isinstance(r, OutOfStock)] == []
    assert results.count(None) == 6
    for variant, held in ((scarce, 6), (common, 12), (other, 6)):
        assert assert_ledger_balances(variant).held == held


def test_concurrent_release_and_sale_of_one_order_close_its_holds_once():
    a, b = VariantFactory(stock=10), VariantFactory(stock=10)
    services.hold_stock(reference="ord_1", quantities={a.pk: 2, b.pk: 3})

    def close(i):
        if i % 2:
            return "sold", services.sell_held(reference="ord_1")
        return "released", services.release_holds(reference="ord_1", variant_ids=[b.pk, a.pk])

    results = race(close, 8)
    assert all(isinstance(r, tuple) for r in results), results
    winners = [r for r in results if r[1]]
    assert len(winners) == 1
    assert winners[0][1] == {a.pk: 2, b.pk: 3}
    sold = winners[0][0] == "sold"
    for variant, units in ((a, 2), (b, 3)):
        level = assert_ledger_balances(variant)
        assert (level.on_hand, level.held) == (10 - units if sold else 10, 0)
        assert StockMovement.objects.filter(variant=variant, reference="ord_1").count() == 2  # the hold, one close


def test_concurrent_holds_open_one_low_stock_alert():
    variant = VariantFactory(stock=12)  # the seller's default threshold is 5
    results = race(lambda i: services.hold_stock(reference=f"ord_{i}", quantities={variant.pk: 1}), 10)
    assert results == [None] * 10
    alert = LowStockAlert.objects.get(variant=variant)
    assert (alert.threshold, alert.available) == (5, 5)
    assert alert.cleared_at is None
