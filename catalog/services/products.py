"""Products with their variants and stock: listing, changing, archiving, and the admin's sync.

Each use case a view calls opens the one durable transaction of the request; stock changes go through
inventory.services inside it. Rows are locked product first, then (inside inventory) stock levels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import contextlib
from decimal import Decimal
import secrets
from typing import Any
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils.text import slugify

from catalog import images as product_images
from catalog import locks
from catalog.errors import DuplicateOptions, DuplicateSku, InvalidField, QuantityNeedsOneVariant, UnknownCategory
from catalog.models import Category, Product, ProductImage, Variant
from catalog.search import index_events
from catalog.services.checks import (
    MAX_VARIANTS,
    UNSET,
    VariantInput,
    check_price,
    check_quantity,
    clean_attributes,
    clean_name,
    lock_own_product,
    normalized_options,
)
from catalog.services.scopes import created_product, named_product
from inventory import services as inventory_services
from shop.public_cache import bumps


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


def refresh_price(product: Product) -> None:
    """Set the product's listed price to its lowest variant price (unsaved; the caller saves)."""
    lowest = Variant.objects.filter(product_id=product.pk).aggregate(lowest=Min("price"))["lowest"]
    if lowest is not None:
        product.price = lowest


# --- Products -----------------------------------------------------------------------------------


@bumps("catalog", products=created_product)
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
    name = clean_name(name)
    attributes = clean_attributes(attributes)
    if price is not None:
        price = check_price(price, field="price")
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
                price=check_price(variant_price, field=f"{prefix}price"),
                low_stock_threshold=None if item.low_stock_threshold is UNSET else item.low_stock_threshold,
            )
        )
    quantities = [
        check_quantity(item.quantity or 0, field=f"{prefix}quantity")
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
            index_events.products_changed([product.pk])
    except IntegrityError:
        # A concurrent request took one of the SKUs between the check and the insert: name it.
        _check_skus_free(new_skus)
        raise
    return product


@bumps("catalog", products=named_product)
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
        changes["name"] = clean_name(name)
        changes["slug"] = _product_slug(changes["name"])
    if description is not UNSET:
        changes["description"] = (description or "").strip()
    if brand is not UNSET:
        changes["brand"] = (brand or "").strip()
    if attributes is not UNSET:
        changes["attributes"] = clean_attributes(attributes)
    if low_stock_threshold is not UNSET:
        changes["low_stock_threshold"] = low_stock_threshold
    if status is not UNSET:
        if status not in (Product.Status.ACTIVE, Product.Status.DRAFT):
            raise InvalidField("Use DELETE to archive a product; status is active or draft.", field="status")
        changes["status"] = status
    if price is not UNSET:
        price = check_price(price, field="price")
    if quantity is not UNSET:
        quantity = check_quantity(quantity, field="quantity")
    items = (
        []
        if variants is UNSET
        else [v if isinstance(v, VariantInput) else VariantInput.from_mapping(v) for v in variants]
    )
    if len(items) > MAX_VARIANTS:
        raise InvalidField(f"A product has at most {MAX_VARIANTS} variants.", field="variants")
    for index, item in enumerate(items):
        if item.price is not None:
            item.price = check_price(item.price, field=f"variants.{index}.price")
        if item.quantity is not None:
            check_quantity(item.quantity, field=f"variants.{index}.quantity")
        if item.options is not None:
            item.options = normalized_options(item.options, field=f"variants.{index}.options")

    new_skus: list[tuple[str, str]] = []
    try:
        with transaction.atomic(durable=True):
            product = lock_own_product(product_id=product_id, actor=actor)
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
            refresh_price(product)
            product.save()
            thresholds_changed = "low_stock_threshold" in changes or any(
                item.low_stock_threshold is not UNSET for item in items
            )
            if thresholds_changed:
                # A new threshold may open or clear a low-stock alert without any stock moving.
                inventory_services.review_low_stock(variant_ids=[variant.pk for variant in current])
            index_events.products_changed([product.pk])
    except IntegrityError as exc:
        _check_skus_free(new_skus)
        if "options" in str(exc):
            # Two variants swapped option sets in one request; the database checks row by row.
            raise DuplicateOptions(
                "Change the options of these variants one request at a time.", field="variants"
            ) from None
        raise
    return product


@bumps("catalog", products=named_product)
def archive_product(*, product_id: int, actor) -> Product:
    """Take a product off the store (its owner only); orders and old links keep referring to it."""
    with transaction.atomic(durable=True):
        product = lock_own_product(product_id=product_id, actor=actor)
        if product.status != Product.Status.ARCHIVED:
            product.status = Product.Status.ARCHIVED
            product.save(update_fields=["status", "updated_at"])
            index_events.products_changed([product.pk])
    return product


# --- For the admin ------------------------------------------------------------------------------


@bumps("catalog", products=named_product)
def sync_product(*, product_id: int, actor=None) -> None:
    """After a direct change (the admin): normalize variant options, give every variant a stock row and a
    product without variants its default one, make missing thumbnails, recompute price and category text."""
    with transaction.atomic():
        product = locks.lock_product(product_id=product_id)
        if product is None:
            raise Product.DoesNotExist(f"No product {product_id}.")
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
        refresh_price(product)
        product.save()
        index_events.products_changed([product.pk])
