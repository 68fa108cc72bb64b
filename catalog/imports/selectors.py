"""Reads of bulk import and export: a seller's imports, a running import's progress, the export rows."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.cache import cache
from django.db.models import QuerySet

from catalog.imports.errors import ImportNotFound
from catalog.imports.plan import categories, format_attributes
from catalog.models import ProductImport, Variant
from catalog.services.imports import progress_key
from inventory import selectors as inventory_selectors


def imports_for_seller(*, seller_id: int) -> QuerySet[ProductImport]:
    """The seller's imports, newest first, without their stored files."""
    return ProductImport.objects.filter(seller_id=seller_id).defer("content")


def import_for_seller(*, seller_id: int, import_id: int) -> ProductImport:
    """One of the seller's imports (without its file); another seller's is ImportNotFound."""
    record = imports_for_seller(seller_id=seller_id).filter(pk=import_id).first()
    if record is None:
        raise ImportNotFound()
    return record


def rows_done(record: ProductImport) -> int:
    """Rows written so far: counted in the cache while the import runs, stored once it ends."""
    if record.status == ProductImport.Status.RUNNING:
        return cache.get(progress_key(record.pk)) or 0
    return record.rows_done


def export_records(*, seller_id: int) -> Iterator[dict[str, str]]:
    """Every variant of the seller (every product status) as a row of the import format, product by
    product. Three queries whatever the number of variants."""
    on_hand = dict(
        inventory_selectors.stock_for_seller(seller_id=seller_id).values_list("variant_id", "on_hand").order_by()
    )
    names = categories()
    variants = (
        Variant.objects.filter(product__seller_id=seller_id)
        .select_related("product")
        .defer("product__search_vector")
        .order_by("product__created_at", "product_id", "position", "id")
    )
    for variant in variants.iterator(chunk_size=2000):
        product = variant.product
        yield {
            "sku": variant.sku,
            "name": product.name,
            "description": product.description,
            "category": names.label(product.category_id),
            "brand": product.brand,
            "price": str(variant.price),
            "quantity": str(on_hand.get(variant.pk, 0)),
            "size": variant.options.get("size", ""),
            "colour": variant.options.get("color", ""),
            "attributes": format_attributes(product.attributes or {}),
            "status": product.status,
        }
