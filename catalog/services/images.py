"""Pictures of a product, stored with a thumbnail: adding, describing (alt text, colour), ordering, deleting."""

from __future__ import annotations

from collections.abc import Sequence
import functools
import uuid

from django.db import transaction
from django.db.models import Max

from catalog import images as product_images
from catalog.errors import ImageNotFound, InvalidField, ProductNotFound
from catalog.models import Product, ProductImage, Variant
from catalog.services.checks import UNSET, check_owner, lock_own_product
from catalog.services.scopes import named_product
from shop.public_cache import bumps
from shop.side_effects import after_commit

ALT_TEXT_LENGTH = 200


def _image_color(*, product_id: int, color: str | None) -> str:
    """``color`` as one of the product's variant colours spells it, or "" for every colour; raises InvalidField."""
    color = (color or "").strip()
    if not color:
        return ""
    colors = Variant.objects.filter(product_id=product_id).exclude(color="").values_list("color", flat=True)
    match = next((known for known in colors if known.lower() == color.lower()), None)
    if match is None:
        raise InvalidField("Pick one of the product's colours, or none for every colour.", field="color")
    return match


@bumps("catalog", products=named_product)
def add_image(*, product_id: int, actor, image, alt_text: str = "", color: str = "") -> ProductImage:
    """Store a picture of the product (its owner only) with a ~400 px thumbnail; raises InvalidImage, or
    InvalidField when ``color`` is not one of the product's variant colours.

    The files are written to storage before the short transaction that records them (and removed if
    that fails), so no storage call happens while rows are locked.
    """
    checked = product_images.check_image(image)
    product = Product.objects.select_related("seller").filter(pk=product_id).first()
    if product is None:
        raise ProductNotFound()
    check_owner(product=product, actor=actor)
    color = _image_color(product_id=product.pk, color=color)
    thumbnail = product_images.make_thumbnail(image)

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
                alt_text=(alt_text or "").strip()[:ALT_TEXT_LENGTH] or product.name[:ALT_TEXT_LENGTH],
                color=color,
                position=0 if last is None else last + 1,
            )
    except Exception:
        field.storage.delete(image_name)
        field.storage.delete(thumbnail_name)
        raise


def _own_image(*, product: Product, image_id: int) -> ProductImage:
    image = ProductImage.objects.filter(product_id=product.pk, pk=image_id).first()
    if image is None:
        raise ImageNotFound()
    return image


@bumps("catalog", products=named_product)
def update_image(
    *, product_id: int, image_id: int, actor, alt_text: str = UNSET, color: str = UNSET, position: int = UNSET
) -> ProductImage:
    """Change a picture's alt text, colour ("" for every colour) or place in the gallery (0 is first), as the
    product's owner; raises ImageNotFound, NotProductOwner, or InvalidField for a colour no variant has."""
    with transaction.atomic(durable=True):
        product = lock_own_product(product_id=product_id, actor=actor)
        image = _own_image(product=product, image_id=image_id)
        fields = []
        if alt_text is not UNSET:
            image.alt_text = (alt_text or "").strip()[:ALT_TEXT_LENGTH] or product.name[:ALT_TEXT_LENGTH]
            fields.append("alt_text")
        if color is not UNSET:
            image.color = _image_color(product_id=product.pk, color=color)
            fields.append("color")
        if fields:
            image.save(update_fields=fields)
        if position is not UNSET:
            order = [pk for pk in _image_ids(product) if pk != image.pk]
            order.insert(min(max(position, 0), len(order)), image.pk)
            _renumber(product, order)
            image.refresh_from_db(fields=["position"])
    return image


@bumps("catalog", products=named_product)
def delete_image(*, product_id: int, image_id: int, actor) -> None:
    """Remove a picture (its owner only; ImageNotFound otherwise); its files go once the removal commits."""
    with transaction.atomic(durable=True):
        product = lock_own_product(product_id=product_id, actor=actor)
        image = _own_image(product=product, image_id=image_id)
        names = [name for name in (image.image.name, image.thumbnail.name) if name]
        storage = image.image.storage
        image.delete()
        for name in names:
            after_commit("catalog.image_files", functools.partial(storage.delete, name))


@bumps("catalog", products=named_product)
def reorder_images(*, product_id: int, image_ids: Sequence[int], actor) -> list[ProductImage]:
    """Put the product's pictures in the order given (its owner only); ``image_ids`` must name each of them
    once (InvalidField otherwise)."""
    with transaction.atomic(durable=True):
        product = lock_own_product(product_id=product_id, actor=actor)
        current = _image_ids(product)
        wanted = [int(pk) for pk in image_ids]
        if sorted(wanted) != sorted(current):
            raise InvalidField("List every picture of the product once.", field="image_ids")
        _renumber(product, wanted)
        return list(ProductImage.objects.filter(product_id=product.pk).order_by("position", "id"))


def _image_ids(product: Product) -> list[int]:
    images = ProductImage.objects.filter(product_id=product.pk).order_by("position", "id")
    return list(images.values_list("pk", flat=True))


def _renumber(product: Product, order: Sequence[int]) -> None:
    """Number the pictures 0, 1, 2... in ``order``; runs under the product lock taken by the caller."""
    images = {image.pk: image for image in ProductImage.objects.filter(product_id=product.pk)}
    for position, pk in enumerate(order):
        images[pk].position = position
    ProductImage.objects.bulk_update(list(images.values()), ["position"])
