"""Small builders for search tests: categories, products with variants and stock, straight through the ORM.

Rows are written the way catalog.services and inventory.services leave them (category path copied into
``category_text``, variant ``size``/``color`` copied from the options, the product price the lowest
variant price), so search sees exactly what it sees in production.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
import itertools

from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Category, Product, Variant
from catalog.selectors.categories import forget_category_tree
from inventory.models import StockLevel
from tests.sellers.factories import SellerFactory

_numbers = itertools.count(1)


def make_category(name: str, *, parent: Category | None = None) -> Category:
    category = Category.objects.create(
        name=name,
        slug=f"{slugify(name)}-{next(_numbers)}",
        parent=parent,
        path_names=f"{parent.path_names} > {name}" if parent else name,
        depth=parent.depth + 1 if parent else 0,
    )
    forget_category_tree()
    return category


def make_product(
    name: str,
    *,
    seller=None,
    category: Category | None = None,
    brand: str = "",
    description: str = "",
    price: str | Decimal = "10.00",
    rating: str | Decimal = "0",
    sales: int = 0,
    status: str = Product.Status.ACTIVE,
    age_days: float = 0,
    variants: list[dict] | None = None,
    stock: int = 5,
) -> Product:
    """A product with its variants; ``variants`` are dicts of options plus optional ``stock`` and ``price``.
    Without ``variants`` it has one plain variant with ``stock`` units."""
    specs = variants if variants is not None else [{"stock": stock}]
    prices = [Decimal(str(spec.get("price", price))) for spec in specs]
    product = Product.objects.create(
        seller=seller or SellerFactory(),
        category=category,
        name=name,
        slug=slugify(name)[:200] or "product",
        description=description,
        brand=brand,
        price=min(prices),
        rating=Decimal(str(rating)),
        review_count=1 if Decimal(str(rating)) else 0,
        sales_count=sales,
        status=status,
        category_text=category.path_names if category else "",
        created_at=timezone.now() - timedelta(days=age_days),
    )
    for position, (spec, variant_price) in enumerate(zip(specs, prices, strict=True)):
        options = {k: v for k, v in spec.items() if k in ("size", "color")}
        variant = Variant.objects.create(
            product=product,
            sku=f"S{product.pk}-{position}",
            options=options,
            size=options.get("size", ""),
            color=options.get("color", ""),
            price=variant_price,
            position=position,
        )
        StockLevel.objects.create(variant=variant, on_hand=spec.get("stock", stock))
    return product
