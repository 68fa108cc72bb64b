"""Write use cases of the catalog: products with their variants, images and reviews; the category tree.

Each use case a view calls opens the one durable transaction of the request; stock changes go through
inventory.services inside it. Rows are locked product first, then (inside inventory) stock levels.
The ``sync_*`` functions are for code that changed rows directly (the admin) and run inside its
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import contextlib
from dataclasses import dataclass
from decimal import Decimal
import secrets
from typing import Any
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Min
from django.utils.text import slugify

from catalog import images as product_images
from catalog.errors import (
    AlreadyReviewed,
    CategoryCycle,
    DuplicateOptions,
    DuplicateSku,
    InvalidField,
    NotProductOwner,
    OwnProductReview,
    ProductNotFound,
    QuantityNeedsOneVariant,
    SlugTaken,
    UnknownCategory,
    VariantNotFound,
)
from catalog.models import Category, Product, ProductImage, Review, Variant
from catalog.selectors.categories import forget_category_tree
from inventory import services as inventory_services
from shop.public_cache import bumps
from shop.slugs import unique_slug

CATEGORY_PATH_SEPARATOR = " > "
MAX_VARIANTS = 100
OPTION_LENGTH = 40  # the size/color copies on Variant are this long
CENT = Decimal("0.01")


class _Unset:
    """Marks an argument the caller did not give (``None`` may be a real value, e.g. no category)."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass
class VariantInput:
    """One variant as a client describes it; on create, a missing ``sku`` is generated and a missing
    ``price`` is the product's."""

    sku: str | None = None
    options: Mapping[str, Any] | None = None
    price: Decimal | None = None
    quantity: int | None = None
    low_stock_threshold: int | _Unset | None = UNSET

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> VariantInput:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


# --- Checks shared by the use cases -------------------------------------------------------------


