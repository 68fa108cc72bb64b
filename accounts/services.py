"""Write use cases of the accounts app: registering users, recovering and securing accounts (password reset,
e-mail verification and change, signing out everywhere, two-factor sign-in), and keeping the address book.

Use cases that mail a link take ``site_url``, the store's address without a trailing slash, from
``links.site_root(request)``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import emails, links
from accounts.errors import EmailAlreadyRegistered, InvalidLink, InvalidOtp, OtpRequired, TwoFactorNotAllowed
from accounts.locks import lock_address_book
from accounts.models import Address, User, normalize_email
from accounts.selectors import address_for_owner, can_use_two_factor, two_factor_device, user_by_email

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def register_user(*, email: str, password: str, name: str, email_verified: bool = False) -> User:
    """Create a buyer account with an Argon2-hashed password; raises EmailAlreadyRegistered.

    The address is unverified unless said otherwise (demo data): call ``send_verification`` next.
    """
    email = normalize_email(email)
    try:
        with transaction.atomic(durable=True):
            return User.objects.create_user(
                email=email, password=password, name=name.strip(), email_verified=email_verified
            )
    except IntegrityError:
        # The unique constraint, not a prior SELECT, decides a race between two sign-ups.
        raise EmailAlreadyRegistered() from None


# --- E-mail verification and change ---------------------------------------------------------------


def send_verification(*, user: User, site_url: str) -> bool:
    """Mail ``user`` a link that confirms their address; False if already verified or the quota is spent."""
    if user.email_verified:
        return False
    return emails.send(
        to=user.email,
        name=user.get_short_name(),
        subject="Confirm your e-mail address",
        paragraphs=["Please confirm that this is your e-mail address. You need a confirmed address to sell."],
        link=site_url + links.verification_path(user),
        link_label="Confirm my address",
    )


def verify_email(*, token: str) -> User:
    """Mark the address a verification link was sent for as verified; raises InvalidLink."""
    claim = links.read_claim(token, purpose=links.VERIFY)
    user = User.objects.filter(pk=claim.user_id, email=claim.email, is_active=True).first()
    if user is None:
        raise InvalidLink()
    mark_email_verified(user=user)
    return user


def mark_email_verified(*, user: User) -> None:
    """Count the user's address as confirmed (a verification link, or trusted data such as the demo's)."""
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])


def request_email_change(*, user: User, new_email: str, site_url: str) -> None:
    """Mail a confirmation link to ``new_email``; the address changes only once it is opened.

    Raises EmailAlreadyRegistered when another account (or this one) already has the address.
    """
    new_email = normalize_email(new_email)
    if User.objects.filter(email=new_email).exists():
        raise EmailAlreadyRegistered()
    emails.send(
        to=new_email,
        name=user.get_short_name(),
        subject="Confirm your new e-mail address",
        paragraphs=[f"You asked to sign in to your account with {new_email} instead of {user.email}."],
        link=site_url + links.email_change_path(user, new_email),
        link_label="Use this address",
    )


def confirm_email_change(*, token: str) -> User:
    """Move the account to the address an e-mail-change link was sent to (now verified) and tell the old one.

    Raises InvalidLink (forged, expired, or the address already changed) or EmailAlreadyRegistered.
    """
    claim = links.read_claim(token, purpose=links.CHANGE)
    user = User.objects.filter(pk=claim.user_id, email=claim.email, is_active=True).first()
    if user is None or not claim.new_email:
        raise InvalidLink()
    try:
        with transaction.atomic(durable=True):
            changed = User.objects.filter(pk=user.pk, email=claim.email).update(
                email=claim.new_email, email_verified=True
            )
    except IntegrityError:
        raise EmailAlreadyRegistered() from None
    if not changed:
        raise InvalidLink()  # a concurrent opening of the same link won
    emails.send(
        to=claim.email,
        name=user.get_short_name(),
        subject="Your e-mail address was changed",
        paragraphs=[
            f"Your account now signs in with {claim.new_email}; mail no longer comes to this address.",
            "If you did not ask for this, reset your password at once and contact us.",
        ],
    )
    user.refresh_from_db()
    return user


# --- Passwords and sign-ins -----------------------------------------------------------------------


def request_password_reset(*, email: str, site_url: str) -> None:
    """Mail a reset link if an active account has ``email``; says nothing either way (no enumeration)."""
    user = user_by_email(email=email)
    if user is None or not user.is_active or not user.has_usable_password():
        return
    emails.send(
        to=user.email,
        name=user.get_short_name(),
        subject="Reset your password",
        paragraphs=[
            "Somebody asked to reset the password of your account. Choose a new one with the link below.",
            "If it was not you, ignore this mail: your password stays as it is.",
        ],
        link=site_url + links.password_reset_path(user),
        link_label="Choose a new password",
    )


def set_password(*, user: User, password: str) -> None:
    """Give ``user`` a new (already validated) password: every session and refresh token of theirs ends.

    Sessions end because their hash covers the password; the caller keeps its own with
    ``update_session_auth_hash`` if it should.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_refresh_tokens(user=user)


def sign_out_everywhere(*, user: User) -> None:
    """End every session (raising the session epoch) and revoke every refresh token of ``user``."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    revoke_refresh_tokens(user=user)


def revoke_refresh_tokens(*, user: User) -> int:
    """Blacklist every unexpired refresh token issued to ``user``; returns how many were live."""
    live = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).only("pk")
    created = BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in live], ignore_conflicts=True)
    return len(created)


# --- Two-factor sign-in (TOTP) --------------------------------------------------------------------


def start_two_factor(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator secret for a seller or staff member (replacing an unconfirmed one).

    Raises TwoFactorNotAllowed for buyers. Nothing changes at sign-in until ``confirm_two_factor``.
    """
    if not can_use_two_factor(user=user):
        raise TwoFactorNotAllowed()
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_two_factor(*, user: User, code: str) -> TOTPDevice:
    """Switch two-factor sign-in on with a code from the app the secret was added to; raises InvalidOtp."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not device.verify_token(code):
        raise InvalidOtp()
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def disable_two_factor(*, user: User, code: str) -> None:
    """Switch two-factor sign-in off, proven with a current code; raises InvalidOtp."""
    check_two_factor(user=user, code=code)
    TOTPDevice.objects.filter(user=user).delete()


def check_two_factor(*, user: User, code: str | None) -> TOTPDevice | None:
    """The device a sign-in's code verified, or None for users without two-factor sign-in.

    Raises OtpRequired (no code given) or InvalidOtp (wrong, reused, or too many recent failures).
    """
    device = two_factor_device(user=user)
    if device is None:
        return None
    if not code:
        raise OtpRequired()
    if not device.verify_token(code.strip()):
        raise InvalidOtp()
    return device


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
