"""Product.stocked_variants follows the stock levels (the database's triggers keep it), and "in stock" read
from it answers as the stock levels themselves would: a held-out product is out of stock, a lapsed hold puts
its product back in stock before anything releases it."""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef
from django.utils import timezone
import pytest

from catalog.models import Product, Variant
from inventory import selectors, services
from inventory.models import Hold, StockLevel
from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def counted(product) -> int:
    return Product.objects.values_list("stocked_variants", flat=True).get(pk=product.pk)


def recounted(product) -> int:
    """What the count should be: the product's stock levels with a unit no hold covers."""
    levels = StockLevel.objects.filter(variant__product_id=product.pk)
    return sum(1 for on_hand, held in levels.values_list("on_hand", "held") if on_hand > held)


def in_stock(product) -> bool:
    """The selector, as an annotation and as a filter (they must agree)."""
    annotated = Product.objects.annotate(s=selectors.product_in_stock()).get(pk=product.pk).s
    filtered = Product.objects.filter(selectors.product_in_stock(), pk=product.pk).exists()
    assert annotated == filtered
    return annotated


def sized(product, size: str, **kwargs) -> Variant:
    """Another variant of ``product`` (its options must differ from its other variants')."""
    return VariantFactory(product=product, options={"size": size}, **kwargs)


def in_the_future():
    return timezone.now() + timedelta(minutes=5)


def test_a_variant_created_with_units_counts_for_its_product():
    variant = VariantFactory(stock=3)
    assert (counted(variant.product), in_stock(variant.product)) == (1, True)


def test_a_variant_created_without_units_leaves_its_product_out_of_stock():
    variant = VariantFactory(stock=0)
    assert (counted(variant.product), in_stock(variant.product)) == (0, False)


def test_receiving_stock_after_a_sell_out_puts_the_product_back_in_stock():
    variant = VariantFactory(stock=0)
    services.set_on_hand(variant_id=variant.pk, quantity=4)
    assert (counted(variant.product), in_stock(variant.product)) == (1, True)


def test_holding_the_last_unit_takes_the_product_out_of_stock():
    variant = VariantFactory(stock=1)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1}, expires_at=in_the_future())
    assert (counted(variant.product), in_stock(variant.product)) == (0, False)


def test_releasing_the_hold_puts_the_product_back_in_stock():
    variant = VariantFactory(stock=1)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1}, expires_at=in_the_future())
    services.release_holds(reference="ord_1")
    assert (counted(variant.product), in_stock(variant.product)) == (1, True)


def test_selling_the_last_unit_keeps_the_product_out_of_stock_and_a_return_brings_it_back():
    variant = VariantFactory(stock=1)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1})
    services.sell_held(reference="ord_1")
    sold_out = (counted(variant.product), in_stock(variant.product))
    services.return_to_stock(variant_id=variant.pk, quantity=1, reference="ret_1")
    assert [sold_out, (counted(variant.product), in_stock(variant.product))] == [(0, False), (1, True)]


def test_a_hold_that_leaves_units_unheld_does_not_touch_the_product_row():
    variant = VariantFactory(stock=5)
    before = _row_version(variant.product)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())
    assert (counted(variant.product), _row_version(variant.product)) == (1, before)


