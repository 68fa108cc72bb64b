"""A guest adds a sized, coloured item from the product page without a reload, manages the cart, signs in."""

from decimal import Decimal
import re

from playwright.sync_api import Page, expect
import pytest

from catalog import services
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_shoe():
    seller = SellerFactory(store_name="Trail Co")
    return services.create_product(
        seller=seller,
        name="Summit Trail Runner",
        variants=[
            {"sku": "SUM-S-RED", "options": {"size": "S", "color": "Red"}, "price": Decimal("89.00"), "quantity": 7},
            {"sku": "SUM-M-RED", "options": {"size": "M", "color": "Red"}, "price": Decimal("92.00"), "quantity": 2},
            {"sku": "SUM-L-BLUE", "options": {"size": "L", "color": "Blue"}, "price": Decimal("95.00"), "quantity": 9},
        ],
    )


def test_a_guest_adds_to_the_cart_without_a_reload_and_finds_it_after_signing_in(page: Page, base: str):
    shoe = make_shoe()
    user = UserFactory(name="Gail Guest")
    page.goto(f"{base}/p/{shoe.pk}-{shoe.slug}/")
    page.evaluate("window.notReloaded = true")
    cart_link = page.locator("a.cart-link")
    expect(cart_link).to_have_accessible_name("Cart, 0 items")

    page.get_by_role("group", name=re.compile("^Size")).get_by_role("radio", name=re.compile("^M")).check()
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("alert")).to_contain_text("Only 2 of this item can be bought now")

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()

    expect(page.get_by_text("Added to your cart")).to_contain_text("Summit Trail Runner (M / Red)")
    expect(cart_link).to_have_accessible_name("Cart, 2 items")
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("link", name="View cart").click()
    expect(page.get_by_role("heading", name="Your cart", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile("^Save for later")).click()
    expect(page.get_by_role("heading", name="Saved for later (1)")).to_be_visible()
    expect(cart_link).to_have_accessible_name("Cart, 0 items")
    page.get_by_role("button", name=re.compile("^Move to cart")).click()
    expect(cart_link).to_have_accessible_name("Cart, 2 items")

    page.goto(f"{base}/accounts/login/?next=/cart/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{base}/cart/")
    expect(page.get_by_role("link", name="Summit Trail Runner")).to_be_visible()
    expect(cart_link).to_have_accessible_name("Cart, 2 items")
