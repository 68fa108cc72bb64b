"""Products for listings, the product detail, variants with their availability, reviews, a seller's products.

Each function runs a fixed number of queries whatever the number of products, variants or images.
Archived and draft products are never listed; a draft's detail exists only for its owner, an archived
product's detail still answers (orders and old links point at it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, Prefetch, QuerySet, Value, When, prefetch_related_objects
from django.db.models.functions import Lower, Upper
from django.urls import reverse

from catalog.errors import NotProductOwner, ProductNotFound
from catalog.models import Product, ProductImage, Review, Variant, VerifiedPurchase
from catalog.selectors.categories import CategoryNode, category_tree
from inventory import selectors as inventory_selectors
from shop import public_cache
from shop.money import to_str

# The same attribute the search backends prefetch into, so a page they loaded needs no second query.
CARD_IMAGES = "first_images"
# Columns no page shows (search and facets read them in SQL): left out of the products pages load.
SEARCH_ONLY_FIELDS = ("search_vector", "sizes", "colors")


def listed_products() -> QuerySet[Product]:
    """Products buyers can browse: active ones only."""
    return Product.objects.filter(status=Product.Status.ACTIVE)


def near_in_price_ids(*, product_id: int, limit: int, ratio: Decimal, exclude: Iterable[int] = ()) -> list[int]:
    """Ids of the listed products of ``product_id``'s category priced within ``ratio`` times its price either way,
    the same brand first, then the closest price, then by id; one query on PostgreSQL (none for an unknown
    product or one without a category).

    Read as the nearest prices on either side, for the same brand and for any brand: four index ranges of at most
    ``limit`` rows each, in the order of the (category, price, id) and (category, brand, price, id) indexes of
    listed products, so a category of a hundred thousand products costs what one of ten does; their union holds
    the answer. (Where more than ``limit`` products under the price tie on theirs, the highest ids of them are
    the ones read.)"""
    product = listed_products().filter(pk=product_id).values("category_id", "brand", "price").first()
    if product is None or product["category_id"] is None or limit <= 0:
        return []
    price, brand = product["price"], Upper(Value(product["brand"]))
    same_category = (
        listed_products()
        .filter(category_id=product["category_id"])
        .exclude(pk__in=[product_id, *exclude])
        .alias(brand_upper=Upper("brand"))
        .annotate(same_brand=Case(When(brand_upper=brand, then=Value(0)), default=Value(1)))
    )
    ranges = []
    for rows in (same_category.filter(brand_upper=brand), same_category):
        above = rows.filter(price__gte=price, price__lte=price * ratio).order_by("price", "pk")
        below = rows.filter(price__lt=price, price__gte=price / ratio).order_by("-price", "-pk")
        ranges += [part.values_list("pk", "price", "same_brand")[:limit] for part in (above, below)]
    if connection.features.supports_slicing_ordering_in_compound:
        found = list(ranges[0].union(*ranges[1:], all=True))
    else:  # SQLite: no ORDER BY ... LIMIT inside a UNION
        found = [row for part in ranges for row in part]
    ranked = sorted(set(found), key=lambda row: (row[2], abs(row[1] - price), row[0]))
    return [pk for pk, _, _ in ranked[:limit]]


def first_image_prefetch() -> Prefetch:
    """Loads each product's first picture into ``first_images`` (a list of at most one)."""
    # A sliced prefetch: one query (a window over product_id) fetches the first image of every product.
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")[:1], to_attr=CARD_IMAGES)


def product_cards_queryset(queryset: QuerySet[Product] | None = None) -> QuerySet[Product]:
    """A product queryset that loads what a card shows (seller, category, first image, in_stock).

    ``in_stock`` reads the product's own row (``inventory.selectors.product_in_stock``: its stocked-variants
    count and the few lapsed holds), so it costs nothing more under an ORDER BY ... LIMIT over the whole
    catalog."""
    queryset = listed_products() if queryset is None else queryset
    queryset = queryset.select_related("seller", "category").defer(*SEARCH_ONLY_FIELDS)
    queryset = queryset.annotate(in_stock=inventory_selectors.product_in_stock())
    return queryset.prefetch_related(first_image_prefetch())