def normalized_options(options: Mapping[str, Any] | None, *, field: str = "options") -> dict[str, str]:
    """Options as stored: lower-case trimmed keys, trimmed text values, keys sorted; raises InvalidField."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise InvalidField('Options must be an object such as {"size": "M", "color": "red"}.', field=field)
    clean: dict[str, str] = {}
    for raw_key, raw_value in options.items():
        key = str(raw_key).strip().lower()
        if not key or len(key) > OPTION_LENGTH:
            raise InvalidField(f"Option names must be 1 to {OPTION_LENGTH} characters.", field=field)
        if isinstance(raw_value, bool) or not isinstance(raw_value, (str, int, float, Decimal)):
            raise InvalidField(f"The value of option {key!r} must be text.", field=f"{field}.{key}")
        value = str(raw_value).strip()
        if not value or len(value) > OPTION_LENGTH:
            raise InvalidField(f"Option values must be 1 to {OPTION_LENGTH} characters.", field=f"{field}.{key}")
        if key in clean:
            raise InvalidField(f"Option {key!r} is given twice.", field=field)
        clean[key] = value
    return dict(sorted(clean.items()))


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidField("This field may not be blank.", field="name")
    return name


def _clean_attributes(attributes: Any) -> dict:
    if attributes is None:
        return {}
    if not isinstance(attributes, Mapping):
        raise InvalidField('Attributes must be an object such as {"material": "cotton"}.', field="attributes")
    return dict(attributes)


def _check_price(price: Decimal, *, field: str) -> Decimal:
    if price is None or price < 0:
        raise InvalidField("Ensure this value is greater than or equal to 0.", field=field)
    return Decimal(price).quantize(CENT)


def _check_quantity(quantity: int, *, field: str) -> int:
    if quantity < 0:
        raise InvalidField("Ensure this value is greater than or equal to 0.", field=field)
    return quantity


def _category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise UnknownCategory()
    return category


def _product_slug(name: str) -> str:
    return slugify(name)[:220].strip("-") or "product"


def _generated_sku(product: Product) -> str:
    return f"P{product.pk}-{secrets.token_hex(3).upper()}"


def _copy_options(variant: Variant) -> None:
    variant.size = variant.options.get("size", "")
    variant.color = variant.options.get("color", "")


def _check_unique_options(variants: Sequence[tuple[str, dict]]) -> None:
    """``variants`` are (field prefix, options) pairs; two equal option sets name the second one."""
    seen: set[tuple] = set()
    for prefix, options in variants:
        key = tuple(sorted(options.items()))  # jsonb gives keys back in its own order
        if key in seen:
            raise DuplicateOptions(
                "Another variant of this product already has these options."
                if options
                else "Variants of one product must differ by their options.",
                field=f"{prefix}options",
            )
        seen.add(key)


def _check_skus_free(skus: Sequence[tuple[str, str]]) -> None:
    """``skus`` are (field, sku) pairs of variants to create: each must be new to the store and the request."""
    seen: set[str] = set()
    for field, sku in skus:
        if sku in seen:
            raise DuplicateSku("Two variants in this request use this SKU.", field=field)
        seen.add(sku)
    taken = set(Variant.objects.filter(sku__in=list(seen)).values_list("sku", flat=True))
    for field, sku in skus:
        if sku in taken:
            raise DuplicateSku(field=field)


def _lock_own_product(*, product_id: int, actor) -> Product:
    """Lock the product row (FOR UPDATE) and check the actor owns it; a draft is not found by others."""
    product = (
        Product.objects.select_for_update(of=("self",)).select_related("seller", "category").filter(pk=product_id)
    ).first()
    if product is None:
        raise ProductNotFound()
    if actor is None or product.seller.user_id != actor.pk:
        if product.status == Product.Status.DRAFT:
            raise ProductNotFound()
        raise NotProductOwner()
    return product


def _refresh_price(product: Product) -> None:
    lowest = Variant.objects.filter(product_id=product.pk).aggregate(lowest=Min("price"))["lowest"]
    if lowest is not None:
        product.price = lowest


# --- Products -----------------------------------------------------------------------------------


@bumps("catalog")
def create_product(
    *,
    seller,
    name: str,
    price: Decimal | None = None,
    description: str = "",
    category_id: int | None = None,
    brand: str = "",
    attributes: Mapping[str, Any] | None = None,
    quantity: int | None = None,
    low_stock_threshold: int | None = None,
    variants: Sequence[VariantInput | Mapping[str, Any]] | None = None,
    status: str = Product.Status.ACTIVE,
    actor=None,
) -> Product:
    """List a new product for ``seller``, with its variants (or one default variant) and their stock.

    Raises InvalidField naming the field (blank name, negative price, ...), UnknownCategory,
    DuplicateSku or DuplicateOptions; nothing is written then.
    """
    actor = actor if actor is not None else seller.user
    name = _clean_name(name)
    attributes = _clean_attributes(attributes)
    if price is not None:
        price = _check_price(price, field="price")
    if status not in (Product.Status.ACTIVE, Product.Status.DRAFT):
        raise InvalidField("A new product is active or a draft.", field="status")
    items = [v if isinstance(v, VariantInput) else VariantInput.from_mapping(v) for v in variants or ()]
    if len(items) > MAX_VARIANTS:
        raise InvalidField(f"A product has at most {MAX_VARIANTS} variants.", field="variants")
    if items and quantity is not None:
        raise QuantityNeedsOneVariant("Give each variant its own quantity.")
    if not items:
        if price is None:
            raise InvalidField("This field is required.", field="price")
        items = [VariantInput(price=price, quantity=quantity or 0, low_stock_threshold=None)]
        prefixes = [""]
    else:
        prefixes = [f"variants.{index}." for index in range(len(items))]

    rows = []
    for prefix, item in zip(prefixes, items, strict=True):
        variant_price = item.price if item.price is not None else price
        if variant_price is None:
            raise InvalidField("This field is required (or give the product a price).", field=f"{prefix}price")
        rows.append(
            Variant(
                sku=(item.sku or "").strip(),
                options=normalized_options(item.options, field=f"{prefix}options"),
                price=_check_price(variant_price, field=f"{prefix}price"),
                low_stock_threshold=None if item.low_stock_threshold is UNSET else item.low_stock_threshold,
            )
        )
    quantities = [
        _check_quantity(item.quantity or 0, field=f"{prefix}quantity")
        for prefix, item in zip(prefixes, items, strict=True)
    ]
    _check_unique_options([(prefix, row.options) for prefix, row in zip(prefixes, rows, strict=True)])
    new_skus = [(f"{prefix}sku", row.sku) for prefix, row in zip(prefixes, rows, strict=True) if row.sku]

    try:
        with transaction.atomic(durable=True):
            _check_skus_free(new_skus)
            category = _category(category_id)
            product = Product.objects.create(
                seller=seller,
                category=category,
                name=name,
                slug=_product_slug(name),
                description=description.strip(),
                brand=brand.strip(),
                attributes=attributes,
                status=status,
                price=min(row.price for row in rows),
                low_stock_threshold=low_stock_threshold,
                category_text=category.path_names if category else "",
            )
            for position, row in enumerate(rows):
                row.product = product
                row.position = position
                row.sku = row.sku or _generated_sku(product)
                _copy_options(row)
            created = Variant.objects.bulk_create(rows)
            inventory_services.set_initial_stock(
                quantities={variant.pk: quantity for variant, quantity in zip(created, quantities, strict=True)},
                actor=actor,
            )
    except IntegrityError:
        # A concurrent request took one of the SKUs between the check and the insert: name it.
        _check_skus_free(new_skus)
        raise
    return product


@bumps("catalog")
def update_product(
    *,
    product_id: int,
    actor,
    name: str = UNSET,
    price: Decimal = UNSET,
    description: str = UNSET,
    category_id: int | None = UNSET,
    brand: str = UNSET,
    attributes: Mapping[str, Any] = UNSET,
    quantity: int = UNSET,
    low_stock_threshold: int | None = UNSET,
    variants: Sequence[VariantInput | Mapping[str, Any]] = UNSET,
    status: str = UNSET,
) -> Product:
    """Change any subset of a product's fields, as its owner (NotProductOwner otherwise).

    ``price`` sets every variant's price; ``quantity`` sets stock on hand and needs a product with one
    variant (QuantityNeedsOneVariant); ``variants`` updates the listed SKUs of this product and adds
    the new ones. Raises InvalidField, UnknownCategory, DuplicateSku or DuplicateOptions; nothing is
    written then.
    """
    changes: dict[str, Any] = {}
    if name is not UNSET:
        changes["name"] = _clean_name(name)
        changes["slug"] = _product_slug(changes["name"])
    if description is not UNSET:
        changes["description"] = (description or "").strip()
    if brand is not UNSET:
        changes["brand"] = (brand or "").strip()
    if attributes is not UNSET:
        changes["attributes"] = _clean_attributes(attributes)
    if low_stock_threshold is not UNSET:
        changes["low_stock_threshold"] = low_stock_threshold
    if status is not UNSET:
        if status not in (Product.Status.ACTIVE, Product.Status.DRAFT):
            raise InvalidField("Use DELETE to archive a product; status is active or draft.", field="status")
        changes["status"] = status
    if price is not UNSET:
        price = _check_price(price, field="price")
    if quantity is not UNSET:
        quantity = _check_quantity(quantity, field="quantity")
    items = (
        []
        if variants is UNSET
        else [v if isinstance(v, VariantInput) else VariantInput.from_mapping(v) for v in variants]
    )
    if len(items) > MAX_VARIANTS:
        raise InvalidField(f"A product has at most {MAX_VARIANTS} variants.", field="variants")
    for index, item in enumerate(items):
        if item.price is not None:
            item.price = _check_price(item.price, field=f"variants.{index}.price")
        if item.quantity is not None:
            _check_quantity(item.quantity, field=f"variants.{index}.quantity")
        if item.options is not None:
            item.options = normalized_options(item.options, field=f"variants.{index}.options")

    new_skus: list[tuple[str, str]] = []
    try:
        with transaction.atomic(durable=True):
            product = _lock_own_product(product_id=product_id, actor=actor)
            if category_id is not UNSET:
                category = _category(category_id)
                changes["category"] = category
                changes["category_text"] = category.path_names if category else ""
            current = list(Variant.objects.filter(product_id=product.pk).order_by("position", "id"))
            by_sku = {variant.sku: variant for variant in current}
            if price is not UNSET:
                for variant in current:
                    variant.price = price

            stock: dict[int, int] = {}
            added: list[tuple[str, Variant, int]] = []  # (field prefix, variant, quantity)
            prefixes: dict[int, str] = {}
            position = max((variant.position for variant in current), default=-1)
            for index, item in enumerate(items):
                prefix = f"variants.{index}."
                sku = (item.sku or "").strip()
                variant = by_sku.get(sku) if sku else None
                if variant is not None:
                    if item.options is not None:
                        variant.options = item.options
                    if item.price is not None:
                        variant.price = item.price
                    if item.low_stock_threshold is not UNSET:
                        variant.low_stock_threshold = item.low_stock_threshold
                    if item.quantity is not None:
                        stock[variant.pk] = item.quantity
                    prefixes[variant.pk] = prefix
                    continue
                position += 1
                new_price = item.price if item.price is not None else (price if price is not UNSET else product.price)
                variant = Variant(
                    product=product,
                    sku=sku,
                    options=item.options or {},
                    price=new_price,
                    low_stock_threshold=None if item.low_stock_threshold is UNSET else item.low_stock_threshold,
                    position=position,
                )
                if sku:
                    new_skus.append((f"{prefix}sku", sku))
                added.append((prefix, variant, item.quantity or 0))

            # Variants the request names come last, so a clash is reported on the field the client sent.
            untouched = [("", variant.options) for variant in current if variant.pk not in prefixes]
            _check_unique_options(
                untouched
                + [(prefixes[variant.pk], variant.options) for variant in current if variant.pk in prefixes]
                + [(prefix, variant.options) for prefix, variant, _ in added]
            )
            _check_skus_free(new_skus)
            if quantity is not UNSET:
                if len(current) + len(added) != 1:
                    raise QuantityNeedsOneVariant()
                if current:
                    stock[current[0].pk] = quantity
                else:
                    added[0] = (added[0][0], added[0][1], quantity)

            for variant in current:
                _copy_options(variant)
            Variant.objects.bulk_update(current, ["options", "size", "color", "price", "low_stock_threshold"])
            if added:
                for _, variant, _ in added:
                    variant.sku = variant.sku or _generated_sku(product)
                    _copy_options(variant)
                created = Variant.objects.bulk_create([variant for _, variant, _ in added])
                inventory_services.set_initial_stock(
                    quantities={v.pk: qty for v, (_, _, qty) in zip(created, added, strict=True)}, actor=actor
                )
            if stock:
                inventory_services.set_on_hand_many(quantities=stock, actor=actor)

            for attr, value in changes.items():
                setattr(product, attr, value)
            _refresh_price(product)
            product.save()
            thresholds_changed = "low_stock_threshold" in changes or any(
                item.low_stock_threshold is not UNSET for item in items
            )
            if thresholds_changed:
                # A new threshold may open or clear a low-stock alert without any stock moving.
                inventory_services.review_low_stock(variant_ids=[variant.pk for variant in current])
    except IntegrityError as exc:
        _check_skus_free(new_skus)
        if "options" in str(exc):
            # Two variants swapped option sets in one request; the database checks row by row.
            raise DuplicateOptions(
                "Change the options of these variants one request at a time.", field="variants"
            ) from None
        raise
    return product


@bumps("catalog")
def archive_product(*, product_id: int, actor) -> Product:
    """Take a product off the store (its owner only); orders and old links keep referring to it."""
    with transaction.atomic(durable=True):
        product = _lock_own_product(product_id=product_id, actor=actor)
        if product.status != Product.Status.ARCHIVED:
            product.status = Product.Status.ARCHIVED
            product.save(update_fields=["status", "updated_at"])
    return product


@bumps("catalog")
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
        price = _check_price(price, field="price")
    if quantity is not UNSET:
        quantity = _check_quantity(quantity, field="quantity")
    with transaction.atomic(durable=True):
        product = _lock_own_product(product_id=product_id, actor=actor)
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
            _refresh_price(product)
            product.save(update_fields=["price", "updated_at"])
    return variant


@bumps("catalog")
def add_image(*, product_id: int, actor, image, alt_text: str = "") -> ProductImage:
    """Store a picture of the product (its owner only) with a ~400 px thumbnail; raises InvalidImage.

    The files are written to storage before the short transaction that records them (and removed if
    that fails), so no storage call happens while rows are locked.
    """
    checked = product_images.check_image(image)
    thumbnail = product_images.make_thumbnail(image)
    product = Product.objects.select_related("seller").filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound()
    if actor is None or product.seller.user_id != actor.pk:
        raise ProductNotFound() if product.status == Product.Status.DRAFT else NotProductOwner()

    field = ProductImage._meta.get_field("image")
    stem = f"products/{product.pk}/{uuid.uuid4().hex}"
    image.seek(0)
    image_name = field.storage.save(f"{stem}.{checked.extension}", image)
    thumbnail_name = ProductImage._meta.get_field("thumbnail").storage.save(f"{stem}-400.webp", thumbnail)
    try:
        with transaction.atomic(durable=True):
            last = ProductImage.objects.filter(product_id=product.pk).aggregate(last=Max("position"))["last"]
            return ProductImage.objects.create(
                product=product,
                image=image_name,
                thumbnail=thumbnail_name,
                width=checked.width,
                height=checked.height,
                alt_text=(alt_text or "").strip()[:200] or product.name[:200],
                position=0 if last is None else last + 1,
            )
    except Exception:
        field.storage.delete(image_name)
        field.storage.delete(thumbnail_name)
        raise


# --- Reviews ------------------------------------------------------------------------------------


@bumps("catalog")
def write_review(*, product_id: int, user, rating: int, title: str, body: str = "") -> Review:
    """A buyer rates a product 1-5 with a title and text; the product's average and count follow.

    Raises ProductNotFound (also for drafts), OwnProductReview for the product's seller, AlreadyReviewed
    for a second review by the same buyer, InvalidField for a rating outside 1-5 or a blank title.
    """
    if not 1 <= rating <= 5:
        raise InvalidField("Rate from 1 to 5.", field="rating")
    title = (title or "").strip()
    if not title:
        raise InvalidField("This field may not be blank.", field="title")
    try:
        with transaction.atomic(durable=True):
            # The product row lock serializes reviews of one product, so the aggregate is never stale.
            product = (
                Product.objects.select_for_update(of=("self",)).select_related("seller").filter(pk=product_id).first()
            )
            if product is None or product.status == Product.Status.DRAFT:
                raise ProductNotFound()
            if product.seller.user_id == user.pk:
                raise OwnProductReview()
            if Review.objects.filter(product_id=product.pk, user_id=user.pk).exists():
                raise AlreadyReviewed()
            review = Review.objects.create(
                product=product, user=user, rating=rating, title=title, body=(body or "").strip()
            )
            _refresh_rating(product)
    except IntegrityError:
        if Review.objects.filter(product_id=product_id, user_id=user.pk).exists():
            raise AlreadyReviewed() from None
        raise
    return review


def _refresh_rating(product: Product) -> None:
    """Recompute the product's average rating and review count; the caller holds the product row lock."""
    summary = Review.objects.filter(product_id=product.pk).aggregate(average=Avg("rating"), count=Count("id"))
    product.rating = Decimal(summary["average"] or 0).quantize(CENT)
    product.review_count = summary["count"]
    product.save(update_fields=["rating", "review_count", "updated_at"])


