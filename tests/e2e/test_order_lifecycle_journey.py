"""After the purchase, in Chromium: two shipments with ETAs, an item cancelled before it ships and
refunded, the other shipped and delivered by the simulated carrier, returned, approved and received
by its seller and refunded, with the notifications and e-mails each step leaves."""

from decimal import Decimal
import re

from playwright.sync_api import Browser, Page, expect
import pytest

from catalog import services as catalog_services
from notifications.models import Notification
from orders import services as order_services
from payments.models import Refund
from tests.accounts.factories import DEFAULT_PASSWORD, AddressFactory, UserFactory
from tests.orders.conftest import fill_cart
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}{next_path}")


def paid_order_from_two_sellers(buyer):
    kettles = SellerFactory(store_name="Kettle Works")
    lamps = SellerFactory(store_name="Lamp House")
    kettle = catalog_services.create_product(seller=kettles, name="Copper Kettle", price=Decimal("40.00"), quantity=50)
    lamp = catalog_services.create_product(seller=lamps, name="Reading Lamp", price=Decimal("60.00"), quantity=50)
    fill_cart(buyer, (kettle.variants.get(), 1), (lamp.variants.get(), 1))
    address = AddressFactory(user=buyer)
    order = order_services.place_order(user=buyer, shipping_method="standard", address_id=address.pk)
    order_services.pay_order(user=buyer, order_id=order.id, payment_token="tok_visa")
    return order, kettles, lamps


def test_cancel_one_item_ship_and_return_the_other_with_refunds_and_notices(
    page: Page, browser: Browser, base: str, mailoutbox
):
    buyer = UserFactory(name="Robin Buyer")
    order, kettles, lamps = paid_order_from_two_sellers(buyer)

    # Two shipments, one per seller, each with its estimated delivery.
    sign_in(page, base, buyer, f"/orders/{order.id}/")
    expect(page.get_by_role("heading", name="Shipments (2)")).to_be_visible()
    expect(page.locator("[data-shipment-id]")).to_have_count(2)
    expect(page.get_by_text(re.compile("Estimated delivery", re.IGNORECASE)).first).to_be_visible()

    # The kettle is cancelled before it ships and its share is refunded.
    page.get_by_role("link", name=re.compile(r"^Cancel this item\W+Copper Kettle")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this item")
    page.get_by_role("radio", name="I changed my mind").check()
    page.get_by_role("button", name="Cancel this item").click()
    expect(page.get_by_text(re.compile(r"refund", re.IGNORECASE)).first).to_be_visible()
    assert [r.amount for r in Refund.objects.filter(status="succeeded")] == [Decimal("40.00")]

    # The lamp's seller ships it with the simulated carrier, which (eager tasks) delivers it.
    seller_page = browser.new_context().new_page()
    sign_in(seller_page, base, lamps.user, "/seller/orders/")
    seller_page.get_by_role("button", name="Mark shipped").click()
    expect(seller_page.get_by_text(re.compile("shipped", re.IGNORECASE)).first).to_be_visible()

    page.goto(f"{base}/orders/{order.id}/")
    expect(page.get_by_text(re.compile("Delivered")).first).to_be_visible()

    # The buyer returns the lamp; its seller approves, receives it, and the refund appears.
    page.get_by_role("link", name=re.compile(r"^Return this item\W+Reading Lamp")).click()
    page.get_by_role("radio", name="It does not fit").check()
    page.get_by_role("button", name="Request the return").click()

    seller_page.goto(f"{base}/seller/returns/")
    seller_page.get_by_role("button", name=re.compile("^Approve")).click()
    seller_page.get_by_role("radio", name=re.compile("^Resellable")).check()
    seller_page.get_by_role("button", name="Mark received and refund").click()

    page.goto(f"{base}/returns/")
    expect(page.get_by_text("60.00").first).to_be_visible()
    assert sorted(r.amount for r in Refund.objects.filter(status="succeeded")) == [Decimal("40.00"), Decimal("60.00")]

    # Every step left its notices, once each: in the notification centre and by e-mail.
    buyer_kinds = sorted(Notification.objects.filter(user=buyer).values_list("kind", flat=True))
    assert buyer_kinds == sorted(
        [
            "order_placed",
            "order_paid",
            "item_cancelled",
            "refund_succeeded",  # the kettle's
            "order_shipped",
            "order_delivered",
            "return_approved",
            "return_received",
            "refund_succeeded",  # the lamp's
        ]
    )
    assert sorted(Notification.objects.filter(user=kettles.user).values_list("kind", flat=True)) == ["new_sale"]
    assert sorted(Notification.objects.filter(user=lamps.user).values_list("kind", flat=True)) == [
        "new_sale",
        "return_requested",
    ]
    page.goto(f"{base}/notifications/")
    expect(page.get_by_role("main")).to_contain_text(re.compile("refund", re.IGNORECASE))
    mails_to = [address for message in mailoutbox for address in message.to]
    assert mails_to.count(buyer.email) == len(buyer_kinds)
    assert mails_to.count(kettles.contact_email) == 1
    assert mails_to.count(lamps.contact_email) == 2
