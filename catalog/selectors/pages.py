"""What the storefront pages read beyond ``products``: card links, home rows, the product page.

Every function here runs a fixed number of queries, whatever the number of products, variants or reviews.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import DecimalField, F, Sum
from django.urls import reverse

from catalog.errors import ProductNotFound
from catalog.models import Product, ProductImage
from catalog.selectors.categories import CategoryNode, ancestors, category_tree, top_level_categories
from catalog.selectors.products import (
    listed_cards,
    listed_products,
    product_cards,
    product_detail,
    review_standing,
    reviews_for,
)
from inventory.selectors import available_by_variant
from shop import public_cache

HOME_ROW_SIZE = 8
REVIEWS_PAGE_SIZE = 10


def image_url(image: ProductImage | None, *, thumbnail: bool = False) -> str:
    """The URL of an image (its thumbnail when asked and made), or "" without one."""
    if image is None:
        return ""
    if thumbnail and image.thumbnail:
        return image.thumbnail.url
    return image.image.url if image.image else ""


def product_url(product: Product) -> str:
    """The canonical, readable address of a product page: ``/p/<id>-<slug>/``."""
    if product.slug:
        return reverse("catalog:product", kwargs={"product_id": product.pk, "slug": product.slug})
    return reverse("catalog:product-short", kwargs={"product_id": product.pk})


def _with_links(products: Iterable[Product]) -> list[Product]:
    products = list(products)
    for product in products:
        product.card_image_url = image_url(getattr(product, "card_image", None), thumbnail=True)
        product.card_url = product_url(product)
        if getattr(product, "card_color", ""):  # the product page preselects the colour the card shows
            product.card_url += "?" + urlencode({"color": product.card_color})
    return products


def with_card_data(products: Sequence[Product], *, colors: Sequence[str] = ()) -> list[Product]:
    """A page of products ready for ``_product_card.html``: ``products.product_cards`` (showing one of
    ``colors`` when given) plus the card's ``card_url`` and ``card_image_url``."""
    return _with_links(product_cards(products, colors=colors))


def new_arrivals(*, limit: int = HOME_ROW_SIZE, exclude: Iterable[int] = ()) -> list[Product]:
    """The newest listed products (but ``exclude``), ready for cards."""
    products = listed_products().exclude(pk__in=list(exclude)) if exclude else listed_products()
    newest = products.order_by("-created_at", "-id").values_list("pk", flat=True)[:limit]
    return _with_links(product_cards(listed_cards(newest)))


def best_rated(*, limit: int = HOME_ROW_SIZE) -> list[Product]:
    """Listed products with reviews, best average first (more reviews break ties), ready for cards."""
    best = listed_products().filter(review_count__gt=0).order_by("-rating", "-review_count", "-id")
    return _with_links(product_cards(listed_cards(best.values_list("pk", flat=True)[:limit])))


@dataclass
class CategoryTile:
    node: CategoryNode
    children: list[CategoryNode]


def home_categories(*, limit: int = 8, children: int = 4) -> list[CategoryTile]:
    """Top-level categories with a few of their sub-categories, from the cached tree."""
    tree = category_tree()
    return [
        CategoryTile(node=node, children=[tree[child] for child in node.children[:children]])
        for node in top_level_categories()[:limit]
    ]


def sub_categories(*, category_id: int) -> list[CategoryNode]:
    tree = category_tree()
    node = tree.get(category_id)
    return [tree[child] for child in node.children] if node else []


# --- A seller's store page -------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreRating:
    average: Decimal  # 0.00 without reviews
    count: int  # reviews of the store's listed products


def store_rating(*, seller_id: int) -> StoreRating:
    """The store's rating: its listed products' averages weighted by their review counts (one query)."""
    # Each product keeps its average and count (catalog.services.reviews): summing rating times count over the
    # store's products averages all its reviews without reading them (off by at most the half cent each
    # product's average was rounded by).
    totals = (
        listed_products()
        .filter(seller_id=seller_id, review_count__gt=0)
        .aggregate(
            stars=Sum(F("rating") * F("review_count"), output_field=DecimalField(max_digits=14, decimal_places=2)),
            count=Sum("review_count"),
        )
    )
    count = totals["count"] or 0
    if not count:
        return StoreRating(average=Decimal("0.00"), count=0)
    return StoreRating(average=(totals["stars"] / count).quantize(Decimal("0.01")), count=count)


# --- The product page ------------------------------------------------------------------------------


@dataclass
class VariantChoice:
    id: int
    sku: str
    options: dict
    size: str
    color: str
    price: Decimal
    available: int

    @property
    def in_stock(self) -> bool:
        return self.available > 0

    @property
    def label(self) -> str:
        """ "M / Red", or the SKU for a variant without options."""
        rest = [v for k, v in sorted(self.options.items()) if k not in ("size", "color")]
        values = [str(v) for v in (self.size, self.color, *rest) if v not in (None, "")]
        return " / ".join(values) if values else self.sku


