"""Write functions of the notifications app: notify recipients of an event (in-app and by e-mail), mark read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import select_template
from django.utils import timezone
import structlog

from notifications import selectors
from notifications.models import Notification
from notifications.selectors import Recipient
from shop.site import absolute_url

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Message:
    """What one recipient is told about one event: the in-app text and what its e-mail shows besides."""

    recipient: Recipient
    kind: str
    title: str
    body: str
    url: str = ""
    context: dict = field(default_factory=dict)
    email: bool = True  # False: in-app only (another app already e-mails about it)


def notify(*, event_id: str, messages: Sequence[Message]) -> list[Notification]:
    """Record each message as a notification and e-mail it: once per (event, recipient, kind), however often called.

    The rows commit before any e-mail leaves. A failed e-mail is raised after the others were tried,
    and given back (unclaimed), so calling again with the same event sends just that one.
    """
    if not messages:
        return []
    now = timezone.now()
    with transaction.atomic(durable=True):
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=m.recipient.user_id,
                    kind=m.kind,
                    title=m.title[:200],
                    body=m.body,
                    url=m.url,
                    event_id=event_id,
                    created_at=now,
                )
                for m in messages
            ],
            ignore_conflicts=True,  # a redelivered event finds its rows: unique (event_id, user, kind)
        )
    rows = {
        (n.user_id, n.kind): n
        for n in Notification.objects.filter(
            event_id=event_id,
            user_id__in={m.recipient.user_id for m in messages},
            kind__in={m.kind for m in messages},
        )
    }
    failure: Exception | None = None
    for message in messages:
        notification = rows[(message.recipient.user_id, message.kind)]
        try:
            _email_once(notification=notification, message=message)
        except Exception as exc:
            logger.warning("notifications.email_failed", notification_id=notification.pk, error=repr(exc))
            failure = failure or exc
    if failure is not None:
        raise failure
    return [rows[(m.recipient.user_id, m.kind)] for m in messages]


def _email_once(*, notification: Notification, message: Message) -> bool:
    """Send the notification's e-mail unless it went already; returns whether this call sent it.

    The send is claimed by a conditional UPDATE of ``emailed_at`` (so two concurrent deliveries send one
    e-mail) and given back if the send fails.
    """
    if notification.emailed_at is not None or not message.email:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    if not message.recipient.email:
        return False
    try:
        render_email(notification=notification, message=message).send()
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    logger.info("notifications.email_sent", notification_id=notification.pk, kind=notification.kind)
    return True


def render_email(*, notification: Notification, message: Message) -> EmailMultiAlternatives:
    """The e-mail of a notification: text and HTML, from the kind's own templates or the generic ones."""
    context = {
        "store_name": settings.STORE_NAME,
        "currency": settings.STORE_CURRENCY,
        "recipient": message.recipient,
        "title": notification.title,
        "body": notification.body,
        "link": absolute_url(notification.url),
        "notifications_link": absolute_url("/notifications/"),
        **message.context,
    }
    text = select_template(
        [f"notifications/email/{notification.kind}.txt", "notifications/email/notification.txt"]
    ).render(context)
    html = select_template(
        [f"notifications/email/{notification.kind}.html", "notifications/email/notification.html"]
    ).render(context)
    email = EmailMultiAlternatives(
        subject=f"{notification.title} · {settings.STORE_NAME}", body=text, to=[message.recipient.email]
    )
    email.attach_alternative(html, "text/html")
    return email


def mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent); anyone else's is NotificationNotFound."""
    notification = selectors.notification_for(user=user, notification_id=notification_id)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
