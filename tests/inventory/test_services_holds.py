"""inventory.services holds: stock set aside per order, all or nothing, closed exactly once, in the ledger."""

from django.db import IntegrityError, connection, transaction
import pytest

from inventory import selectors, services
from inventory.errors import HoldExists, InvalidQuantity, OutOfStock
from inventory.models import Hold, StockLevel, StockMovement
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory

pytestmark = pytest.mark.django_db

Reason = StockMovement.Reason


def level(variant) -> tuple[int, int]:
    row = StockLevel.objects.get(variant=variant)
    return row.on_hand, row.held


def ledger(variant, *reasons) -> list[tuple[str, int, int, int, int]]:
    movements = StockMovement.objects.filter(variant=variant).order_by("id")
    if reasons:
        movements = movements.filter(reason__in=reasons)
    return list(movements.values_list("reason", "on_hand_delta", "held_delta", "on_hand_after", "held_after"))


def test_hold_raises_held_and_keeps_on_hand():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    assert level(variant) == (5, 2)
    assert selectors.available_by_variant(variant_ids=[variant.pk]) == {variant.pk: 3}


def test_hold_writes_a_hold_row_and_a_ledger_row_naming_the_order_and_actor():
    variant = VariantFactory(stock=5)
    buyer = UserFactory()
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, actor=buyer)
    hold = selectors.holds_for(reference="ord_1")[variant.pk]
    assert (hold.quantity, hold.status, hold.closed_at) == (2, Hold.Status.ACTIVE, None)
    movement = StockMovement.objects.get(variant=variant, reason=Reason.HOLD)
    assert (movement.held_delta, movement.held_after, movement.on_hand_after) == (2, 2, 5)
    assert (movement.reference, movement.actor) == ("ord_1", buyer)


def test_a_hold_may_take_the_last_unit():
    variant = VariantFactory(stock=2)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    assert level(variant) == (2, 2)


def test_out_of_stock_names_every_short_line_and_holds_nothing():
    plenty, short, empty, untracked = (
        VariantFactory(stock=10),
        VariantFactory(stock=1),
        VariantFactory(stock=0),
        VariantFactory(),
    )
    with pytest.raises(OutOfStock) as raised:
        services.hold_stock(reference="ord_1", quantities={plenty.pk: 3, short.pk: 2, empty.pk: 1, untracked.pk: 4})
    assert raised.value.code == "out_of_stock"
    assert raised.value.status == 409
    assert raised.value.extra["lines"] == sorted(
        [
            {"variant_id": short.pk, "requested": 2, "available": 1},
            {"variant_id": empty.pk, "requested": 1, "available": 0},
            {"variant_id": untracked.pk, "requested": 4, "available": 0},
        ],
        key=lambda line: line["variant_id"],
    )
    assert "3 items" in raised.value.message
    assert level(plenty) == (10, 0)
    assert not Hold.objects.exists()
    assert not StockMovement.objects.filter(reason=Reason.HOLD).exists()


def test_units_held_by_another_order_are_not_available():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    with pytest.raises(OutOfStock) as raised:
        services.hold_stock(reference="ord_2", quantities={variant.pk: 2})
    assert raised.value.extra["lines"] == [{"variant_id": variant.pk, "requested": 2, "available": 1}]


def test_a_line_of_less_than_one_unit_is_refused():
    variant = VariantFactory(stock=3)
    with pytest.raises(InvalidQuantity):
        services.hold_stock(reference="ord_1", quantities={variant.pk: 0})
    assert level(variant) == (3, 0)


def test_an_order_cannot_hold_the_same_variant_twice():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1})
    with pytest.raises(HoldExists) as raised:
        services.hold_stock(reference="ord_1", quantities={variant.pk: 1})
    assert raised.value.extra == {"reference": "ord_1", "variant_ids": [variant.pk]}
    assert level(variant) == (5, 1)


def test_release_returns_the_units_and_writes_the_ledger():
    a, b = VariantFactory(stock=5), VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={a.pk: 2, b.pk: 1})
    released = services.release_holds(reference="ord_1")
    assert released == {a.pk: 2, b.pk: 1}
    assert (level(a), level(b)) == ((5, 0), (5, 0))
    assert ledger(a, Reason.RELEASE) == [(Reason.RELEASE, 0, -2, 5, 0)]
    holds = selectors.holds_for(reference="ord_1")
    assert {hold.status for hold in holds.values()} == {Hold.Status.RELEASED}
    assert all(hold.closed_at for hold in holds.values())


def test_releasing_twice_releases_nothing_more():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    services.release_holds(reference="ord_1")
    assert services.release_holds(reference="ord_1") == {}
    assert level(variant) == (5, 0)
    assert len(ledger(variant, Reason.RELEASE)) == 1


def test_release_of_some_variants_leaves_the_other_holds_active():
    a, b = VariantFactory(stock=5), VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={a.pk: 2, b.pk: 3})
    assert services.release_holds(reference="ord_1", variant_ids=[b.pk]) == {b.pk: 3}
    assert (level(a), level(b)) == ((5, 2), (5, 0))
    assert selectors.holds_for(reference="ord_1")[a.pk].status == Hold.Status.ACTIVE


