"""Read functions of the accounts app."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.errors import AddressNotFound
from accounts.models import Address, User, normalize_email
from sellers import selectors as seller_selectors


@dataclass(frozen=True)
class Contact:
    """How to reach a user: the account's e-mail and the name to greet them by (the e-mail when blank)."""

    user_id: int
    email: str
    name: str


def contacts(*, user_ids: Iterable[int]) -> dict[int, Contact]:
    """The users by id with their e-mail and greeting name (one query); unknown ids are left out."""
    rows = User.objects.filter(pk__in=list(user_ids)).values("pk", "email", "name")
    return {row["pk"]: Contact(user_id=row["pk"], email=row["email"], name=row["name"] or row["email"]) for row in rows}


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


def two_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator (TOTP) device, or None when two-factor sign-in is off."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_two_factor_device(*, user: User) -> TOTPDevice | None:
    """The secret being enrolled (shown until confirmed with a code), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def can_use_two_factor(*, user: User) -> bool:
    """Two-factor sign-in is offered to staff and sellers."""
    return user.is_staff or seller_selectors.seller_for_user(user=user) is not None


def totp_secret(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it typed in (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def active_user(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()
