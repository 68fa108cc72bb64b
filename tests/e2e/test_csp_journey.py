"""The Content Security Policy in Chromium: the key pages work with it (colour switch, add to cart, checkout,
the seller's overview and product editor, the API docs) and the browser refuses nothing on them; Redoc loads
no web fonts."""

from __future__ import annotations

from decimal import Decimal
import re

from playwright.sync_api import ConsoleMessage, Page, expect
import pytest

from catalog import services as catalog_services
from catalog.services.reviews import write_review
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import verified_buyer
from tests.e2e.test_order_lifecycle_journey import sign_in
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def refusals(page: Page) -> list[str]:
    """Every CSP refusal the browser reports on ``page`` from now on (it logs them as console errors)."""
    seen: list[str] = []

    def check(message: ConsoleMessage) -> None:
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused to" in message.text):
            seen.append(message.text)

    page.on("console", check)
    return seen


def make_boot():
    seller = SellerFactory(store_name="Boot Barn")
    boot = catalog_services.create_product(
        seller=seller,
        name="Canyon Hiking Boot",
        variants=[
            {"sku": "CAN-8-BRN", "options": {"size": "8", "color": "Brown"}, "price": Decimal("140.00"), "quantity": 5},
            {"sku": "CAN-8-BLK", "options": {"size": "8", "color": "Black"}, "price": Decimal("140.00"), "quantity": 5},
            {"sku": "CAN-9-BLK", "options": {"size": "9", "color": "Black"}, "price": Decimal("145.00"), "quantity": 5},
        ],
    )
    write_review(product_id=boot.pk, user=verified_buyer(boot), rating=4, title="Comfortable")
    return seller, boot


def test_key_pages_work_under_the_policy_and_nothing_is_refused(page: Page, base: str):
    seller, boot = make_boot()
    buyer = UserFactory(name="Casey Buyer")
    AddressFactory(user=buyer)
    refused = refusals(page)

    page.goto(f"{base}/")
    expect(page.get_by_role("link", name="Canyon Hiking Boot").first).to_be_visible()

    # The product page: the swatches get their colours without inline styles, the colour switch works.
    page.goto(f"{base}/p/{boot.pk}-{boot.slug}/")
    swatch = page.locator(".swatch").first
    assert swatch.evaluate("e => getComputedStyle(e).getPropertyValue('--swatch')").strip() != ""
    stars = page.locator(".stars").first
    assert stars.evaluate("e => getComputedStyle(e).getPropertyValue('--rating')").strip() == "4.00"
    # Switching the colour keeps the size where that colour has it.
    page.get_by_role("group", name=re.compile("^Colour")).get_by_role("radio", name=re.compile("^Black")).check()
    size_9 = page.get_by_role("group", name=re.compile("^Size")).get_by_role("radio", name=re.compile("^9"))
    expect(size_9).to_be_enabled()
    size_9.check()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("a.cart-link")).to_have_accessible_name("Cart, 1 item")

    sign_in(page, base, buyer, "/cart/")
    expect(page.get_by_role("link", name="Canyon Hiking Boot")).to_be_visible()
    page.get_by_role("link", name=re.compile("checkout", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("checkout", re.IGNORECASE))

    seller_page = page.context.browser.new_context().new_page()
    refused_for_seller = refusals(seller_page)
    sign_in(seller_page, base, seller.user, "/seller/")
    expect(seller_page.locator('[data-chart="revenue"] img')).to_be_visible()
    assert seller_page.locator('[data-chart="revenue"] img').evaluate("e => e.naturalWidth") > 0
    seller_page.goto(f"{base}/seller/products/{boot.pk}/")
    expect(seller_page.get_by_role("heading", level=1)).to_be_visible()

    seller_page.goto(f"{base}/api/docs/")
    expect(seller_page.locator(".swagger-ui .info .title")).to_contain_text("API")

    assert refused == []
    assert refused_for_seller == []


def test_redoc_renders_with_no_web_fonts_and_loads_nothing_from_elsewhere(page: Page, base: str):
    """Redoc's own link to a logo on its CDN is refused by the policy; nothing else even tries to leave."""
    asked: list[str] = []
    answered: list[str] = []
    local = (base, "data:", "blob:")
    page.on("request", lambda request: None if request.url.startswith(local) else asked.append(request.url))
    page.on("response", lambda response: None if response.url.startswith(local) else answered.append(response.url))
    page.goto(f"{base}/api/redoc/")
    expect(page.locator("#redoc-container h1").first).to_contain_text("API", timeout=30_000)

    assert answered == []
    assert [url for url in asked if "cdn.redoc.ly" not in url] == []
    assert "fonts.googleapis.com" not in page.content()
