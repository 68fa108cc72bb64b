"""Write use cases of the accounts app: registering users and keeping their address book."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.errors import EmailAlreadyRegistered
from accounts.locks import lock_address_book
from accounts.models import Address, User, normalize_email
from accounts.selectors import address_for_owner

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def register_user(*, email: str, password: str, name: str) -> User:
    """Create a buyer account with an Argon2-hashed password; raises EmailAlreadyRegistered."""
    email = normalize_email(email)
    try:
        with transaction.atomic(durable=True):
            return User.objects.create_user(email=email, password=password, name=name.strip())
    except IntegrityError:
        # The unique constraint, not a prior SELECT, decides a race between two sign-ups.
        raise EmailAlreadyRegistered() from None


def update_profile(*, user: User, name: str) -> User:
    """Change what the store calls the user."""
    user.name = name.strip()
    user.save(update_fields=["name"])
    return user


def _clear_default(user: User, *, keep_id: int | None = None) -> None:
    """Relies on lock_address_book; only one address per user may be the default (DB constraint)."""
    Address.objects.filter(user=user, is_default=True).exclude(pk=keep_id).update(is_default=False)


def add_address(*, user: User, is_default: bool = False, **fields) -> Address:
    """Add an address to the user's book; the first one becomes the default."""
    with transaction.atomic(durable=True):
        lock_address_book(user_id=user.pk)  # two "make default" requests must not both win
        has_any = Address.objects.filter(user=user).exists()
        make_default = is_default or not has_any
        if make_default:
            _clear_default(user)
        values = {key: fields.get(key, "") for key in ADDRESS_FIELDS}
        values["country"] = values["country"].upper()
        return Address.objects.create(user=user, is_default=make_default, **values)


def update_address(*, user: User, address_id: int, is_default: bool | None = None, **fields) -> Address:
    """Change some fields of one of the user's addresses (raises AddressNotFound for others')."""
    with transaction.atomic(durable=True):
        lock_address_book(user_id=user.pk)
        address = address_for_owner(user=user, address_id=address_id)
        for key in ADDRESS_FIELDS:
            if key in fields:
                setattr(address, key, fields[key].upper() if key == "country" else fields[key])
        if is_default:
            _clear_default(user, keep_id=address.pk)
            address.is_default = True
        address.save()
        return address


def delete_address(*, user: User, address_id: int) -> None:
    """Remove an address; if it was the default, the oldest remaining one becomes the default."""
    with transaction.atomic(durable=True):
        lock_address_book(user_id=user.pk)
        address = address_for_owner(user=user, address_id=address_id)
        was_default = address.is_default
        address.delete()
        if was_default:
            successor = Address.objects.filter(user=user).order_by("id").first()
            if successor:
                successor.is_default = True
                successor.save(update_fields=["is_default"])
