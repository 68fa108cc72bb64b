"""Availability, computed one way: on hand minus held, where a hold past its expires_at no longer counts,
whether or not anything has released it yet; and hold_stock names the lapsed holds standing in its way."""

from datetime import timedelta

from django.utils import timezone
import pytest

from catalog.models import Product, Variant
from inventory import selectors, services
from inventory.errors import HoldsLapsed, OutOfStock
from inventory.models import Hold
from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def lapse(reference: str) -> None:
    """Move a hold's end into the past, as the clock would (nothing releases it)."""
    Hold.objects.filter(reference=reference).update(expires_at=timezone.now() - timedelta(seconds=1))


def in_the_future() -> timezone.datetime:
    return timezone.now() + timedelta(minutes=5)


def available(variant) -> dict:
    """What each way of asking says about one variant."""
    return {
        "by_variant": selectors.available_by_variant(variant_ids=[variant.pk])[variant.pk],
        "variant_expression": Variant.objects.annotate(a=selectors.variant_available()).get(pk=variant.pk).a,
        "in_stock": Product.objects.annotate(s=selectors.product_in_stock()).get(pk=variant.product_id).s,
        "in_stock_filter": Product.objects.filter(selectors.product_in_stock(), pk=variant.product_id).exists(),
    }


def test_a_hold_within_its_time_makes_its_units_unavailable_everywhere():
    variant = VariantFactory(stock=2)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())

    assert available(variant) == {"by_variant": 0, "variant_expression": 0, "in_stock": False, "in_stock_filter": False}


def test_a_lapsed_hold_gives_its_units_back_everywhere_before_anything_releases_it():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())
    services.hold_stock(reference="ord_2", quantities={variant.pk: 1}, expires_at=in_the_future())
    lapse("ord_1")

    assert available(variant) == {"by_variant": 2, "variant_expression": 2, "in_stock": True, "in_stock_filter": True}
    assert Hold.objects.get(reference="ord_1").status == Hold.Status.ACTIVE  # released only by its order's expiry


def test_a_hold_without_an_end_never_lapses():
    variant = VariantFactory(stock=1)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 1})

    assert selectors.available_by_variant(variant_ids=[variant.pk]) == {variant.pk: 0}
    assert not selectors.lapsed_holds().exists()


def test_a_product_is_in_stock_when_any_variant_has_a_lapsed_hold():
    product = ProductFactory(default_variant=False)
    empty = VariantFactory(product=product, options={"size": "S"}, stock=0)
    held = VariantFactory(product=product, options={"size": "M"}, stock=1)
    services.hold_stock(reference="ord_1", quantities={held.pk: 1}, expires_at=in_the_future())
    assert not Product.objects.filter(selectors.product_in_stock(), pk=product.pk).exists()

    lapse("ord_1")

    assert Product.objects.filter(selectors.product_in_stock(), pk=product.pk).exists()
    assert not Product.objects.filter(~selectors.product_in_stock(), pk=product.pk).exists()
    assert selectors.available_by_variant(variant_ids=[empty.pk, held.pk]) == {empty.pk: 0, held.pk: 1}


def test_holding_units_a_lapsed_hold_still_covers_names_its_order_and_changes_nothing():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())
    lapse("ord_1")

    with pytest.raises(HoldsLapsed) as refused:
        services.hold_stock(reference="ord_2", quantities={variant.pk: 3}, expires_at=in_the_future())

    assert refused.value.references == ["ord_1"]
    assert refused.value.code == "out_of_stock"  # what a client would see if it were never resolved
    assert refused.value.lines == [{"variant_id": variant.pk, "requested": 3, "available": 1}]
    assert "ord_1" not in str(refused.value.extra)  # another buyer's order id never reaches a client
    assert not Hold.objects.filter(reference="ord_2").exists()


def test_once_the_lapsed_hold_is_released_the_same_hold_succeeds():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())
    lapse("ord_1")
    services.release_holds(reference="ord_1")

    services.hold_stock(reference="ord_2", quantities={variant.pk: 3}, expires_at=in_the_future())

    assert Hold.objects.get(reference="ord_2").quantity == 3


def test_a_hold_the_unheld_units_can_serve_ignores_lapsed_holds():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())
    lapse("ord_1")

    services.hold_stock(reference="ord_2", quantities={variant.pk: 1}, expires_at=in_the_future())

    assert Hold.objects.get(reference="ord_1").status == Hold.Status.ACTIVE


def test_a_line_short_even_counting_lapsed_holds_is_plainly_out_of_stock():
    variant = VariantFactory(stock=3)
    services.hold_stock(reference="ord_1", quantities={variant.pk: 2}, expires_at=in_the_future())
    lapse("ord_1")

    with pytest.raises(OutOfStock) as refused:
        services.hold_stock(reference="ord_2", quantities={variant.pk: 4}, expires_at=in_the_future())

    assert not isinstance(refused.value, HoldsLapsed)
    assert refused.value.lines == [{"variant_id": variant.pk, "requested": 4, "available": 3}]
