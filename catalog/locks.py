"""Row locks of the catalog: a product row, a category row.

In the store's lock order a product comes before its stock levels (inventory.locks): the catalog's
use cases lock the product, then change stock through inventory.services.
"""

from __future__ import annotations

from catalog.models import Category, Product


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
