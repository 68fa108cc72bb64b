"""Read functions of the accounts app."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.errors import AddressNotFound
from accounts.models import Address, User, normalize_email


def email_is_registered(*, email: str) -> bool:
    return User.objects.filter(email=normalize_email(email)).exists()


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()


def addresses_for(*, user: User) -> QuerySet[Address]:
    """The user's address book, default address first."""
    return Address.objects.filter(user=user).order_by("-is_default", "id")


def address_for_owner(*, user: User, address_id: int) -> Address:
    """One of the user's own addresses; anybody else's is indistinguishable from a missing one."""
    try:
        return Address.objects.get(user=user, pk=address_id)
    except (Address.DoesNotExist, ValueError, TypeError):
        raise AddressNotFound() from None