# --- Categories ---------------------------------------------------------------------------------


@bumps("catalog")
def create_category(
    *, name: str, parent_id: int | None = None, slug: str = "", description: str = "", position: int = 0
) -> Category:
    """Add a category (under ``parent_id``, or at the top); raises InvalidField, UnknownCategory or SlugTaken."""
    name = _clean_name(name)
    slug = slugify(slug or "")
    try:
        with transaction.atomic(durable=True):
            parent = None
            if parent_id is not None:
                parent = Category.objects.filter(pk=parent_id).first()
                if parent is None:
                    raise UnknownCategory(field="parent")
            if slug and Category.objects.filter(slug=slug).exists():
                raise SlugTaken()
            category = Category.objects.create(
                parent=parent,
                name=name,
                slug=slug or unique_slug(queryset=Category.objects, text=name, max_length=110, fallback="category"),
                description=description.strip(),
                position=position,
            )
            _rewrite_subtree(category_id=category.pk)
    except IntegrityError:
        raise SlugTaken() from None
    return category


@bumps("catalog")
def rename_category(*, category_id: int, name: str) -> Category:
    """Rename a category; the paths of its sub-categories and its products' search text follow."""
    name = _clean_name(name)
    with transaction.atomic(durable=True):
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise UnknownCategory(field="category")
        category.name = name
        category.save(update_fields=["name"])
        _rewrite_subtree(category_id=category.pk)
    category.refresh_from_db()
    return category


