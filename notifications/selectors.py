"""Read functions of the notifications app: a user's notifications, the unread count, recipients."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from accounts import selectors as account_selectors
from notifications.errors import NotificationNotFound
from notifications.models import Notification
from sellers import selectors as seller_selectors


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
    contact = account_selectors.contacts(user_ids=[user_id]).get(int(user_id))
    if contact is None:
        return None
    return Recipient(user_id=contact.user_id, email=contact.email, name=contact.name)


def seller_recipients(*, seller_ids: Iterable[int]) -> dict[int, Recipient]:
    """Sellers by id, each addressed as its user at the store's contact e-mail (one query; a second
    only for a store without a contact e-mail, which then gets its user's)."""
    sellers = seller_selectors.seller_contacts(seller_ids=seller_ids)
    missing = [seller.user_id for seller in sellers.values() if not seller.email]
    users = account_selectors.contacts(user_ids=missing) if missing else {}
    return {
        seller.seller_id: Recipient(
            user_id=seller.user_id,
            email=seller.email or (users[seller.user_id].email if seller.user_id in users else ""),
            name=seller.store_name,
        )
        for seller in sellers.values()
    }
