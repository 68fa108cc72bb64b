"""What the seller's product pages and API read: their own products in every status, with prices and stock.

Another seller's product is ProductNotFound here (a 404), never a hint that it exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import DecimalField, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from catalog.errors import ImageNotFound, ProductNotFound
from catalog.models import Product, ProductImage, Variant
from catalog.selectors.products import CARD_IMAGES, first_image_prefetch
from inventory import selectors as inventory_selectors

# The sorts of the seller's product list: name -> ordering.
SELLER_SORTS = {
    "newest": ("-created_at", "-id"),
    "name": ("name", "id"),
    "price": ("price", "id"),
    "stock": ("stock_on_hand", "id"),
}


def seller_products(*, seller_id: int, q: str = "", status: str = "", sort: str = "newest") -> QuerySet[Product]:
    """The seller's products of every status (or one ``status``), matching ``q`` in the name, brand or a
    SKU, annotated with ``max_price`` and ``stock_on_hand`` (all variants) and with their first image."""
    products = Product.objects.filter(seller_id=seller_id).defer("search_vector")
    if status:
        products = products.filter(status=status)
    q = q.strip()
    if q:
        skus = Variant.objects.filter(sku__icontains=q).values("product_id")
        products = products.filter(Q(name__icontains=q) | Q(brand__icontains=q) | Q(pk__in=skus))
    # Per product, not joined and grouped: a page sorted by date, name or price then reads its own rows only
    # (the seller's index in that order), and its count none of the variants; sorting by stock reads the
    # seller's products' stock, never the catalogue's.
    variants = Variant.objects.filter(product_id=OuterRef("pk")).order_by().values("product_id")
    max_price = variants.annotate(value=Max("price")).values("value")
    on_hand = variants.annotate(value=Sum("stock__on_hand")).values("value")
    return (
        products.annotate(
            max_price=Subquery(max_price, output_field=DecimalField(max_digits=12, decimal_places=2)),
            stock_on_hand=Coalesce(Subquery(on_hand, output_field=IntegerField()), 0),
        )
        .prefetch_related(first_image_prefetch())
        .order_by(*SELLER_SORTS.get(sort, SELLER_SORTS["newest"]))
    )


@dataclass
class VariantStock:
    variant: Variant
    on_hand: int
    available: int
    threshold: int | None
    low: bool


def variant_stock(*, seller_id: int, product_ids: Sequence[int]) -> dict[int, list[VariantStock]]:
    """Each product's variants (in display order) with on hand, available and the low-stock mark: one query."""
    rows: dict[int, list[VariantStock]] = defaultdict(list)
    levels = inventory_selectors.stock_for_seller(seller_id=seller_id).filter(variant__product_id__in=list(product_ids))
    for level in levels.order_by("variant__position", "variant_id"):
        rows[level.variant.product_id].append(
            VariantStock(
                variant=level.variant,
                on_hand=level.on_hand,
                available=max(level.units, 0),
                threshold=level.threshold,
                low=bool(level.low),
            )
        )
    return rows


def with_stock(*, seller_id: int, products: Sequence[Product]) -> list[Product]:
    """A page of ``seller_products`` with ``stock_rows`` (VariantStock list), ``any_low`` and ``card_image``."""
    products = list(products)
    stock = variant_stock(seller_id=seller_id, product_ids=[product.pk for product in products])
    for product in products:
        product.stock_rows = stock.get(product.pk, [])
        product.any_low = any(row.low for row in product.stock_rows)
        images = getattr(product, CARD_IMAGES, [])
        product.card_image = images[0] if images else None
    return products


def own_product(*, seller_id: int, product_id: int) -> Product:
    """One of the seller's products with its category, in any status; ProductNotFound for anyone else's."""
    product = (
        Product.objects.select_related("seller", "category")
        .defer("search_vector")
        .filter(pk=product_id, seller_id=seller_id)
        .first()
    )
    if product is None:
        raise ProductNotFound()
    return product


def own_image(*, seller_id: int, product_id: int, image_id: int) -> ProductImage:
    """A picture of one of the seller's products; ProductNotFound / ImageNotFound for anyone else's."""
    own_product(seller_id=seller_id, product_id=product_id)
    image = ProductImage.objects.filter(product_id=product_id, pk=image_id).first()
    if image is None:
        raise ImageNotFound()
    return image


def images_of(*, product_id: int) -> list[ProductImage]:
    """A product's pictures in gallery order."""
    return list(ProductImage.objects.filter(product_id=product_id).order_by("position", "id"))