@bumps("catalog")
def move_category(*, category_id: int, parent_id: int | None) -> Category:
    """Move a category (with its sub-categories) under another parent, or to the top with None.

    Raises CategoryCycle when the new parent is the category itself or below it.
    """
    with transaction.atomic(durable=True):
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise UnknownCategory(field="category")
        if parent_id is not None:
            parents = dict(Category.objects.values_list("id", "parent_id"))
            if parent_id not in parents:
                raise UnknownCategory(field="parent")
            ancestor: int | None = parent_id
            while ancestor is not None:
                if ancestor == category.pk:
                    raise CategoryCycle()
                ancestor = parents.get(ancestor)
        category.parent_id = parent_id
        category.save(update_fields=["parent"])
        _rewrite_subtree(category_id=category.pk)
    category.refresh_from_db()
    return category


@bumps("catalog")
def sync_category_subtree(*, category_id: int) -> None:
    """Bring path names, depths and product search text of a category's subtree up to date after a
    direct change (the admin saves the row itself)."""
    with transaction.atomic():
        _rewrite_subtree(category_id=category_id)


def _rewrite_subtree(*, category_id: int) -> None:
    """Recompute ``path_names``/``depth`` of the category and its descendants and the ``category_text`` of
    their products; the cached tree is forgotten now and again after commit."""
    rows = {row[0]: row for row in Category.objects.values_list("id", "parent_id", "name", "path_names", "depth")}
    children: dict[int | None, list[int]] = {}
    for cid, parent_id, *_ in rows.values():
        children.setdefault(parent_id, []).append(cid)

    def path_of(cid: int) -> tuple[str, int]:
        names, current, seen = [], cid, set()
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            names.append(rows[current][2])
            current = rows[current][1]
        return CATEGORY_PATH_SEPARATOR.join(reversed(names))[:500], len(names) - 1

    changed = []
    stack = [category_id]
    while stack:
        cid = stack.pop()
        if cid not in rows:
            continue
        path, depth = path_of(cid)
        if (path, depth) != (rows[cid][3], rows[cid][4]):
            changed.append(Category(pk=cid, path_names=path, depth=depth))
        stack.extend(children.get(cid, []))
    if changed:
        Category.objects.bulk_update(changed, ["path_names", "depth"])
        for category in changed:
            Product.objects.filter(category_id=category.pk).update(category_text=category.path_names)
    forget_category_tree()
    transaction.on_commit(forget_category_tree)