def _row_version(product) -> str:
    """The row's physical version: any UPDATE of it (even one changing nothing) gives a new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM catalog_product WHERE id = %s", [product.pk])
        return cursor.fetchone()[0]


def test_a_lapsed_hold_puts_its_product_back_in_stock_through_the_selector():
    variant = VariantFactory(stock=1)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1}, expires_at=in_the_future())
    Hold.objects.filter(reference="ord_1").update(expires_at=timezone.now() - timedelta(seconds=1))
    # Nothing released the hold: the count still says no unit is unheld, the selector says in stock.
    assert (counted(variant.product), in_stock(variant.product)) == (0, True)


def test_every_form_of_the_in_stock_expression_agrees():
    held_out, lapsed, stocked = VariantFactory(stock=1), VariantFactory(stock=1), VariantFactory(stock=2)
    services.hold_stock(reference="ord_1", quantities={held_out.pk: 1}, expires_at=in_the_future())
    services.hold_stock(reference="ord_2", quantities={lapsed.pk: 1}, expires_at=in_the_future())
    Hold.objects.filter(reference="ord_2").update(expires_at=timezone.now() - timedelta(seconds=1))
    expected = {held_out.pk: False, lapsed.pk: True, stocked.pk: True}
    ids = list(expected)

    by_path = dict(  # from another model, by the path to the product's id (the cart's form)
        Variant.objects.filter(pk__in=ids).annotate(s=selectors.product_in_stock("product_id")).values_list("pk", "s")
    )
    by_outer_ref = dict(
        Variant.objects.filter(pk__in=ids)
        .annotate(s=selectors.product_in_stock(OuterRef("product_id")))
        .values_list("pk", "s")
    )
    out_of_stock = set(
        Variant.objects.filter(pk__in=ids)
        .exclude(selectors.in_stock_condition("product__pk"))
        .values_list("pk", flat=True)
    )
    assert (by_path, by_outer_ref, out_of_stock) == (expected, expected, {held_out.pk})


def test_a_product_with_two_variants_is_in_stock_until_both_are_held_out():
    product = ProductFactory(default_variant=False)
    first, second = sized(product, "S", stock=1), sized(product, "M", stock=1)
    states = [(counted(product), in_stock(product))]
    services.hold_stock(reference="ord_1", quantities={first.pk: 1}, expires_at=in_the_future())
    states.append((counted(product), in_stock(product)))
    services.hold_stock(reference="ord_2", quantities={second.pk: 1}, expires_at=in_the_future())
    states.append((counted(product), in_stock(product)))
    services.release_holds(reference="ord_1")
    states.append((counted(product), in_stock(product)))
    assert states == [(2, True), (1, True), (0, False), (1, True)]


def test_one_statement_changing_both_variants_of_a_product_counts_both():
    product = ProductFactory(default_variant=False)
    first, second = sized(product, "S", stock=1), sized(product, "M", stock=2)
    services.hold_stock(reference="ord_1", quantities={first.pk: 1, second.pk: 2}, expires_at=in_the_future())
    held = counted(product)
    services.release_holds(reference="ord_1")
    assert (held, counted(product)) == (0, 2)


def test_stock_rows_created_together_count_per_product():
    one, other = ProductFactory(default_variant=False), ProductFactory(default_variant=False)
    variants = [sized(one, "S"), sized(one, "M"), sized(other, "S")]
    services.set_initial_stock(quantities={variants[0].pk: 2, variants[1].pk: 0, variants[2].pk: 7})
    assert (counted(one), counted(other)) == (1, 1)


def test_deleting_a_stocked_variant_takes_it_off_its_products_count():
    product = ProductFactory(default_variant=False)
    kept, deleted = sized(product, "S", stock=1), sized(product, "M", stock=3)
    deleted.delete()
    assert (counted(product), recounted(product), in_stock(product)) == (1, 1, True)
    kept.delete()
    assert (counted(product), in_stock(product)) == (0, False)


def test_saving_a_product_never_writes_back_the_count_it_read():
    variant = VariantFactory(stock=0)
    product = Product.objects.get(pk=variant.product_id)  # read while out of stock
    services.set_on_hand(variant_id=variant.pk, quantity=3)
    product.name = "Renamed"
    product.save()
    assert (counted(product), Product.objects.get(pk=product.pk).name) == (1, "Renamed")


def test_the_count_can_never_go_below_zero():
    variant = VariantFactory(stock=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=variant.product_id).update(stocked_variants=-1)


def test_a_variant_cannot_move_to_another_product():
    variant, other = VariantFactory(stock=2), ProductFactory(default_variant=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(product=other)
    assert (counted(variant.product), counted(other)) == (1, 0)
