"""A shopper searches from the header, opens a result, picks a size and colour and sees what is in stock."""

from decimal import Decimal
import re

from playwright.sync_api import Page, expect
import pytest

from catalog import services
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_catalog():
    """Sports > Running, with a trail shoe in S/M/L and red/blue (S-blue sold out, no M-blue), and a lamp."""
    sports = services.create_category(name="Sports")
    running = services.create_category(name="Running", parent_id=sports.pk)
    seller = SellerFactory(store_name="Trail Co")
    shoe = services.create_product(
        seller=seller,
        name="Summit Trail Runner",
        brand="Acme",
        category_id=running.pk,
        description="A grippy shoe for long days in the hills.",
        variants=[
            {"sku": "SUM-S-RED", "options": {"size": "S", "color": "Red"}, "price": Decimal("89.00"), "quantity": 7},
            {"sku": "SUM-S-BLUE", "options": {"size": "S", "color": "Blue"}, "price": Decimal("89.00"), "quantity": 0},
            {"sku": "SUM-M-RED", "options": {"size": "M", "color": "Red"}, "price": Decimal("92.00"), "quantity": 2},
            {"sku": "SUM-L-BLUE", "options": {"size": "L", "color": "Blue"}, "price": Decimal("95.00"), "quantity": 9},
        ],
    )
    services.create_product(seller=seller, name="Brass Desk Lamp", price=Decimal("64.00"), quantity=3)
    return shoe


def test_search_open_a_result_and_pick_a_variant(page: Page, base: str):
    make_catalog()
    page.goto(base + "/")

    header = page.get_by_role("banner")
    header.get_by_role("combobox", name="Search products").fill("trail runner")
    header.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “trail runner”")
    expect(page.get_by_role("heading", name="1 product")).to_be_visible()
    expect(page.get_by_role("link", name="Brass Desk Lamp")).to_have_count(0)
    page.get_by_role("link", name="Summit Trail Runner").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Summit Trail Runner")
    expect(page.get_by_text("Sold by Trail Co")).to_be_visible()
    sizes = page.get_by_role("group", name=re.compile("^Size"))
    colours = page.get_by_role("group", name=re.compile("^Colour"))
    availability = page.get_by_role("status").filter(has_text="stock")
    price = page.get_by_text(re.compile(r"^\$\d+\.\d\d$")).filter(visible=True)
    # With JavaScript the picker replaces the plain table of variants.
    expect(page.get_by_role("table")).to_have_count(0)

    sizes.get_by_role("radio", name=re.compile("^S")).check()
    colours.get_by_role("radio", name=re.compile("^Red")).check()
    expect(availability).to_have_text("In stock")
    expect(price).to_have_text("$89.00")

    colours.get_by_role("radio", name=re.compile("^Blue")).check()
    expect(availability).to_have_text("Out of stock")
    expect(colours.get_by_role("radio", name="Blue (out of stock)")).to_be_checked()

    # There is no blue in M: choosing M disables blue and moves the colour to red, which has two left.
    sizes.get_by_role("radio", name=re.compile("^M")).check()
    expect(colours.get_by_role("radio", name=re.compile("^Blue"))).to_be_disabled()
    expect(colours.get_by_role("radio", name=re.compile("^Red"))).to_be_checked()
    expect(availability).to_have_text("In stock, only 2 left")
    expect(price).to_have_text("$92.00")
    expect(page.get_by_text("SKU SUM-M-RED")).to_be_visible()

    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()


def test_the_variant_picker_works_with_the_keyboard(page: Page, base: str):
    shoe = make_catalog()
    page.goto(f"{base}/p/{shoe.pk}-{shoe.slug}/")
    sizes = page.get_by_role("group", name=re.compile("^Size"))
    availability = page.get_by_role("status").filter(has_text="stock")

    sizes.get_by_role("radio", name=re.compile("^S")).focus()
    page.keyboard.press("ArrowRight")  # S -> M, like any radio group

    expect(sizes.get_by_role("radio", name=re.compile("^M"))).to_be_checked()
    expect(sizes.get_by_role("radio", name=re.compile("^M"))).to_be_focused()
    expect(availability).to_have_text("In stock, only 2 left")
