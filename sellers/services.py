"""Write use cases of the sellers app: becoming a seller, and changing the store's settings and policies."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sellers.errors import AlreadySeller, EmailNotVerified, InvalidPolicy, StoreNameTaken
from sellers.models import MAX_HANDLING_DAYS, MAX_RETURN_WINDOW_DAYS, Seller
from shop.public_cache import bumps
from shop.slugs import unique_slug

MAX_LOW_STOCK_THRESHOLD = 1_000_000
# The fields update_store may change; the slug stays, so the store's address never moves.
STORE_FIELDS = (
    "store_name",
    "description",
    "contact_email",
    "low_stock_threshold",
    "handling_days",
    "return_window_days",
    "return_address",
)


def become_seller(
    *,
    user,
    store_name: str,
    description: str = "",
    contact_email: str | None = None,
    low_stock_threshold: int | None = None,
) -> Seller:
    """Turn a signed-in user into a seller; raises AlreadySeller, EmailNotVerified or StoreNameTaken."""
    store_name = store_name.strip()
    if Seller.objects.filter(user_id=user.pk).exists():
        raise AlreadySeller()
    if not user.email_verified:
        raise EmailNotVerified()
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


@bumps("catalog")
def update_store(*, seller: Seller, **changes) -> Seller:
    """Change the seller's own store settings and policies (any of STORE_FIELDS), all or nothing.

    Raises InvalidPolicy (400, naming every field out of range: handling 0..30 business days, return
    window 0..365 days or None for the store's default, threshold 0..1,000,000, a blank store name)
    or StoreNameTaken; then nothing changed.
    """
    unknown = set(changes) - set(STORE_FIELDS)
    if unknown:
        raise TypeError(f"update_store() got unexpected fields: {', '.join(sorted(unknown))}")
    for field in ("store_name", "description", "return_address"):
        if field in changes:
            changes[field] = changes[field].strip()
    _check(changes)
    name = changes.get("store_name")
    if name and Seller.objects.filter(store_name__iexact=name).exclude(pk=seller.pk).exists():
        raise StoreNameTaken()
    try:
        with transaction.atomic(durable=True):
            Seller.objects.filter(pk=seller.pk).update(**changes)
    except IntegrityError:
        raise StoreNameTaken() from None  # a concurrent rename took the name first
    for field, value in changes.items():
        setattr(seller, field, value)
    return seller


_RANGES = {
    "handling_days": (MAX_HANDLING_DAYS, "Handling time is 0 to {high} business days."),
    "return_window_days": (MAX_RETURN_WINDOW_DAYS, "The return window is 0 to {high} days (0: no returns)."),
    "low_stock_threshold": (MAX_LOW_STOCK_THRESHOLD, "The low-stock threshold is 0 to {high} units."),
}


def _check(changes: dict) -> None:
    """Every field out of its range (or a blank store name), named in one InvalidPolicy."""
    errors = {}
    if "store_name" in changes and not changes["store_name"]:
        errors["store_name"] = ["Enter a store name."]
    for field, (high, text) in _RANGES.items():
        if field not in changes or (field == "return_window_days" and changes[field] is None):
            continue  # absent, or the store's default window
        value = changes[field]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= high:
            errors[field] = [text.format(high=f"{high:,}")]
    if errors:
        raise InvalidPolicy(errors)
