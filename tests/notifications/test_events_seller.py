"""Sellers hear of their own sales, of returns asked of them and of low stock; buyers hear of none of it."""

import pytest

from notifications import events
from notifications.models import Notification
from tests.notifications.conftest import new_event_id
from tests.notifications.factories import paid_payload

Kind = Notification.Kind

pytestmark = pytest.mark.django_db


def test_an_order_with_two_sellers_notifies_each_seller_of_their_own_sale(order, mug, tea, mailoutbox):
    mug_seller, tea_seller = mug.product.seller, tea.product.seller

    events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))

    mug_sale = Notification.objects.get(user=mug_seller.user, kind=Kind.NEW_SALE)
    tea_sale = Notification.objects.get(user=tea_seller.user, kind=Kind.NEW_SALE)
    assert "2 x Blue Mug" in mug_sale.body
    assert "Green Tea" not in mug_sale.body
    assert "1 x Green Tea" in tea_sale.body
    assert "Blue Mug" not in tea_sale.body
    mug_email = next(m for m in mailoutbox if m.to == [mug_seller.contact_email])
    tea_email = next(m for m in mailoutbox if m.to == [tea_seller.contact_email])
    assert "Blue Mug" in mug_email.body
    assert "Green Tea" not in mug_email.body
    assert "Green Tea" in tea_email.alternatives[0][0]
    assert "Blue Mug" not in tea_email.alternatives[0][0]
    assert f"Hello {tea_seller.store_name}" in tea_email.body


def test_order_paid_sends_one_email_to_the_buyer_and_one_to_each_seller(order, buyer, mug, tea, mailoutbox):
    events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [buyer.email, mug.product.seller.contact_email, tea.product.seller.contact_email]
    )
    assert Notification.objects.filter(user=buyer, kind=Kind.NEW_SALE).count() == 0


def test_seller_e_mail_goes_to_the_store_contact_address(order, mug, mailoutbox):
    seller = mug.product.seller
    seller.contact_email = "orders@bluemugs.example"
    seller.save(update_fields=["contact_email"])

    events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))

    assert any(m.to == ["orders@bluemugs.example"] for m in mailoutbox)


def test_two_lines_of_one_seller_make_one_sale_notification(buyer, mug):
    from tests.catalog.factories import VariantFactory
    from tests.notifications.factories import order_with_lines

    other_mug = VariantFactory(product=mug.product, options={"size": "L"})
    order = order_with_lines(buyer, (mug, 1), (other_mug, 3))

    events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))

    sale = Notification.objects.get(kind=Kind.NEW_SALE)
    assert sale.user_id == mug.product.seller.user_id
    assert "1 x Blue Mug, 3 x Blue Mug" in sale.body


def test_return_requested_notifies_the_seller_not_the_buyer(order, buyer, tea, mailoutbox):
    events.notify_return_requested(
        event_id=new_event_id(),
        return_id="ret_1",
        order_id=order.pk,
        buyer_id=buyer.pk,
        seller_id=tea.product.seller_id,
        product_name="Green Tea",
        quantity=1,
        reason="Arrived damaged",
    )

    notification = Notification.objects.get()
    assert notification.user_id == tea.product.seller.user_id
    assert notification.kind == Kind.RETURN_REQUESTED
    assert "1 x Green Tea" in notification.body
    assert "Arrived damaged" in notification.body
    assert notification.url == "/seller/returns/"
    assert [m.to for m in mailoutbox] == [[tea.product.seller.contact_email]]


def test_stock_low_notifies_the_seller_in_app_with_the_product_name(mug, mailoutbox):
    from inventory.models import LowStockAlert

    seller = mug.product.seller
    alert = LowStockAlert.objects.create(seller=seller, variant=mug, threshold=3, available=2)

    events.notify_stock_low(
        event_id=new_event_id(),
        alert_id=alert.pk,
        seller_id=seller.pk,
        variant_id=mug.pk,
        sku=mug.sku,
        available=2,
        threshold=3,
    )

    notification = Notification.objects.get()
    assert notification.user_id == seller.user_id
    assert notification.kind == Kind.STOCK_LOW
    assert notification.title == f"Low stock: Blue Mug ({mug.sku})"
    assert "2 units available" in notification.body
    assert notification.url == "/seller/alerts/"
    assert mailoutbox == []  # inventory e-mails the alert itself: one e-mail, not two


def test_return_messages_name_the_item_from_the_return_request(order, buyer, tea, mailoutbox):
    from orders.models import ReturnRequest

    ret = ReturnRequest.objects.create(
        order=order,
        line=order.lines.get(variant=tea),
        buyer=buyer,
        seller=tea.product.seller,
        quantity=1,
        reason="Too bitter",
    )
    common = {"return_id": ret.pk, "order_id": order.pk, "buyer_id": buyer.pk, "seller_id": tea.product.seller_id}

    events.notify_return_requested(event_id=new_event_id(), **common)
    events.notify_return_approved(event_id=new_event_id(), return_code="RC-9", **common)

    requested = Notification.objects.get(kind=Kind.RETURN_REQUESTED)
    assert "return 1 x Green Tea from order" in requested.body
    assert "Too bitter" in requested.body
    assert "approved your return of Green Tea" in Notification.objects.get(kind=Kind.RETURN_APPROVED).body


def test_order_paid_costs_the_same_queries_however_many_lines_each_seller_sold(buyer, mug, tea):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.catalog.factories import VariantFactory
    from tests.notifications.factories import order_with_lines

    def queries_for(order) -> int:
        with CaptureQueriesContext(connection) as captured:
            events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))
        return len(captured)

    small = order_with_lines(buyer, (mug, 1), (tea, 1))
    more_mugs = [VariantFactory(product=mug.product, options={"size": size}) for size in ("S", "M", "L", "XL")]
    large = order_with_lines(buyer, (mug, 1), (tea, 1), *[(variant, 2) for variant in more_mugs])

    assert queries_for(large) == queries_for(small)
