"""inventory.services: stock on hand per variant, never negative, with a ledger row for every change."""

from django.db import IntegrityError, transaction
import pytest

from inventory import selectors, services
from inventory.errors import InvalidQuantity, StockBelowHeld
from inventory.models import StockLevel, StockMovement
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory

pytestmark = pytest.mark.django_db


def test_set_on_hand_creates_the_level_and_writes_a_ledger_row_with_the_actor():
    variant = VariantFactory()
    seller = UserFactory()
    level = services.set_on_hand(variant_id=variant.pk, quantity=7, actor=seller)
    assert (level.on_hand, level.held) == (7, 0)
    movement = StockMovement.objects.get(variant=variant)
    assert (movement.on_hand_delta, movement.on_hand_after, movement.actor, movement.reason) == (
        7,
        7,
        seller,
        StockMovement.Reason.ADJUSTMENT,
    )


def test_each_change_writes_its_delta_and_the_level_after_it():
    variant = VariantFactory(stock=10)
    services.set_on_hand(variant_id=variant.pk, quantity=4, reason=StockMovement.Reason.RESTOCK)
    services.set_on_hand(variant_id=variant.pk, quantity=9)
    ledger = list(selectors.ledger_for(variant_id=variant.pk).values_list("on_hand_delta", "on_hand_after"))
    assert ledger == [(5, 9), (-6, 4), (10, 10)]
    assert StockLevel.objects.get(variant=variant).on_hand == 9


def test_setting_the_same_level_again_writes_nothing():
    variant = VariantFactory(stock=3)
    services.set_on_hand(variant_id=variant.pk, quantity=3)
    assert StockMovement.objects.filter(variant=variant).count() == 1


def test_negative_quantity_is_refused_naming_the_field():
    variant = VariantFactory(stock=3)
    with pytest.raises(InvalidQuantity) as raised:
        services.set_on_hand(variant_id=variant.pk, quantity=-1)
    assert raised.value.extra["errors"] == {"quantity": ["Quantity must be zero or more."]}
    assert StockLevel.objects.get(variant=variant).on_hand == 3


def test_on_hand_cannot_go_below_what_checkouts_hold():
    variant = VariantFactory(stock=5)
    StockLevel.objects.filter(variant=variant).update(held=4)
    with pytest.raises(StockBelowHeld) as raised:
        services.set_on_hand(variant_id=variant.pk, quantity=3)
    assert raised.value.code == "stock_below_held"
    assert raised.value.extra == {"variant_id": variant.pk, "held": 4}
    assert StockLevel.objects.get(variant=variant).on_hand == 5
    services.set_on_hand(variant_id=variant.pk, quantity=4)
    assert selectors.available_by_variant(variant_ids=[variant.pk]) == {variant.pk: 0}


def test_initial_stock_of_many_variants_takes_two_inserts(django_assert_max_num_queries):
    variants = VariantFactory.create_batch(30)
    with django_assert_max_num_queries(4) as queries:  # the two inserts, inside a savepoint
        services.set_initial_stock(quantities={v.pk: i for i, v in enumerate(variants)})
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) == 2
    assert StockLevel.objects.filter(variant__in=variants).count() == 30
    # A variant starting at zero has a stock row but no movement.
    assert StockMovement.objects.filter(variant__in=variants).count() == 29


def test_set_on_hand_many_changes_every_level_in_one_transaction():
    a, b = VariantFactory(stock=1), VariantFactory(stock=2)
    StockLevel.objects.filter(variant=b).update(held=2)
    with pytest.raises(StockBelowHeld):
        services.set_on_hand_many(quantities={a.pk: 10, b.pk: 1})
    assert StockLevel.objects.get(variant=a).on_hand == 1  # rolled back with b's refusal


@pytest.mark.parametrize(
    "change",
    [{"on_hand": -1}, {"held": -1}, {"held": 99}],
    ids=["on_hand_negative", "held_negative", "held_above_on_hand"],
)
def test_database_refuses_impossible_levels_even_from_a_direct_update(change):
    variant = VariantFactory(stock=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(variant=variant).update(**change)


def test_database_refuses_a_ledger_row_with_a_negative_level():
    variant = VariantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(variant=variant, reason="adjustment", on_hand_delta=-1, on_hand_after=-1)


# --- adjust_on_hand: the seller's "+/- units, because ..." ----------------------------------------


def test_adjust_on_hand_adds_the_delta_and_keeps_the_note_in_the_ledger():
    variant = VariantFactory(stock=10)
    seller = UserFactory()

    level = services.adjust_on_hand(variant_id=variant.pk, delta=-4, note="  Water damage ", actor=seller)

    assert level.on_hand == 6
    movement = StockMovement.objects.filter(variant=variant).first()
    assert (movement.on_hand_delta, movement.on_hand_after, movement.note, movement.actor) == (
        -4,
        6,
        "Water damage",
        seller,
    )


def test_adjust_on_hand_refuses_to_go_below_zero():
    variant = VariantFactory(stock=3)
    with pytest.raises(InvalidQuantity, match="Only 3 units are on hand"):
        services.adjust_on_hand(variant_id=variant.pk, delta=-4, note="Count", actor=None)
    assert StockLevel.objects.get(variant=variant).on_hand == 3


def test_adjust_on_hand_refuses_to_go_below_what_is_held():
    variant = VariantFactory(stock=5)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 4})
    with pytest.raises(StockBelowHeld):
        services.adjust_on_hand(variant_id=variant.pk, delta=-2, note="Count", actor=None)
    assert StockLevel.objects.get(variant=variant).on_hand == 5


def test_set_on_hand_keeps_its_note():
    variant = VariantFactory(stock=5)
    services.set_on_hand(variant_id=variant.pk, quantity=8, note="Stock count")
    assert StockMovement.objects.filter(variant=variant).first().note == "Stock count"
