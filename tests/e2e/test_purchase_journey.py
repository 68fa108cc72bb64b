"""The purchase journey in Chromium: a guest's cart follows them through sign-in, a declined card is
retried with one that works, and the paid order is shown."""

from decimal import Decimal
import re

from playwright.sync_api import Page, expect
import pytest

from catalog import services
from inventory.models import StockLevel
from orders.models import Order
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_jacket():
    seller = SellerFactory(store_name="Peak Outfitters")
    return services.create_product(
        seller=seller,
        name="Ridge Rain Jacket",
        variants=[
            {"sku": "RDG-S-GRN", "options": {"size": "S", "color": "Green"}, "price": Decimal("120.00"), "quantity": 4},
            {
                "sku": "RDG-M-YEL",
                "options": {"size": "M", "color": "Yellow"},
                "price": Decimal("125.00"),
                "quantity": 3,
            },
        ],
    )


def test_guest_cart_merges_at_sign_in_then_a_declined_card_is_retried_and_the_order_is_paid(page: Page, base: str):
    jacket = make_jacket()
    buyer = UserFactory(name="Pat Buyer")
    cart_link = page.locator("a.cart-link")

    # A guest picks M / Yellow and adds two without leaving the page.
    page.goto(f"{base}/p/{jacket.pk}-{jacket.slug}/")
    page.get_by_role("group", name=re.compile("^Size")).get_by_role("radio", name=re.compile("^M")).check()
    colours = page.get_by_role("group", name=re.compile("^Colour"))
    expect(colours.get_by_role("radio", name=re.compile("^Yellow"))).to_be_checked()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(cart_link).to_have_accessible_name("Cart, 2 items")

    # Signing in keeps the guest's cart.
    page.goto(f"{base}/accounts/login/?next=/cart/")
    page.get_by_label("E-mail").fill(buyer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/cart/")
    expect(page.get_by_role("link", name="Ridge Rain Jacket")).to_be_visible()
    expect(cart_link).to_have_accessible_name("Cart, 2 items")

    # Checkout: a new address and express delivery.
    page.get_by_role("link", name=re.compile("checkout", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_label("Full name").fill("Pat Buyer")
    page.get_by_label("Address line 1").fill("12 Harbour Road")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("Postal code").fill("97201")
    expect(page.get_by_label("Country", exact=True)).to_have_value("US")  # the store's country, preselected
    page.get_by_role("radio", name=re.compile("^Express")).check()
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Payment")
    order = Order.objects.get(buyer=buyer)
    assert order.status == "pending_payment"
    assert order.total == Decimal("250.00") + order.shipping
    level = StockLevel.objects.get(variant__sku="RDG-M-YEL")
    assert (level.on_hand, level.held) == (3, 2)
    expect(cart_link).to_have_accessible_name("Cart, 0 items")

    # The bank declines the first card: a clear error, and the order can still be paid.
    page.get_by_role("radio", name=re.compile("^Declined card")).check()
    page.get_by_role("button", name=re.compile(r"^Pay \$")).click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("declined", re.IGNORECASE))
    order.refresh_from_db()
    assert order.status == "pending_payment"

    page.get_by_role("radio", name=re.compile("^Visa")).check()
    page.get_by_role("button", name=re.compile(r"^Pay \$")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your order is confirmed")
    expect(page.get_by_text("RDG-M-YEL")).to_be_visible()
    order.refresh_from_db()
    assert order.status == "paid"
    level.refresh_from_db()
    assert (level.on_hand, level.held) == (1, 0)
