"""The signed links the accounts app mails: password reset, e-mail verification and e-mail change.

A password-reset link carries Django's token (it dies once the password, the e-mail or the last sign-in
changes). The e-mail links are signed with the secret key, expire after ``EMAIL_LINK_MAX_AGE`` seconds,
and name the address they were sent for: once the account's address is another, the link is dead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.errors import InvalidLink
from accounts.models import User

VERIFY = "accounts.verify-email"
CHANGE = "accounts.change-email"


@dataclass(frozen=True)
class EmailClaim:
    """What a verification or e-mail-change link says: this user, at ``email``, may move to ``new_email``."""

    user_id: int
    email: str
    new_email: str = ""


def site_root(request: HttpRequest) -> str:
    """Where the links of a request's mails point: SITE_URL when set (a forged Host header cannot
    redirect a reset link), else the address the request reached (development, tests)."""
    return settings.SITE_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")


def password_reset_path(user: User) -> str:
    """The storefront page that sets a new password for ``user``, valid until PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})


def verification_path(user: User) -> str:
    """The page that confirms ``user`` owns their current e-mail address."""
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY, compress=True)
    return reverse("accounts:verify-email", kwargs={"token": token})


def email_change_path(user: User, new_email: str) -> str:
    """The page that moves ``user`` from their current address to ``new_email`` (mailed to the new one)."""
    token = signing.dumps({"u": user.pk, "e": user.email, "n": new_email}, salt=CHANGE, compress=True)
    return reverse("accounts:change-email-confirm", kwargs={"token": token})


def read_claim(token: str, *, purpose: str) -> EmailClaim:
    """The claim of a verification (VERIFY) or change (CHANGE) link; raises InvalidLink if forged or expired."""
    try:
        data = signing.loads(token, salt=purpose, max_age=settings.EMAIL_LINK_MAX_AGE)
        return EmailClaim(user_id=int(data["u"]), email=str(data["e"]), new_email=str(data.get("n", "")))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink() from None


def user_for_reset(uidb64: str, token: str) -> User:
    """The user a password-reset link is for, if its token is still good; raises InvalidLink."""
    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uidb64)), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidLink()
    return user
