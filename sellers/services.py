"""Write use cases of the sellers app."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sellers.errors import AlreadySeller, StoreNameTaken
from sellers.models import Seller
from shop.slugs import unique_slug


def become_seller(
    *,
    user,
    store_name: str,
    description: str = "",
    contact_email: str | None = None,
    low_stock_threshold: int | None = None,
) -> Seller:
    """Turn a signed-in user into a seller; raises AlreadySeller or StoreNameTaken."""
    store_name = store_name.strip()
    if Seller.objects.filter(user_id=user.pk).exists():
        raise AlreadySeller()
    if Seller.objects.filter(store_name__iexact=store_name).exists():
        raise StoreNameTaken()
    fields = {"low_stock_threshold": low_stock_threshold} if low_stock_threshold is not None else {}
    try:
        with transaction.atomic(durable=True):
            return Seller.objects.create(
                user=user,
                store_name=store_name,
                slug=unique_slug(queryset=Seller.objects, text=store_name, max_length=100, fallback="store"),
                description=description.strip(),
                contact_email=contact_email or user.email,
                **fields,
            )
    except IntegrityError:
        # Lost a race with a concurrent request: say which rule the winner took.
        if Seller.objects.filter(user_id=user.pk).exists():
            raise AlreadySeller() from None
        raise StoreNameTaken() from None
