"""Read functions of the sellers app, for pages, the API and other apps."""

from __future__ import annotations

from sellers.models import Seller


def seller_for_user(*, user) -> Seller | None:
    """The user's seller profile, or None for a buyer (and for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Seller.objects.filter(user_id=user.pk).first()


def store_name_is_taken(*, store_name: str) -> bool:
    return Seller.objects.filter(store_name__iexact=store_name.strip()).exists()
