"""The header search box suggests as the shopper types, and is used from the keyboard alone: type "runn",
see products and categories, arrow down to one and press Enter to open it; Escape closes the list."""

from decimal import Decimal
import re

from playwright.sync_api import Page, expect
import pytest

from catalog import services
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_catalog():
    """Sports > Running, with a running shoe and a lamp that no suggestion for "runn" should name."""
    sports = services.create_category(name="Sports")
    running = services.create_category(name="Running", parent_id=sports.pk)
    seller = SellerFactory(store_name="Trail Co")
    shoe = services.create_product(
        seller=seller, name="Runner Trail Shoe", category_id=running.pk, price=Decimal("89.00"), quantity=5
    )
    services.create_product(seller=seller, name="Brass Desk Lamp", price=Decimal("64.00"), quantity=3)
    return shoe


def test_typing_suggests_and_arrow_down_then_enter_opens_the_suggestion(page: Page, base: str):
    shoe = make_catalog()
    page.goto(base + "/")

    box = page.get_by_role("banner").get_by_role("combobox", name="Search products")
    box.press_sequentially("runn", delay=40)

    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(suggestions.get_by_role("option", name="Runner Trail Shoe")).to_be_visible()
    expect(suggestions.get_by_role("option", name=re.compile("^Running"))).to_be_visible()
    expect(suggestions.get_by_role("option", name="Brass Desk Lamp")).to_have_count(0)

    box.press("ArrowDown")
    first = suggestions.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Enter")

    expect(page).to_have_url(re.compile(rf"/p/{shoe.pk}-runner-trail-shoe/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Runner Trail Shoe")


def test_escape_closes_the_suggestions_and_enter_then_searches_what_was_typed(page: Page, base: str):
    make_catalog()
    page.goto(base + "/")

    box = page.get_by_role("banner").get_by_role("combobox", name="Search products")
    box.press_sequentially("runn", delay=40)
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions).to_be_visible()

    box.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=runn$"))


def test_a_misspelling_suggests_its_correction_which_searches_for_it(page: Page, base: str):
    make_catalog()
    page.goto(base + "/")

    box = page.get_by_role("banner").get_by_role("combobox", name="Search products")
    box.press_sequentially("runnr", delay=40)

    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option", name=re.compile("Search for “runner”"))).to_be_visible()
    expect(suggestions.get_by_role("option", name="Runner Trail Shoe")).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=runner$"))
    expect(page.get_by_role("link", name="Runner Trail Shoe")).to_be_visible()