# --- For the admin ------------------------------------------------------------------------------


@bumps("catalog")
def sync_product(*, product_id: int, actor=None) -> None:
    """After a direct change (the admin): normalize variant options, give every variant a stock row and a
    product without variants its default one, make missing thumbnails, recompute price and category text."""
    with transaction.atomic():
        product = Product.objects.select_for_update(of=("self",)).select_related("category").get(pk=product_id)
        variants = list(Variant.objects.filter(product_id=product.pk))
        for variant in variants:
            # An option set that cannot be normalized stays as stored, for a person to fix in the admin.
            with contextlib.suppress(InvalidField):
                variant.options = normalized_options(variant.options)
            _copy_options(variant)
        Variant.objects.bulk_update(variants, ["options", "size", "color"])
        inventory_services.track_stock(variant_ids=[variant.pk for variant in variants])
        if not variants:
            default = Variant(product=product, options={}, price=product.price, position=0)
            default.sku = _generated_sku(product)
            default.save()
            inventory_services.set_initial_stock(quantities={default.pk: 0}, actor=actor)
        for image in ProductImage.objects.filter(product_id=product.pk, thumbnail=""):
            try:
                with image.image.open("rb") as file:
                    thumbnail = product_images.make_thumbnail(file)
            except (OSError, ValueError):
                continue
            image.thumbnail.save(f"{uuid.uuid4().hex}-400.webp", thumbnail, save=True)
        product.category_text = product.category.path_names if product.category else ""
        product.slug = product.slug or _product_slug(product.name)
        _refresh_price(product)
        product.save()


@bumps("catalog")
def sync_product_rating(*, product_id: int) -> None:
    """Recompute a product's rating and review count after reviews were changed directly (the admin)."""
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is not None:
            _refresh_rating(product)
