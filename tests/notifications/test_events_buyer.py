"""Each buyer-facing event gives the buyer one in-app notification and one e-mail (text and HTML)."""

from datetime import date

from django.utils import timezone
import pytest

from notifications import events
from notifications.models import Notification
from tests.notifications.conftest import line_of, new_event_id
from tests.notifications.factories import paid_payload

Kind = Notification.Kind

pytestmark = pytest.mark.django_db


def _lines_of(order):
    return [line.pk for line in order.lines.order_by("id")]


# (handler, payload built from the order, the kind it creates, words its text carries)
BUYER_EVENTS = {
    "order.placed": (
        events.notify_order_placed,
        lambda o: {"order_id": o.pk, "buyer_id": o.buyer_id},
        Kind.ORDER_PLACED,
        "Pay 33.99 USD",
    ),
    "order.paid": (events.notify_order_paid, paid_payload, Kind.ORDER_PAID, "2 x Blue Mug, 1 x Green Tea"),
    "order.expired": (
        events.notify_order_expired,
        lambda o: {"order_id": o.pk, "buyer_id": o.buyer_id},
        Kind.ORDER_EXPIRED,
        "Nothing was charged",
    ),
    "order.cancelled": (
        events.notify_order_cancelled,
        lambda o: {"order_id": o.pk, "buyer_id": o.buyer_id},
        Kind.ORDER_CANCELLED,
        "is cancelled",
    ),
    "order.item_cancelled": (
        events.notify_item_cancelled,
        lambda o: {
            "order_id": o.pk,
            "buyer_id": o.buyer_id,
            "line_id": o.lines.get(product_name="Green Tea").pk,
            "seller_id": o.lines.get(product_name="Green Tea").seller_id,
            "refund_amount": "5.00",
        },
        Kind.ITEM_CANCELLED,
        "Green Tea is cancelled",
    ),
    "refund.succeeded": (
        events.notify_refund_succeeded,
        lambda o: {"order_id": o.pk, "buyer_id": o.buyer_id, "amount": "5.00", "refund_id": "re_1"},
        Kind.REFUND_SUCCEEDED,
        "We refunded 5.00 USD",
    ),
    "shipment.updated": (
        events.notify_shipped,
        lambda o: {
            "shipment_id": "shp_1",
            "order_id": o.pk,
            "buyer_id": o.buyer_id,
            "seller_id": o.lines.first().seller_id,
            "status": "shipped",
            "line_ids": [o.lines.get(product_name="Blue Mug").pk],
        },
        Kind.ORDER_SHIPPED,
        "2 x Blue Mug shipped",
    ),
    "shipment.delivered": (
        events.notify_delivered,
        lambda o: {
            "shipment_id": "shp_1",
            "order_id": o.pk,
            "buyer_id": o.buyer_id,
            "seller_id": o.lines.first().seller_id,
            "line_ids": _lines_of(o),
            "delivered_at": "2026-11-25T10:00:00+00:00",
        },
        Kind.ORDER_DELIVERED,
        "were delivered",
    ),
    "return.approved": (
        events.notify_return_approved,
        lambda o: {
            "return_id": "ret_1",
            "order_id": o.pk,
            "buyer_id": o.buyer_id,
            "seller_id": o.lines.first().seller_id,
            "return_code": "RC-7Q2K",
        },
        Kind.RETURN_APPROVED,
        "RC-7Q2K",
    ),
    "return.rejected": (
        events.notify_return_rejected,
        lambda o: {
            "return_id": "ret_1",
            "order_id": o.pk,
            "buyer_id": o.buyer_id,
            "seller_id": o.lines.first().seller_id,
            "return_code": "",
        },
        Kind.RETURN_REJECTED,
        "did not accept",
    ),
    "return.received": (
        events.notify_return_received,
        lambda o: {
            "return_id": "ret_1",
            "order_id": o.pk,
            "buyer_id": o.buyer_id,
            "seller_id": o.lines.first().seller_id,
            "refund_amount": "24.00",
        },
        Kind.RETURN_RECEIVED,
        "refunding 24.00 USD",
    ),
}


@pytest.mark.parametrize("event_name", sorted(BUYER_EVENTS))
def test_event_gives_the_buyer_one_notification_and_one_email(event_name, order, buyer, mailoutbox):
    handler, payload, kind, words = BUYER_EVENTS[event_name]
    event_id = new_event_id()

    handler(event_id=event_id, **payload(order))

    notification = Notification.objects.get(user=buyer, kind=kind)
    assert notification.event_id == event_id
    assert words in notification.body
    assert notification.read_at is None
    emails = [m for m in mailoutbox if m.to == ["ann@example.com"]]
    assert len(emails) == 1
    email = emails[0]
    assert notification.title in email.subject
    assert words in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert words in html.replace("&#x27;", "'")
    assert "Hello Ann Buyer" in email.body
    assert "Hello Ann Buyer" in html