def listed_cards(ids: Iterable[int]) -> list[Product]:
    """The listed products of ``ids``, in that order, ready for ``product_cards``: seller and category loaded,
    the first picture in ``first_images`` (and ``first_image``), ``in_stock``.

    Whether each is listed and in stock is read now, in one query on the products' own rows (status, their
    stocked-variants count, the few lapsed holds). The rest is the same for every visitor and changes only with
    a write to its product (or a store-wide catalog write): it comes from the shared cache while its product's
    version stands (``shop.public_cache.pieces``), so a warm page of cards costs that one query; two more for
    the products not kept yet."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    fresh = dict(
        listed_products()
        .filter(pk__in=ids)
        .annotate(in_stock=inventory_selectors.product_in_stock())
        .values_list("pk", "in_stock")
    )
    kept = public_cache.pieces("card-product-v1", product_ids=[pk for pk in ids if pk in fresh], compute=_card_rows)
    listed = [kept[pk] for pk in ids if pk in kept]
    for product in listed:
        product.in_stock = fresh[product.pk]
    return listed


def _card_rows(ids: list[int]) -> dict[int, Product]:
    """Products by id (any status) with what a card shows but stock: two queries whatever the number."""
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=ids).select_related("seller", "category").defer(*SEARCH_ONLY_FIELDS)
    }
    # Every picture of these products, first ones first: a product has a handful, and this plain query costs far
    # less to build than a windowed "first picture per product" prefetch.
    first: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=list(products)).order_by("product_id", "position", "id"):
        first.setdefault(image.product_id, image)
    for product in products.values():
        product.first_image = first.get(product.pk)
        setattr(product, CARD_IMAGES, [product.first_image] if product.first_image else [])
    return products


def product_cards(products: Sequence[Product], *, colors: Sequence[str] = ()) -> list[Product]:
    """Ready a page of products for cards, loading only what is not loaded yet, in a bounded number of
    queries: ``seller``, ``category``, ``card_image`` (the first image or None; also ``first_image``),
    ``in_stock``, ``card_price`` and ``card_color``.

    Under a colour filter (``colors``, any case) each card shows the first of those colours its product
    has (``card_color``, as the product spells it): that colour's first picture and the price of the
    variant its product page preselects; two more queries."""
    products = list(products)
    if not products:
        return products
    prefetch_related_objects(products, "seller", "category", first_image_prefetch())
    unknown = [p.pk for p in products if getattr(p, "in_stock", None) is None]
    if unknown:
        stocked = set(
            Product.objects.filter(pk__in=unknown)
            .annotate(in_stock=inventory_selectors.product_in_stock())
            .filter(in_stock=True)
            .values_list("pk", flat=True)
        )
        for product in products:
            if product.pk in unknown:
                product.in_stock = product.pk in stocked
    for product in products:
        images = getattr(product, CARD_IMAGES, [])
        product.card_image = product.first_image = images[0] if images else None
        product.card_price = product.price
        product.card_color = ""
    wanted = [c.strip().lower() for c in colors if c.strip()]
    if wanted:
        _show_colour(products, wanted)
    return products


def _show_colour(products: list[Product], wanted: list[str]) -> None:
    """Point each card at the first wanted colour (lowercased) its product has a variant in."""
    ids = [p.pk for p in products]
    variants: dict[tuple[int, str], list[Variant]] = {}
    for variant in (
        Variant.objects.filter(product_id__in=ids)
        .alias(color_lower=Lower("color"))
        .filter(color_lower__in=wanted)
        .annotate(available=inventory_selectors.variant_available())
        .only("product_id", "color", "price")
        .order_by("product_id", "position", "id")
    ):
        variants.setdefault((variant.product_id, variant.color.lower()), []).append(variant)
    pictures: dict[tuple[int, str], ProductImage] = {}
    for image in (
        ProductImage.objects.filter(product_id__in=ids)
        .alias(color_lower=Lower("color"))
        .filter(color_lower__in=wanted)
        .order_by("product_id", "position", "id")
    ):
        pictures.setdefault((image.product_id, image.color.lower()), image)
    for product in products:
        color = next((c for c in wanted if (product.pk, c) in variants), None)
        if color is None:
            continue
        of_color = variants[product.pk, color]
        # The variant the product page starts on for this colour: the first in stock, else the first.
        chosen = next((v for v in of_color if v.available > 0), of_color[0])
        product.card_color = chosen.color
        product.card_price = chosen.price
        product.card_image = pictures.get((product.pk, color), product.card_image)


def variants_for(*, product_id: int) -> QuerySet[Variant]:
    """A product's variants in their display order, each annotated with ``available`` units."""
    return (
        Variant.objects.filter(product_id=product_id)
        .annotate(available=inventory_selectors.variant_available())
        .order_by("position", "id")
    )


@dataclass
class ProductDetail:
    product: Product
    variants: list[Variant]  # annotated with ``available``
    images: list[ProductImage]
    rating_breakdown: dict[int, int]  # stars (5..1) -> number of reviews
    viewer_is_owner: bool = False
    in_stock: bool = field(init=False)

    def __post_init__(self) -> None:
        self.in_stock = any(v.available > 0 for v in self.variants)


def _is_owner(product: Product, user) -> bool:
    return bool(user is not None and user.is_authenticated and product.seller.user_id == user.pk)


def visible_product(*, product_id: int, user=None) -> Product:
    """The product with its seller and category, unless it is a draft someone else owns (ProductNotFound)."""
    product = (
        Product.objects.select_related("seller", "category").defer(*SEARCH_ONLY_FIELDS).filter(pk=product_id).first()
    )
    if product is None or (product.status == Product.Status.DRAFT and not _is_owner(product, user)):
        raise ProductNotFound()
    return product


