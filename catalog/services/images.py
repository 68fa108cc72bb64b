"""Pictures of a product, stored with a thumbnail."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Max

from catalog import images as product_images
from catalog.errors import ProductNotFound
from catalog.models import Product, ProductImage
from catalog.services.checks import check_owner
from shop.public_cache import bumps


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
    check_owner(product=product, actor=actor)

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
