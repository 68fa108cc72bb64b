"""One variant of a product: its price, stock on hand and low-stock threshold."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from catalog.errors import VariantNotFound
from catalog.models import Variant
from catalog.search import index_events
from catalog.services.checks import UNSET, check_price, check_quantity, lock_own_product
from catalog.services.products import refresh_price
from catalog.services.scopes import named_product
from inventory import services as inventory_services
from shop.public_cache import bumps


@bumps("catalog", products=named_product)
def update_variant(
    *,
    product_id: int,
    sku: str,
    actor,
    price: Decimal = UNSET,
    quantity: int = UNSET,
    low_stock_threshold: int | None = UNSET,
) -> Variant:
    """Change one variant's price, stock on hand or low-stock threshold, as the product's owner.

    Raises NotProductOwner, VariantNotFound, InvalidField, or inventory's StockBelowHeld.
    """
    if price is not UNSET:
        price = check_price(price, field="price")
    if quantity is not UNSET:
        quantity = check_quantity(quantity, field="quantity")
    with transaction.atomic(durable=True):
        product = lock_own_product(product_id=product_id, actor=actor)
        variant = Variant.objects.filter(product_id=product.pk, sku=sku).first()
        if variant is None:
            raise VariantNotFound()
        fields = []
        if price is not UNSET:
            variant.price = price
            fields.append("price")
        if low_stock_threshold is not UNSET:
            variant.low_stock_threshold = low_stock_threshold
            fields.append("low_stock_threshold")
        if fields:
            variant.save(update_fields=fields)
        if quantity is not UNSET:
            inventory_services.set_on_hand(variant_id=variant.pk, quantity=quantity, actor=actor)
        if low_stock_threshold is not UNSET:
            inventory_services.review_low_stock(variant_ids=[variant.pk])
        if price is not UNSET:
            refresh_price(product)
            product.save(update_fields=["price", "updated_at"])
            index_events.products_changed([product.pk])  # stock that flips availability: inventory's event
    return variant
