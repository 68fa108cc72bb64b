"""A seller's first day, in Chromium: a new user opens a store, lists a product with a size-by-colour matrix
and two pictures, imports fifty more from a CSV file after fixing what the dry run found, and sees them in
search; a buyer orders two; the seller sees the order and its notice, prints the packing slip, ships it,
sees the low-stock alert and the sale on the overview; the store's CSV export re-imports with no change."""

from __future__ import annotations

import csv
from decimal import Decimal
import io
import re

from PIL import Image
from playwright.sync_api import Browser, Page, expect
import pytest

from catalog.models import Product, Variant
from inventory.models import StockLevel
from orders import services as order_services
from tests.accounts.factories import AddressFactory, UserFactory
from tests.e2e.test_order_lifecycle_journey import sign_in
from tests.orders.conftest import fill_cart

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = [
    "SKU",
    "Product name",
    "Description",
    "Category",
    "Brand",
    "Price",
    "Quantity",
    "Size",
    "Colour",
    "Attributes",
    "Status",
]


def picture(color: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, format="PNG")
    return {"name": f"{color}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def catalogue_csv(*, broken: bool) -> dict:
    """Fifty trail socks, one row each; ``broken`` spoils two cells the dry run must name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(1, 51):
        price = "12.50"
        quantity = "6"
        if broken and n == 7:
            price = "twelve"
        if broken and n == 30:
            quantity = "-3"
        writer.writerow(
            [
                f"SOCK-{n:03d}",
                f"Trail Sock {n:02d}",
                "Merino blend.",
                "",
                "Ridge",
                price,
                quantity,
                "",
                "",
                "",
                "active",
            ]
        )
    return {"name": "socks.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode()}


def upload(page: Page, base: str, file: dict) -> None:
    page.goto(f"{base}/seller/products/import/")
    page.get_by_label("Catalogue file (CSV or XLSX)").set_input_files(file)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("import-status")).to_be_visible()


def test_a_new_seller_lists_imports_sells_ships_and_round_trips_the_catalogue(
    page: Page, browser: Browser, base: str, tmp_path
):
    # A new user opens a store.
    owner = UserFactory(name="Sam Seller")
    sign_in(page, base, owner, "/sell/")
    page.get_by_label("Store name").fill("Ridge Outfitters")
    page.get_by_role("button", name="Open my store").click()
    expect(page.get_by_role("heading", name="Ridge Outfitters")).to_be_visible()
    owner.refresh_from_db()
    seller = owner.seller

    # A product with sizes S, M, L in red and blue: six variants, each with its own stock.
    page.goto(f"{base}/seller/products/new/")
    product_fields = page.get_by_role("group", name="Product")
    product_fields.get_by_label("Name").fill("Ridge Rain Jacket")
    product_fields.get_by_label("Description").fill("Seam-sealed, packable.")
    product_fields.get_by_label("Brand").fill("Ridge")
    product_fields.get_by_label("Price", exact=True).fill("89.00")
    page.get_by_label("Sizes").fill("S, M, L")
    page.get_by_label("Colours").fill("Red, Blue")
    page.get_by_role("button", name="Build variants").click()
    variant_rows = page.get_by_test_id("variants").locator("tbody tr")
    expect(variant_rows).to_have_count(6)
    stock_inputs = page.get_by_test_id("variants").get_by_label("Stock on hand")
    for index in range(6):
        stock_inputs.nth(index).fill("10")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("status")).to_have_text("Active")
    jacket = Product.objects.get(seller=seller, name="Ridge Rain Jacket")
    assert sorted((v.size, v.color) for v in jacket.variants.all()) == sorted(
        (size, color) for size in "SML" for color in ("Red", "Blue")
    )
    assert set(StockLevel.objects.filter(variant__product=jacket).values_list("on_hand", flat=True)) == {10}

    # Two pictures, the blue one tied to its colour.
    page.get_by_role("region", name="Pictures").locator('input[type="file"]').set_input_files(
        [picture("red"), picture("blue")]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".image-item")).to_have_count(2)
    second = page.locator(".image-item").nth(1)
    second.get_by_label("Colour").select_option("Blue")
    second.get_by_role("button", name="Save picture").click()
    expect(page.locator(".image-item").nth(1).get_by_label("Colour")).to_have_value("Blue")
    assert list(jacket.images.values_list("color", flat=True)) == ["", "Blue"]

    # Fifty more from a file: the dry run names the two bad rows and writes nothing ...
    upload(page, base, catalogue_csv(broken=True))
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("8")  # line 8: the 7th row under the header
    expect(errors).to_contain_text("Price")
    expect(errors).to_contain_text("31")
    expect(errors).to_contain_text("Quantity")
    expect(page.get_by_test_id("count-errors")).to_have_text("2")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    assert not Product.objects.filter(seller=seller, name__startswith="Trail Sock").exists()

    # ... the fixed file is confirmed and written whole.
    upload(page, base, catalogue_csv(broken=False))
    expect(page.get_by_test_id("count-create")).to_have_text("50")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_test_id("result")).to_contain_text("50 created")
    assert Product.objects.filter(seller=seller, name__startswith="Trail Sock").count() == 50

    # Shoppers find them.
    page.goto(f"{base}/search?q=trail+sock+17")
    expect(page.get_by_role("link", name=re.compile("Trail Sock 17")).first).to_be_visible()

    # A buyer orders two of them (the purchase pages have their own journey).
    buyer = UserFactory(name="Bea Buyer")
    socks = [Variant.objects.get(sku="SOCK-017"), Variant.objects.get(sku="SOCK-018")]
    fill_cart(buyer, (socks[0], 2), (socks[1], 1))
    address = AddressFactory(user=buyer, name="Bea Buyer")
    order = order_services.place_order(user=buyer, shipping_method="standard", address_id=address.pk)
    order_services.pay_order(user=buyer, order_id=order.id, payment_token="tok_visa")

    # The seller hears of it, sees the order, prints its packing slip and ships it.
    page.goto(f"{base}/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text(order.id)
    page.goto(f"{base}/seller/orders/")
    shipment = page.locator("[data-shipment-id]").first
    expect(shipment).to_contain_text(order.id)
    shipment.get_by_role("link", name=re.compile("^Packing slip")).click()
    expect(page.get_by_role("heading", name="Packing slip")).to_be_visible()
    expect(page.locator("main")).to_contain_text("SOCK-017")
    expect(page.locator("main")).to_contain_text("Bea Buyer")
    expect(page.locator("main")).not_to_contain_text("12.50")  # a slip shows no prices
    page.go_back()
    shipment = page.locator("[data-shipment-id]").first
    shipment.get_by_label("Carrier", exact=True).select_option("ups")
    shipment.get_by_label(re.compile("^Tracking number")).fill("1ZRIDGE0001")
    shipment.get_by_role("button", name=re.compile("^Mark shipped")).click()
    expect(page.get_by_text(re.compile("shipped", re.IGNORECASE)).first).to_be_visible()

    # Sock 17 is down to 4 units, under the store's alert level of 5.
    page.goto(f"{base}/seller/alerts/")
    expect(page.locator("main")).to_contain_text("Trail Sock 17")

    # The overview counts the sale today, in its figures and its chart's table.
    page.goto(f"{base}/seller/?days=7")
    expect(page.locator('[data-figure="orders"] .figure-value')).to_have_text("1")
    today = page.get_by_test_id("series").locator("tbody tr").last
    expect(today).to_contain_text(str(Decimal("37.50")))
    expect(page.locator('[data-chart="revenue"] img')).to_be_visible()
    expect(page.get_by_test_id("top-products")).to_contain_text("Trail Sock 17")

    # The export re-imports as it is: every row unchanged.
    with page.expect_download() as download_info:
        page.goto(f"{base}/seller/products/")
        page.get_by_role("link", name="Export CSV").click()
    exported = tmp_path / "export.csv"
    download_info.value.save_as(exported)
    rows = list(csv.reader(exported.open(encoding="utf-8-sig")))
    assert len(rows) == 1 + 6 + 50
    upload(page, base, {"name": "export.csv", "mimeType": "text/csv", "buffer": exported.read_bytes()})
    expect(page.get_by_test_id("count-unchanged")).to_have_text("56")
    expect(page.get_by_test_id("count-create")).to_have_text("0")
    expect(page.get_by_test_id("count-change")).to_have_text("0")
