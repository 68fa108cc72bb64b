"""Read functions of the notifications app: a user's notifications, the unread count, recipients."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from notifications.errors import NotificationNotFound
from notifications.models import Notification


@dataclass(frozen=True)
class Recipient:
    """Who a notification goes to: the user, the address its e-mail goes to, and how to greet them."""

    user_id: int
    email: str
    name: str


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def unread_count_for(*, user) -> int:
    """How many of the user's notifications are unread (0 for anonymous visitors): the header badge."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def notification_for(*, user, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is a 404 (NotificationNotFound)."""
    notification = Notification.objects.filter(pk=notification_id, user_id=user.pk).first()
    if notification is None:
        raise NotificationNotFound()
    return notification


def buyer_recipient(*, user_id: int) -> Recipient | None:
    """A buyer, addressed at their account e-mail; None if the account is gone."""
    row = get_user_model().objects.filter(pk=user_id).values("pk", "email", "name").first()
    if row is None:
        return None
    return Recipient(user_id=row["pk"], email=row["email"], name=row["name"] or row["email"])


def seller_recipients(*, seller_ids: Iterable[int]) -> dict[int, Recipient]:
    """Sellers by id, each addressed as its user at the store's contact e-mail (one query).

    Reads the seller through its user's reverse relation: sellers.selectors offers no lookup by id yet.
    """
    rows = (
        get_user_model()
        .objects.filter(seller__pk__in=list(seller_ids))
        .values("pk", "email", "seller__pk", "seller__contact_email", "seller__store_name")
    )
    return {
        row["seller__pk"]: Recipient(
            user_id=row["pk"],
            email=row["seller__contact_email"] or row["email"],
            name=row["seller__store_name"],
        )
        for row in rows
    }
