"""The seller's product pages: the list, the editor with its variant table, pictures, status, and who may see them."""

from decimal import Decimal
from io import BytesIO
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
import pytest

from catalog import services
from catalog.images import MAX_BYTES
from catalog.models import Product, ProductImage, Variant
from inventory.models import StockLevel
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductImageFactory
from tests.orders.conftest import checkout, client_for, fill_cart
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

LIST_QUERIES = 8  # user, seller (view and header), count, page, first images, stock, cart badge


def png(name="photo.png", color="red"):
    buffer = BytesIO()
    Image.new("RGB", (60, 40), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_product(seller, name, *, price="20.00", quantity=3, status=Product.Status.ACTIVE, variants=None, **fields):
    return services.create_product(
        seller=seller,
        name=name,
        price=None if variants else Decimal(price),
        quantity=None if variants else quantity,
        variants=variants,
        status=status,
        **fields,
    )


def shirt(seller, **fields):
    """A shirt in S and M, red and blue: S-red 5 units at 20, the others 2 at 25."""
    variants = [
        {"sku": f"TEE-{size}-{color}", "options": {"size": size, "color": color}, "price": price, "quantity": qty}
        for size, color, price, qty in (
            ("S", "Red", Decimal("20.00"), 5),
            ("S", "Blue", Decimal("25.00"), 2),
            ("M", "Red", Decimal("25.00"), 2),
            ("M", "Blue", Decimal("25.00"), 2),
        )
    ]
    return make_product(seller, "Tee", variants=variants, **fields)


def editor_data(product=None, *, action="save", rows=(), attributes=(), **fields):
    """The editor's POST body: fields, attribute rows and variant rows (dicts of sku/size/color/price/quantity)."""
    data = {
        "action": action,
        "name": fields.pop("name", product.name if product else ""),
        "description": "",
        "category": "",
        "brand": "",
        "price": "",
        "low_stock_threshold": "",
        "sizes": "",
        "colors": "",
        "attributes-TOTAL_FORMS": str(len(attributes)),
        "attributes-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": str(len(rows)),
        "variants-INITIAL_FORMS": str(len(rows)),
    }
    data.update({key: "" if value is None else str(value) for key, value in fields.items()})
    for index, (key, value) in enumerate(attributes):
        data[f"attributes-{index}-key"] = key
        data[f"attributes-{index}-value"] = value
    for index, row in enumerate(rows):
        for name in ("sku", "size", "color", "price", "quantity"):
            data[f"variants-{index}-{name}"] = "" if row.get(name) is None else str(row[name])
    return data


def existing_rows(product, **changes):
    """The variant rows the edit page shows for ``product``, with ``changes`` by SKU ({sku: {"price": ..}})."""
    rows = []
    for variant in product.variants.order_by("position", "id"):
        row = {
            "sku": variant.sku,
            "size": variant.size,
            "color": variant.color,
            "price": variant.price,
            "quantity": StockLevel.objects.get(variant=variant).on_hand,
        }
        row.update(changes.get(variant.sku, {}))
        rows.append(row)
    return rows


@pytest.fixture
def seller():
    return SellerFactory(store_name="Tee Shop")


@pytest.fixture
def seller_client(seller):
    client = Client()
    client.force_login(seller.user)
    return client


# --- The list -----------------------------------------------------------------------------------------------


def test_the_list_shows_products_of_every_status_with_price_range_and_stock(seller_client, seller):
    shirt(seller)
    make_product(seller, "Draft Mug", status=Product.Status.DRAFT)
    archived = make_product(seller, "Old Cap")
    services.archive_product(product_id=archived.pk, actor=seller.user)
    make_product(SellerFactory(), "Someone Else's Lamp")

    response = seller_client.get("/seller/products/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert {"Tee", "Draft Mug", "Old Cap"} <= set(re.findall(r'/seller/products/\d+/">([^<]+)</a>', html))
    assert "Someone Else" not in html
    assert ">Draft<" in html
    assert ">Archived<" in html
    assert ">Active<" in html
    assert "$20.00 \u2013 $25.00" in html  # an en dash
    assert "TEE-S-Red</a>\n                    5 / 5" in html


def test_the_list_marks_variants_at_or_below_the_threshold(seller_client, seller):
    shirt(seller, low_stock_threshold=2)

    html = seller_client.get("/seller/products/").content.decode()

    assert html.count('data-testid="low-stock"') == 3  # the three variants with 2 units


def test_the_list_searches_name_sku_and_brand(seller_client, seller):
    shirt(seller)
    make_product(seller, "Mug", brand="Potter")
    make_product(seller, "Lamp")

    def names(query):
        html = seller_client.get(f"/seller/products/?q={query}").content.decode()
        return set(re.findall(r'<th scope="row"><a href="/seller/products/\d+/">([^<]+)</a>', html))

    assert names("mug") == {"Mug"}
    assert names("potter") == {"Mug"}
    assert names("tee-m-blue") == {"Tee"}


def test_the_list_filters_by_status_and_sorts(seller_client, seller):
    make_product(seller, "Beta", price="30.00", quantity=1)
    make_product(seller, "Alpha", price="10.00", quantity=9)
    make_product(seller, "Gamma", price="20.00", quantity=4, status=Product.Status.DRAFT)

    def names(query):
        html = seller_client.get(f"/seller/products/?{query}").content.decode()
        return re.findall(r'<th scope="row"><a href="/seller/products/\d+/">([^<]+)</a>', html)

    assert names("status=draft") == ["Gamma"]
    assert names("sort=name") == ["Alpha", "Beta", "Gamma"]
    assert names("sort=price") == ["Alpha", "Gamma", "Beta"]
    assert names("sort=stock") == ["Beta", "Gamma", "Alpha"]
    assert names("sort=newest") == ["Gamma", "Alpha", "Beta"]


def test_the_list_is_paginated_keeping_the_filters(seller_client, seller):
    for number in range(27):
        make_product(seller, f"Mug {number:02d}")

    first = seller_client.get("/seller/products/?q=mug&sort=name").content.decode()
    second = seller_client.get("/seller/products/?q=mug&sort=name&page=2").content.decode()

    assert "Page 1 of 2" in first
    assert "?q=mug&amp;sort=name&amp;page=2" in first
    assert "Mug 26" in second
    assert "Mug 00" not in second


def test_the_list_query_count_does_not_grow_with_products_and_variants(
    seller_client, seller, django_assert_max_num_queries
):
    shirt(seller)
    seller_client.get("/seller/products/")  # warm the session and caches
    with django_assert_max_num_queries(LIST_QUERIES):
        seller_client.get("/seller/products/")
    for number in range(6):
        product = make_product(seller, f"Mug {number}")
        ProductImageFactory(product=product)
    shirt_two = [
        {"sku": f"X-{n}", "options": {"size": str(n)}, "price": Decimal("5.00"), "quantity": n} for n in range(8)
    ]
    make_product(seller, "Socks", variants=shirt_two)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = seller_client.get("/seller/products/")
    assert response.content.decode().count("data-product-id") == 8


# --- Creating -----------------------------------------------------------------------------------------------


def test_build_variants_lists_every_size_and_colour_keeping_typed_values(seller_client):
    data = editor_data(
        action="build",
        name="Tee",
        sizes="S, M, L",
        colors="Red, Blue",
        rows=[{"size": "", "color": "", "price": "", "quantity": 0}, {"size": "S", "color": "Red", "price": "9.50"}],
    )

    response = seller_client.post("/seller/products/new/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="variants-TOTAL_FORMS" value="6"' in html
    for label in ("S / Red", "S / Blue", "M / Red", "M / Blue", "L / Red", "L / Blue"):
        assert f">{label}<" in html
    assert 'name="variants-0-price" value="9.50"' in html
    assert not Product.objects.exists()


def test_a_new_product_with_a_3_by_2_matrix_gets_6_variants_with_their_skus_prices_and_stock(seller_client, seller):
    rows = [
        {"size": size, "color": color, "sku": f"T-{size}-{color}", "price": price, "quantity": qty}
        for size, price in (("S", "10.00"), ("M", "11.00"), ("L", ""))
        for color, qty in (("Red", 3), ("Blue", 0))
    ]
    data = editor_data(
        action="publish",
        name="Tee",
        description="Soft.",
        brand="Acme",
        price="12.00",
        low_stock_threshold="4",
        sizes="S, M, L",
        colors="Red, Blue",
        rows=rows,
        attributes=[("Material", "Cotton"), ("", "")],
    )

    response = seller_client.post("/seller/products/new/", data)

    product = Product.objects.get(seller=seller)
    assert response.status_code == 302
    assert response["Location"] == f"/seller/products/{product.pk}/"
    assert product.status == Product.Status.ACTIVE
    assert (product.brand, product.low_stock_threshold, product.attributes) == ("Acme", 4, {"Material": "Cotton"})
    variants = {v.sku: v for v in Variant.objects.filter(product=product)}
    assert len(variants) == 6
    assert variants["T-S-Red"].options == {"color": "Red", "size": "S"}
    assert variants["T-M-Blue"].price == Decimal("11.00")
    assert variants["T-L-Red"].price == Decimal("12.00")  # blank: the product's price
    stock = dict(StockLevel.objects.filter(variant__product=product).values_list("variant__sku", "on_hand"))
    assert stock["T-S-Red"] == 3
    assert stock["T-S-Blue"] == 0


def test_save_as_draft_keeps_a_new_product_off_the_store(seller_client, seller, client):
    data = editor_data(action="draft", name="Mug", price="8.00", rows=[{"quantity": 2}])

    seller_client.post("/seller/products/new/", data)

    product = Product.objects.get(seller=seller)
    assert product.status == Product.Status.DRAFT
    assert client.get(f"/p/{product.pk}/").status_code == 404


def test_a_service_error_shows_next_to_the_variant_row_and_nothing_is_written(seller_client, seller):
    make_product(seller, "Other", variants=[{"sku": "TAKEN", "price": Decimal("1.00")}])
    rows = [
        {"size": "S", "sku": "FREE-1", "price": "5.00"},
        {"size": "M", "sku": "TAKEN", "price": "5.00"},
    ]

    response = seller_client.post(
        "/seller/products/new/", editor_data(action="publish", name="Tee", sizes="S, M", rows=rows)
    )

    html = response.content.decode()
    assert response.status_code == 400
    row = html.split('name="variants-1-sku"')[1].split("</td>")[0]
    assert "Another variant in the store already uses this SKU." in row
    assert Product.objects.filter(seller=seller).count() == 1


def test_a_missing_name_is_a_400_with_the_form_re_rendered(seller_client):
    response = seller_client.post("/seller/products/new/", editor_data(action="publish", price="5", rows=[{}]))

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Product.objects.exists()


# --- Editing ------------------------------------------------------------------------------------------------


def test_the_edit_page_shows_the_variant_table_and_category_paths(seller_client, seller):
    clothing = services.create_category(name="Clothing")
    tops = services.create_category(name="Tops", parent_id=clothing.pk)
    product = shirt(seller, category_id=tops.pk, attributes={"Fit": "Slim"})

    html = seller_client.get(f"/seller/products/{product.pk}/").content.decode()

    assert f'<option value="{tops.pk}" selected>Clothing &gt; Tops</option>' in html
    assert 'value="S, M"' in html
    assert 'value="Red, Blue"' in html
    assert 'name="attributes-0-key" value="Fit"' in html
    assert html.count('data-testid="variants"') == 1
    assert "TEE-M-Blue" in html
    assert "Variants cannot be deleted once saved" in html


def test_editing_a_price_shows_on_the_storefront_at_once(seller_client, seller, client):
    product = make_product(seller, "Lamp", price="20.00")
    url = f"/p/{product.pk}-lamp/"
    assert "$20.00" in client.get(url).content.decode()  # now in the public cache
    assert "$20.00" in client.get(url).content.decode()
    sku = product.variants.get().sku

    response = seller_client.post(
        f"/seller/products/{product.pk}/",
        editor_data(product, rows=existing_rows(product, **{sku: {"price": "24.50"}})),
    )

    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "$24.50" in html
    assert "$20.00" not in html


def test_editing_stock_sets_on_hand_and_adding_a_size_adds_a_variant(seller_client, seller):
    product = shirt(seller)
    rows = existing_rows(product, **{"TEE-S-Red": {"quantity": 9}})
    rows.append({"size": "L", "color": "Red", "sku": "TEE-L-Red", "price": "30.00", "quantity": 4})

    response = seller_client.post(
        f"/seller/products/{product.pk}/", editor_data(product, rows=rows, sizes="S, M, L", colors="Red, Blue")
    )

    assert response.status_code == 302
    stock = dict(StockLevel.objects.filter(variant__product=product).values_list("variant__sku", "on_hand"))
    assert stock == {"TEE-S-Red": 9, "TEE-S-Blue": 2, "TEE-M-Red": 2, "TEE-M-Blue": 2, "TEE-L-Red": 4}
    assert product.variants.get(sku="TEE-L-Red").options == {"color": "Red", "size": "L"}


def test_the_low_stock_threshold_is_edited_on_the_product(seller_client, seller):
    product = make_product(seller, "Lamp")

    seller_client.post(
        f"/seller/products/{product.pk}/",
        editor_data(product, rows=existing_rows(product), low_stock_threshold=7),
    )

    product.refresh_from_db()
    assert product.low_stock_threshold == 7


def test_a_negative_stock_is_refused_on_its_row(seller_client, seller):
    product = make_product(seller, "Lamp", quantity=3)
    sku = product.variants.get().sku

    response = seller_client.post(
        f"/seller/products/{product.pk}/",
        editor_data(product, rows=existing_rows(product, **{sku: {"quantity": -1}})),
    )

    assert response.status_code == 400
    assert StockLevel.objects.get(variant__product=product).on_hand == 3


def test_publish_unpublish_archive_and_republish(seller_client, seller, client):
    product = make_product(seller, "Lamp", status=Product.Status.DRAFT)
    status_url = f"/seller/products/{product.pk}/status/"

    def status_after(action):
        assert seller_client.post(status_url, {"action": action}).status_code == 302
        product.refresh_from_db()
        return product.status

    assert status_after("publish") == Product.Status.ACTIVE
    assert client.get(f"/p/{product.pk}-lamp/").status_code == 200
    assert status_after("unpublish") == Product.Status.DRAFT
    assert status_after("archive") == Product.Status.ARCHIVED
    assert status_after("publish") == Product.Status.ACTIVE


def test_view_as_a_buyer_shows_a_draft_to_its_owner_with_a_banner(seller_client, seller):
    product = make_product(seller, "Lamp", status=Product.Status.DRAFT)

    edit = seller_client.get(f"/seller/products/{product.pk}/").content.decode()
    storefront = seller_client.get(f"/p/{product.pk}-lamp/")

    assert f'href="/p/{product.pk}-lamp/" data-testid="view-as-buyer"' in edit
    assert storefront.status_code == 200
    assert "Only you can see this page" in storefront.content.decode()


# --- Pictures -----------------------------------------------------------------------------------------------


def test_pictures_are_uploaded_several_at_once_with_alt_text_and_colour(seller_client, seller):
    product = shirt(seller)

    response = seller_client.post(
        f"/seller/products/{product.pk}/images/",
        {"action": "upload", "images": [png("a.png"), png("b.png", "blue")], "alt_text": "Front", "color": "Blue"},
    )

    assert response.status_code == 302
    images = list(ProductImage.objects.filter(product=product))
    assert [(i.alt_text, i.color, i.position) for i in images] == [("Front", "Blue", 0), ("Front", "Blue", 1)]
    assert all(i.thumbnail for i in images)


def test_a_file_that_is_not_a_picture_gets_a_message_not_a_500(seller_client, seller):
    product = make_product(seller, "Lamp")
    bad = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")

    response = seller_client.post(f"/seller/products/{product.pk}/images/", {"action": "upload", "images": [bad]})

    assert response.status_code == 400
    assert "evil.png: Upload a valid image" in response.content.decode()
    assert not ProductImage.objects.exists()


def test_an_oversized_picture_gets_a_message_not_a_500(seller_client, seller):
    product = make_product(seller, "Lamp")
    huge = SimpleUploadedFile("huge.png", b"\x89PNG" + b"0" * MAX_BYTES, content_type="image/png")

    response = seller_client.post(f"/seller/products/{product.pk}/images/", {"action": "upload", "images": [huge]})

    assert response.status_code == 400
    assert "huge.png is larger than 10 MB." in response.content.decode()
    assert not ProductImage.objects.exists()


def test_pictures_are_described_moved_and_deleted(seller_client, seller, django_capture_on_commit_callbacks):
    product = shirt(seller)
    first, second, third = (
        services.add_image(product_id=product.pk, actor=seller.user, image=png(f"{n}.png")) for n in range(3)
    )
    url = f"/seller/products/{product.pk}/images/"

    seller_client.post(url, {"action": "update", "image_id": second.pk, "alt_text": "Back", "color": "Red"})
    seller_client.post(url, {"action": "up", "image_id": third.pk})
    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(url, {"action": "delete", "image_id": first.pk})

    images = list(ProductImage.objects.filter(product=product).order_by("position"))
    assert [(i.pk, i.alt_text, i.color) for i in images] == [(third.pk, "Tee", ""), (second.pk, "Back", "Red")]
    assert not first.image.storage.exists(first.image.name)


def test_the_edit_page_lists_pictures_with_the_products_colours_to_choose(seller_client, seller):
    product = shirt(seller)
    services.add_image(product_id=product.pk, actor=seller.user, image=png(), color="Red")

    html = seller_client.get(f"/seller/products/{product.pk}/").content.decode()

    assert '<option value="Red" selected>Red</option>' in html
    assert '<option value="">All colours</option>' in html


# --- Who may see them ---------------------------------------------------------------------------------------


def test_another_seller_gets_404_on_every_page_of_a_product_and_its_pictures(seller, client):
    product = shirt(seller)
    image = services.add_image(product_id=product.pk, actor=seller.user, image=png())
    client.force_login(SellerFactory().user)

    assert client.get(f"/seller/products/{product.pk}/").status_code == 404
    assert client.post(f"/seller/products/{product.pk}/", editor_data(product, rows=[])).status_code == 404
    assert client.post(f"/seller/products/{product.pk}/status/", {"action": "archive"}).status_code == 404
    upload = {"action": "upload", "images": [png()]}
    assert client.post(f"/seller/products/{product.pk}/images/", upload).status_code == 404
    delete = {"action": "delete", "image_id": image.pk}
    assert client.post(f"/seller/products/{product.pk}/images/", delete).status_code == 404
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE
    assert ProductImage.objects.filter(product=product).count() == 1


def test_a_picture_of_another_product_is_404_even_from_the_owners_other_product(seller_client, seller):
    mine = make_product(seller, "Lamp")
    theirs = make_product(SellerFactory(), "Vase")
    image = ProductImageFactory(product=theirs)

    response = seller_client.post(f"/seller/products/{mine.pk}/images/", {"action": "delete", "image_id": image.pk})

    assert response.status_code == 404
    assert ProductImage.objects.filter(pk=image.pk).exists()


@pytest.mark.parametrize("path", ["/seller/products/", "/seller/products/new/", "/seller/products/{id}/"])
def test_buyers_get_403(client, seller, path):
    product = make_product(seller, "Lamp")
    client.force_login(UserFactory())

    assert client.get(path.format(id=product.pk)).status_code == 403


def test_forms_need_the_csrf_token(seller):
    product = make_product(seller, "Lamp")
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller.user)

    assert client.post("/seller/products/new/", editor_data(action="publish", name="X", rows=[{}])).status_code == 403
    assert client.post(f"/seller/products/{product.pk}/status/", {"action": "archive"}).status_code == 403
    assert client.post(f"/seller/products/{product.pk}/images/", {"action": "upload"}).status_code == 403
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE
    assert Product.objects.count() == 1


# --- A price edit never reaches an order already placed ----------------------------------------------------


def test_editing_the_price_during_checkout_leaves_the_placed_orders_price(seller_client, seller):
    product = make_product(seller, "Lamp", price="20.00", quantity=5)
    variant = product.variants.get()
    buyer = UserFactory()
    fill_cart(buyer, (variant, 2))
    buyer_api = client_for(buyer)
    placed = checkout(buyer_api)
    assert placed.status_code == 201, placed.content
    order_id = placed.json()["order"]["id"]

    edited = seller_client.post(
        f"/seller/products/{product.pk}/",
        editor_data(product, rows=existing_rows(product, **{variant.sku: {"price": "35.00"}})),
    )

    assert edited.status_code == 302
    assert Variant.objects.get(pk=variant.pk).price == Decimal("35.00")
    order = buyer_api.get(f"/api/v1/orders/{order_id}").json()["order"]
    assert order["lines"][0]["unit_price"] == "20.00"
    assert order["subtotal"] == "40.00"