def test_order_paid_email_lists_the_lines_and_the_total(order, buyer, mailoutbox):
    events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))

    email = next(m for m in mailoutbox if m.to == [buyer.email])
    assert "2 x Blue Mug (SKU" in email.body
    assert "Total: 33.99 USD" in email.body
    assert "Shipping: Standard" in email.body


def test_notification_links_to_the_order_page(order, buyer):
    events.notify_order_cancelled(event_id=new_event_id(), order_id=order.pk, buyer_id=buyer.pk)

    assert Notification.objects.get(user=buyer).url == f"/orders/{order.pk}/"


def test_shipment_steps_after_shipped_notify_nobody(order, buyer, mailoutbox):
    for status in ("in_transit", "out_for_delivery"):
        events.notify_shipped(
            event_id=new_event_id(),
            shipment_id="shp_1",
            order_id=order.pk,
            buyer_id=buyer.pk,
            seller_id=order.lines.first().seller_id,
            status=status,
            line_ids=[],
        )

    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_shipped_email_names_only_the_lines_of_that_shipment(order, buyer, tea, mailoutbox):
    events.notify_shipped(
        event_id=new_event_id(),
        shipment_id="shp_1",
        order_id=order.pk,
        buyer_id=buyer.pk,
        seller_id=tea.product.seller_id,
        status="shipped",
        line_ids=[line_of(order, tea).pk],
        carrier="simulated",
        tracking_number="SIM123",
    )

    email = mailoutbox[0]
    assert "1 x Green Tea" in email.body
    assert "Blue Mug" not in email.body
    assert "tracking number SIM123" in email.body


def test_item_cancelled_without_refund_promises_no_money(order, buyer, tea):
    events.notify_item_cancelled(
        event_id=new_event_id(),
        order_id=order.pk,
        buyer_id=buyer.pk,
        line_id=line_of(order, tea).pk,
        seller_id=tea.product.seller_id,
        refund_amount=None,
    )

    assert "refund" not in Notification.objects.get(user=buyer).body


def test_an_event_for_an_order_that_cannot_be_read_still_notifies_the_buyer(buyer, mailoutbox):
    events.notify_order_placed(event_id=new_event_id(), order_id="ord_missing", buyer_id=buyer.pk)

    assert Notification.objects.get(user=buyer).title == "Order ord_missing placed"
    assert len(mailoutbox) == 1


def test_buyer_events_notify_no_seller(order, buyer, mug, tea):
    events.notify_return_approved(
        event_id=new_event_id(),
        return_id="ret_1",
        order_id=order.pk,
        buyer_id=buyer.pk,
        seller_id=mug.product.seller_id,
        return_code="RC-1",
    )

    assert list(Notification.objects.values_list("user_id", flat=True)) == [buyer.pk]


def test_shipped_email_gives_the_carrier_tracking_number_and_eta_of_the_shipment(order, buyer, tea, mailoutbox):
    from logistics.models import Shipment

    shipment = Shipment.objects.create(
        order_id=order.pk,
        buyer=buyer,
        seller=tea.product.seller,
        status=Shipment.Status.SHIPPED,
        shipping_method="standard",
        carrier="simulated",
        tracking_number="SIM-42",
        eta=date(2026, 12, 3),
        shipped_at=timezone.now(),
    )

    events.notify_shipped(
        event_id=new_event_id(),
        shipment_id=shipment.pk,
        order_id=order.pk,
        buyer_id=buyer.pk,
        seller_id=tea.product.seller_id,
        status="shipped",
        line_ids=[line_of(order, tea).pk],
    )

    notification = Notification.objects.get(user=buyer)
    # The carrier by its name, never its internal code.
    assert "with Bazaar Courier (test carrier), tracking number SIM-42" in notification.body
    assert "arrive by Thursday 3 December" in notification.body
    assert "Carrier: Bazaar Courier (test carrier), tracking number SIM-42" in mailoutbox[0].body
    assert "simulated" not in notification.body + mailoutbox[0].body + mailoutbox[0].alternatives[0][0]


def test_email_links_are_absolute_when_the_site_knows_its_address(order, buyer, mailoutbox, settings):
    settings.SITE_URL = "https://bazaar.example/"

    events.notify_order_cancelled(event_id=new_event_id(), order_id=order.pk, buyer_id=buyer.pk)

    email = mailoutbox[0]
    assert f"Details: https://bazaar.example/orders/{order.pk}/" in email.body
    assert f'href="https://bazaar.example/orders/{order.pk}/"' in email.alternatives[0][0]
