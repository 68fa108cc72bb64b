"""Colour from the listing to the product page: under a colour filter the card shows that colour's picture
and price, its link opens the product page on that colour, and picking another colour there swaps the
picture."""

from decimal import Decimal
import re

from playwright.sync_api import Page, expect
import pytest

from catalog import services
from catalog.models import ProductImage
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_boot():
    """A boot in brown (90.00) and black (99.00), with a picture of each colour after a plain one."""
    boots = services.create_category(name="Boots")
    boot = services.create_product(
        seller=SellerFactory(store_name="Boot Barn"),
        name="Canyon Hiking Boot",
        category_id=boots.pk,
        variants=[
            {"sku": "CAN-8-BRN", "options": {"size": "8", "color": "Brown"}, "price": Decimal("90.00"), "quantity": 5},
            {"sku": "CAN-8-BLK", "options": {"size": "8", "color": "Black"}, "price": Decimal("99.00"), "quantity": 5},
        ],
    )
    for position, color in enumerate(("", "Brown", "Black")):
        ProductImage.objects.create(
            product=boot,
            image=f"products/{boot.pk}/{color or 'plain'}.jpg",
            thumbnail=f"products/{boot.pk}/{color or 'plain'}-400.webp",
            width=800,
            height=800,
            alt_text=f"The boot, {color or 'side view'}",
            color=color,
            position=position,
        )
    return boot


def test_a_colour_card_opens_the_product_on_that_colour_and_picking_another_swaps_the_picture(page: Page, base: str):
    boot = make_boot()
    page.goto(f"{base}/c/boots/?color=Black")

    card = page.locator("article.product-card", has=page.get_by_role("link", name="Canyon Hiking Boot"))
    expect(card.get_by_role("img")).to_have_attribute("src", re.compile(r"/Black-400\.webp$"))
    expect(card).to_contain_text("$99")
    card.get_by_role("link", name="Canyon Hiking Boot").click()

    expect(page).to_have_url(re.compile(rf"/p/{boot.pk}-canyon-hiking-boot/\?color=Black$"))
    colours = page.get_by_role("group", name=re.compile("^Colour"))
    expect(colours.get_by_role("radio", name=re.compile("^Black"))).to_be_checked()
    main = page.locator("[data-gallery-main]")
    expect(main).to_have_attribute("src", re.compile(r"/Black\.jpg$"))

    colours.get_by_role("radio", name=re.compile("^Brown")).check()
    expect(main).to_have_attribute("src", re.compile(r"/Brown\.jpg$"))
    expect(page.locator("[data-price]")).to_contain_text("90")