def test_release_leaves_other_orders_holds_alone():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    services.hold_stock(reference="ord_2", quantities={variant.pk: 1})
    services.release_holds(reference="ord_1")
    assert level(variant) == (5, 1)


def test_sell_held_lowers_on_hand_and_held_and_writes_a_sale():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    assert services.sell_held(reference="ord_1") == {variant.pk: 2}
    assert level(variant) == (3, 0)
    assert ledger(variant, Reason.SALE) == [(Reason.SALE, -2, -2, 3, 0)]
    assert selectors.holds_for(reference="ord_1")[variant.pk].status == Hold.Status.SOLD


def test_selling_twice_sells_nothing_more():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    services.sell_held(reference="ord_1")
    assert services.sell_held(reference="ord_1") == {}
    assert level(variant) == (3, 0)
    assert len(ledger(variant, Reason.SALE)) == 1


def test_released_holds_cannot_be_sold_and_sold_holds_cannot_be_released():
    a, b = VariantFactory(stock=5), VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={a.pk: 1})
    services.hold_stock(reference="ord_2", quantities={b.pk: 1})
    services.release_holds(reference="ord_1")
    services.sell_held(reference="ord_2")
    assert services.sell_held(reference="ord_1") == {}
    assert services.release_holds(reference="ord_2") == {}
    assert (level(a), level(b)) == ((5, 0), (4, 0))


def test_an_unknown_reference_closes_nothing():
    assert services.release_holds(reference="ord_none") == {}
    assert services.sell_held(reference="ord_none") == {}


def test_return_to_stock_raises_on_hand_with_a_ledger_row():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    services.sell_held(reference="ord_1")
    services.return_to_stock(variant_id=variant.pk, quantity=1, reference="ord_1")
    assert level(variant) == (4, 0)
    assert ledger(variant, Reason.RETURN) == [(Reason.RETURN, 1, 0, 4, 0)]


def test_return_of_less_than_one_unit_is_refused():
    variant = VariantFactory(stock=5)
    with pytest.raises(InvalidQuantity):
        services.return_to_stock(variant_id=variant.pk, quantity=0, reference="ord_1")


def test_the_ledger_adds_up_to_the_level_through_hold_release_sale_and_return():
    variant = VariantFactory(stock=9)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    services.hold_stock(reference="ord_2", quantities={variant.pk: 3})
    services.release_holds(reference="ord_1")
    services.sell_held(reference="ord_2")
    services.return_to_stock(variant_id=variant.pk, quantity=1, reference="ord_2")
    services.set_on_hand(variant_id=variant.pk, quantity=12)
    rows = ledger(variant)
    assert (sum(r[1] for r in rows), sum(r[2] for r in rows)) == level(variant) == (12, 0)
    assert (rows[-1][3], rows[-1][4]) == level(variant)


def _hold_one_of_each(variants, reference: str) -> None:
    services.hold_stock(reference=reference, quantities={v.pk: 1 for v in variants})


def test_holding_takes_the_same_queries_for_one_line_and_for_twenty(django_assert_max_num_queries):
    counts = []
    for size in (1, 20):
        variants = VariantFactory.create_batch(size, stock=50)
        with django_assert_max_num_queries(12) as queries:
            _hold_one_of_each(variants, f"ord_{size}")
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("close", [services.release_holds, services.sell_held], ids=["release", "sell"])
def test_closing_holds_takes_the_same_queries_for_one_line_and_for_twenty(close, django_assert_max_num_queries):
    counts = []
    for size in (1, 20):
        _hold_one_of_each(VariantFactory.create_batch(size, stock=50), f"ord_{size}")
        with django_assert_max_num_queries(12) as queries:
            assert len(close(reference=f"ord_{size}")) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The database's own guard, for code that goes around the services ----------------------------


def test_a_raw_update_holding_more_than_on_hand_is_refused_by_the_database():
    variant = VariantFactory(stock=1)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1})
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stocklevel SET held = held + 1 WHERE variant_id = %s", [variant.pk])
    assert level(variant) == (1, 1)


def test_a_raw_sale_below_zero_is_refused_by_the_database():
    variant = VariantFactory(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stocklevel SET on_hand = on_hand - 2 WHERE variant_id = %s", [variant.pk])
    assert level(variant) == (1, 0)


def test_lowering_on_hand_below_what_is_held_is_refused_by_the_database():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 3})
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(variant=variant).update(on_hand=2)


@pytest.mark.parametrize(
    "fields",
    [{"quantity": 0}, {"status": Hold.Status.SOLD}],
    ids=["zero_quantity", "closed_without_closed_at"],
)
def test_the_database_refuses_impossible_holds(fields):
    variant = VariantFactory(stock=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(reference="ord_1", variant=variant, **{"quantity": 1, **fields})
