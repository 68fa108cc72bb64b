"""An event delivered twice (or concurrently, or after a failed e-mail) notifies and e-mails each recipient once."""

from collections import Counter

from django.core import mail
import pytest

from notifications import events
from notifications.models import Notification
from tests.concurrency import race
from tests.notifications.conftest import new_event_id
from tests.notifications.factories import order_with_lines, paid_payload
from tests.notifications.test_events_buyer import BUYER_EVENTS


@pytest.mark.django_db
@pytest.mark.parametrize("event_name", sorted(BUYER_EVENTS))
def test_a_buyer_event_delivered_twice_notifies_and_emails_once(event_name, order, mailoutbox):
    handler, payload, _kind, _words = BUYER_EVENTS[event_name]
    event_id = new_event_id()

    handler(event_id=event_id, **payload(order))
    handler(event_id=event_id, **payload(order))

    per_recipient = Counter(Notification.objects.values_list("user_id", "kind"))
    assert per_recipient
    assert set(per_recipient.values()) == {1}
    emails_per_address = Counter(m.to[0] for m in mailoutbox)
    assert len(emails_per_address) == len(per_recipient)
    assert set(emails_per_address.values()) == {1}


@pytest.mark.django_db
def test_order_paid_delivered_twice_notifies_buyer_and_each_seller_once(order, mailoutbox):
    event_id = new_event_id()

    events.notify_order_paid(event_id=event_id, **paid_payload(order))
    events.notify_order_paid(event_id=event_id, **paid_payload(order))

    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 3
    assert len({m.to[0] for m in mailoutbox}) == 3


@pytest.mark.django_db
def test_two_different_events_of_the_same_kind_notify_twice(order, buyer, mailoutbox):
    events.notify_refund_succeeded(event_id=new_event_id(), order_id=order.pk, buyer_id=buyer.pk, amount="1.00")
    events.notify_refund_succeeded(event_id=new_event_id(), order_id=order.pk, buyer_id=buyer.pk, amount="2.00")

    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_an_email_that_failed_is_sent_once_on_redelivery_and_the_others_not_again(order, monkeypatch, mailoutbox):
    """The tea seller's mail server is down on the first delivery: the handler fails (so the outbox
    retries it), the buyer's and the mug seller's e-mails went out; the retry sends only the missing one."""
    tea_seller_email = order.lines.get(product_name="Green Tea").seller.contact_email
    original_send = mail.EmailMultiAlternatives.send

    def refuse_tea_seller(message, *args, **kwargs):
        if message.to == [tea_seller_email]:
            raise ConnectionRefusedError("smtp down")
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse_tea_seller)
    event_id = new_event_id()
    with pytest.raises(ConnectionRefusedError):
        events.notify_order_paid(event_id=event_id, **paid_payload(order))
    assert len(mailoutbox) == 2
    assert Notification.objects.count() == 3
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", original_send)
    events.notify_order_paid(event_id=event_id, **paid_payload(order))
    events.notify_order_paid(event_id=event_id, **paid_payload(order))

    assert sorted(m.to[0] for m in mailoutbox).count(tea_seller_email) == 1
    assert len(mailoutbox) == 3
    assert Notification.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_concurrently_notifies_and_emails_each_recipient_once():
    from tests.accounts.factories import UserFactory
    from tests.catalog.factories import VariantFactory

    mail.outbox = []
    order = order_with_lines(UserFactory(), (VariantFactory(), 1), (VariantFactory(), 2))
    payload = paid_payload(order)
    event_id = new_event_id()

    results = race(lambda i: events.notify_order_paid(event_id=event_id, **payload), 6)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3
