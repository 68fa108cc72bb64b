"""Read functions of the sellers app, for pages, the API and other apps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Subquery

from sellers.errors import NotASeller, StoreNotFound
from sellers.models import Seller


@dataclass(frozen=True)
class SellerContact:
    """Where a seller's mail goes: the store's contact e-mail, its name, and the seller's user."""

    seller_id: int
    user_id: int
    email: str
    store_name: str


def seller_for_user(*, user) -> Seller | None:
    """The user's seller profile, or None for a buyer (and for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Seller.objects.filter(user_id=user.pk).first()


def seller_of(*, user) -> Seller:
    """The user's seller profile, for anything only a seller may do; raises NotASeller for anyone else."""
    seller = seller_for_user(user=user)
    if seller is None:
        raise NotASeller()
    return seller


def seller_by_slug(*, slug: str) -> Seller:
    """The seller whose store page is ``/s/<slug>/``; raises StoreNotFound (the 404 page) for no such store."""
    seller = Seller.objects.filter(slug=slug).first()
    if seller is None:
        raise StoreNotFound()
    return seller


def store_name_is_taken(*, store_name: str) -> bool:
    return Seller.objects.filter(store_name__iexact=store_name.strip()).exists()


def seller_contacts(*, seller_ids: Iterable[int]) -> dict[int, SellerContact]:
    """The sellers by id with their contact e-mail and store name (one query); unknown ids are left out."""
    rows = Seller.objects.filter(pk__in=list(seller_ids)).values("pk", "user_id", "contact_email", "store_name")
    return {
        row["pk"]: SellerContact(
            seller_id=row["pk"], user_id=row["user_id"], email=row["contact_email"], store_name=row["store_name"]
        )
        for row in rows
    }


def low_stock_threshold_of(*, seller_id: F) -> Subquery:
    """The seller's default low-stock threshold as an expression for another app's query, given the
    seller id as an expression (e.g. ``OuterRef("variant__product__seller_id")``): no extra query."""
    return Subquery(Seller.objects.filter(pk=seller_id).values("low_stock_threshold")[:1])


def handling_days_of(*, seller_ids: Iterable[int]) -> dict[int, int]:
    """Each seller's handling time in business days, by seller id (one query); unknown ids are left out."""
    return dict(Seller.objects.filter(pk__in=list(seller_ids)).values_list("pk", "handling_days"))


def return_windows_of(*, seller_ids: Iterable[int]) -> dict[int, int]:
    """Each seller's return window in days after delivery (their own, else RETURN_WINDOW_DAYS), by seller id."""
    return {seller.pk: seller.return_window for seller in Seller.objects.filter(pk__in=list(seller_ids))}
