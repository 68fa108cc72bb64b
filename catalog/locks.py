"""Row locks of the catalog: a product row, a category row, an import row; and a seller's import lock.

In the store's lock order a product comes before its stock levels (inventory.locks): the catalog's
use cases lock the product, then change stock through inventory.services.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from catalog.models import Category, Product, ProductImport

# Namespace of the two-key advisory locks (pg_advisory_xact_lock(int, int)): "ci" (catalogue import) as an int.
_SELLER_IMPORT_LOCK_SPACE = 0x6369


def lock_product(*, product_id: int) -> Product | None:
    """Lock the product's own row (FOR UPDATE) and load it with its seller and category; None when missing.

    Must run inside a transaction. Only the product row is locked, not its seller's or category's.
    """
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("seller", "category")
        .filter(pk=product_id)
        .first()
    )


def lock_category(*, category_id: int) -> Category | None:
    """Lock the category row (FOR UPDATE); None when missing. Must run inside a transaction."""
    return Category.objects.select_for_update().filter(pk=category_id).first()


def lock_seller_catalogue_import(*, seller_id: int) -> None:
    """Take the seller's transaction-scoped advisory lock on importing: one import of a seller applies at a time.

    Taken before any product row. Must run inside a transaction. On SQLite (the embedded default)
    writers are serialised anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_SELLER_IMPORT_LOCK_SPACE, seller_id % 2147483647])


def lock_products(*, product_ids: Iterable[int]) -> None:
    """Lock the rows of several products (FOR UPDATE, in id order). Must run inside a transaction."""
    ids = sorted(set(product_ids))
    if ids:
        list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def lock_product_import(*, import_id: int, seller_id: int | None = None) -> ProductImport | None:
    """Lock an import's row (FOR UPDATE), of ``seller_id`` when given; None when missing."""
    imports = ProductImport.objects.select_for_update().filter(pk=import_id)
    if seller_id is not None:
        imports = imports.filter(seller_id=seller_id)
    return imports.first()