def product_for_owner(*, product_id: int, user) -> Product:
    """The product, for its owning seller to change: ProductNotFound, or NotProductOwner for anyone else."""
    product = visible_product(product_id=product_id, user=user)
    if not _is_owner(product, user):
        raise NotProductOwner()
    return product


def product_detail(*, product_id: int, user=None) -> ProductDetail:
    """Everything the product detail shows, in five queries whatever its variant, image or review count."""
    product = visible_product(product_id=product_id, user=user)
    breakdown = dict.fromkeys(range(5, 0, -1), 0)
    breakdown.update(
        Review.objects.filter(product_id=product.pk).values_list("rating").annotate(n=Count("id")).order_by()
    )
    return ProductDetail(
        product=product,
        variants=list(variants_for(product_id=product.pk)),
        images=list(ProductImage.objects.filter(product_id=product.pk).order_by("position", "id")),
        rating_breakdown=breakdown,
        viewer_is_owner=_is_owner(product, user),
    )


def variant_of(*, product_id: int, sku: str) -> Variant | None:
    """One variant of a product by SKU, annotated with ``available``; None when the product has no such SKU."""
    return variants_for(product_id=product_id).filter(sku=sku).first()


def options_by_sku(*, skus: Iterable[str]) -> dict[str, dict]:
    """Each known SKU's options (``{"size": "M"}``; ``{}`` for none), in one query; unknown SKUs are left out."""
    return dict(Variant.objects.filter(sku__in=set(skus)).values_list("sku", "options"))


def reviews_for(*, product_id: int) -> QuerySet[Review]:
    """A product's reviews, newest first, with their authors."""
    return Review.objects.filter(product_id=product_id).select_related("user").order_by("-created_at", "-id")


def has_received(*, user_id: int, product_id: int) -> bool:
    """Whether the user received the product (a delivered order line): what reviewing it takes."""
    return VerifiedPurchase.objects.filter(user_id=user_id, product_id=product_id).exists()


def review_standing(*, user_id: int, product_id: int) -> tuple[bool, bool]:
    """Whether the user has reviewed the product, and whether they received it; one query, for its page."""
    reviewed = Review.objects.filter(user_id=user_id, product_id=product_id)
    received = VerifiedPurchase.objects.filter(user_id=user_id, product_id=product_id)
    row = (
        Product.objects.filter(pk=product_id)
        .annotate(reviewed=Exists(reviewed), received=Exists(received))
        .values_list("reviewed", "received")
        .first()
    )
    return row or (False, False)


def products_of_seller(*, seller_id: int, statuses: Iterable[str] | None = None) -> QuerySet[Product]:
    """A seller's products (every status unless given), newest first, ready for cards."""
    queryset = Product.objects.filter(seller_id=seller_id)
    if statuses is not None:
        queryset = queryset.filter(status__in=list(statuses))
    return product_cards_queryset(queryset).order_by("-created_at", "-id")


@dataclass
class CategoryCount:
    node: CategoryNode
    product_count: int  # active products in the category and all its descendants


def categories_with_counts() -> list[CategoryCount]:
    """Every category in tree order (parents before children) with its listed-product count, from one
    grouped query over products plus the cached tree."""
    tree = category_tree()
    direct = dict(
        listed_products().filter(category__isnull=False).values_list("category_id").annotate(n=Count("id")).order_by()
    )
    totals: dict[int, int] = {}

    def total(category_id: int) -> int:
        if category_id not in totals:
            node = tree[category_id]
            totals[category_id] = direct.get(category_id, 0) + sum(total(child) for child in node.children)
        return totals[category_id]

    ordered: list[CategoryCount] = []

    def visit(category_id: int) -> None:
        ordered.append(CategoryCount(node=tree[category_id], product_count=total(category_id)))
        for child in tree[category_id].children:
            visit(child)

    for node in tree.values():
        if node.parent_id is None or node.parent_id not in tree:
            visit(node.id)
    return ordered


# --- Products as the API shows them (catalog's own API and other apps' answers share one shape) ---


def file_url(field_file) -> str | None:
    return field_file.url if field_file else None


def category_json(category) -> dict | None:
    if category is None:
        return None
    return {"id": category.pk, "slug": category.slug, "name": category.name}


def seller_json(product) -> dict:
    return {"id": product.seller_id, "store_name": product.seller.store_name}


def storefront_url(product) -> str:
    if product.slug:
        return reverse("catalog:product", kwargs={"product_id": product.pk, "slug": product.slug})
    return reverse("catalog:product-short", kwargs={"product_id": product.pk})


def card_json(product) -> dict:
    """A product list card, for a product from ``product_cards`` (or annotated and fetched as it does)."""
    image = product.card_image
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "price": to_str(product.price),
        "currency": settings.STORE_CURRENCY,
        "category": category_json(product.category),
        "seller": seller_json(product),
        "brand": product.brand,
        "rating": float(product.rating),
        "review_count": product.review_count,
        "image": (file_url(image.thumbnail) or file_url(image.image)) if image is not None else None,
        "in_stock": bool(product.in_stock),
        "url": storefront_url(product),
    }