@dataclass
class ProductPage:
    product: Product
    category_path: list[CategoryNode]
    images: list[ProductImage]
    variants: list[VariantChoice]
    sizes: list[str]
    colors: list[str]
    reviews: list[ReviewRow]
    reviews_page: int
    reviews_pages: int
    rating_breakdown: dict[int, int]  # stars (5..1) -> number of reviews
    is_owner: bool
    can_review: bool
    has_reviewed: bool
    is_verified_buyer: bool  # received the product: only such a buyer may review it
    attributes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """Listed and with at least one unit of some variant to sell."""
        return self.product.is_listed and any(v.in_stock for v in self.variants)

    @property
    def archived(self) -> bool:
        return self.product.status == Product.Status.ARCHIVED

    @property
    def price_range(self) -> tuple[Decimal, Decimal] | None:
        prices = [v.price for v in self.variants]
        return (min(prices), max(prices)) if prices else None

    @property
    def default_variant(self) -> VariantChoice | None:
        """What the picker starts on: the first variant in stock, else the first one."""
        return self.default_variant_in("")

    def color_named(self, text: str) -> str:
        """The product's colour ``text`` names (any case, e.g. from ``?color=red``), or ""."""
        wanted = (text or "").strip().lower()
        return next((color for color in self.colors if color.lower() == wanted), "") if wanted else ""

    def default_variant_in(self, color: str) -> VariantChoice | None:
        """The first variant in stock of ``color`` (any colour when blank), else the first of that colour."""
        variants = [v for v in self.variants if v.color == color] if color else self.variants
        variants = variants or self.variants
        return next((v for v in variants if v.in_stock), variants[0] if variants else None)

    def images_for(self, color: str) -> list[ProductImage]:
        """The gallery for a chosen colour: that colour's pictures first, then the rest in their order."""
        if not color:
            return list(self.images)
        return sorted(self.images, key=lambda image: image.color != color)


def _attribute_rows(attributes) -> list[tuple[str, str]]:
    """The free-form specifications as (label, value) rows: {"screen_size": "6.1 in"} -> ("Screen size", ...)."""
    if not isinstance(attributes, dict):
        return []
    rows = []
    for key, value in attributes.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, (list, tuple)):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = ", ".join(f"{k}: {v}" for k, v in value.items())
        else:
            text = str(value)
        label = str(key).replace("_", " ").strip()
        rows.append((label[:1].upper() + label[1:], text))
    return rows


def _distinct(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


@dataclass(frozen=True)
class ReviewRow:
    """A review as its product page shows it (no author record: what is kept in the shared cache is public)."""

    pk: int
    rating: int
    title: str
    body: str
    author: str  # first name, or ""
    created_at: datetime
    verified_purchase: bool


@dataclass
class _ProductBody:
    """What a product page shows that is the same for every visitor and does not change with stock: kept in
    the shared cache under the product's version (``shop.public_cache.piece``)."""

    product: Product
    category_path: list[CategoryNode]
    images: list[ProductImage]
    variants: list[VariantChoice]  # ``available`` is filled in per request
    rating_breakdown: dict[int, int]
    owner_id: int  # the selling user's id


def _product_body(*, product_id: int, user) -> _ProductBody:
    """Computed for ``user`` (a draft exists only for its owner: ProductNotFound otherwise, and nothing is
    kept); who may see what it holds is checked again on every request."""
    detail = product_detail(product_id=product_id, user=user)
    product = detail.product
    return _ProductBody(
        product=product,
        category_path=ancestors(category_id=product.category_id) if product.category_id else [],
        images=detail.images,
        variants=[
            VariantChoice(
                id=v.pk,
                sku=v.sku,
                options=v.options or {},
                size=v.size or str((v.options or {}).get("size") or ""),
                color=v.color or str((v.options or {}).get("color") or ""),
                price=v.price,
                available=0,
            )
            for v in detail.variants
        ],
        rating_breakdown=detail.rating_breakdown,
        owner_id=product.seller.user_id,
    )


def _review_rows(*, product_id: int, start: int) -> list[ReviewRow]:
    return [
        ReviewRow(
            pk=review.pk,
            rating=review.rating,
            title=review.title,
            body=review.body,
            author=review.user.get_short_name() if review.user_id else "",
            created_at=review.created_at,
            verified_purchase=review.verified_purchase,
        )
        for review in reviews_for(product_id=product_id)[start : start + REVIEWS_PAGE_SIZE]
    ]


def product_page(*, product_id: int, user, reviews_page: int = 1) -> ProductPage:
    """Everything the product page shows, for this visitor; raises ProductNotFound.

    Drafts exist only for their owning seller; archived products still answer (their page says so).
    The product, its pictures, variants and a page of reviews come from the shared cache while the product's
    version stands (one cache round trip each); stock (one query) and what concerns this visitor (one query
    for a signed-in buyer) are read on every request.
    """
    body = public_cache.piece(
        "product-body-v1", product_id=product_id, compute=lambda: _product_body(product_id=product_id, user=user)
    )
    product = body.product
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    is_owner = user_id is not None and body.owner_id == user_id
    if product.status == Product.Status.DRAFT and not is_owner:
        raise ProductNotFound()
    available = available_by_variant(variant_ids=[v.id for v in body.variants])
    choices = [replace(v, available=max(available.get(v.id, 0), 0)) for v in body.variants]

    pages = max(1, -(-product.review_count // REVIEWS_PAGE_SIZE))
    reviews_page = min(max(1, reviews_page), pages)
    start = (reviews_page - 1) * REVIEWS_PAGE_SIZE
    reviews = public_cache.piece(
        f"product-reviews-v1-{reviews_page}",
        product_id=product.pk,
        compute=lambda: _review_rows(product_id=product.pk, start=start),
    )
    has_reviewed, received = (
        review_standing(user_id=user_id, product_id=product.pk)
        if user_id is not None and not is_owner
        else (False, False)
    )
    is_verified_buyer = received and not is_owner

    return ProductPage(
        product=product,
        category_path=body.category_path,
        images=body.images,
        variants=choices,
        sizes=_distinct(c.size for c in choices),
        colors=_distinct(c.color for c in choices),
        reviews=reviews,
        reviews_page=reviews_page,
        reviews_pages=pages,
        rating_breakdown=body.rating_breakdown,
        is_owner=is_owner,
        can_review=is_verified_buyer and not has_reviewed and product.is_listed,
        has_reviewed=has_reviewed,
        is_verified_buyer=is_verified_buyer,
        attributes=_attribute_rows(product.attributes),
    )
