"""POST /api/v1/checkout: the cart becomes an order awaiting payment, holding its stock, or nothing changes."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.test import override_settings
import pytest

from cart import services as cart_services
from cart.models import CartItem
from catalog.models import Product
from inventory import services as inventory_services
from orders.models import Order, OrderEvent
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.conftest import ADDRESS, checkout, client_for, fill_cart, stock

pytestmark = pytest.mark.django_db


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def test_checkout_answers_201_with_the_order_its_totals_lines_and_expiry(buyer, buyer_client):
    shirt = VariantFactory(product__price=Decimal("10.00"), options={"size": "M", "color": "red"}, stock=5)
    mug = VariantFactory(product__price=Decimal("5.50"), stock=5)
    fill_cart(buyer, (shirt, 2), (mug, 1))

    response = checkout(buyer_client, shipping_method="standard")

    assert response.status_code == 201, response.content
    order = response.json()["order"]
    assert order["id"].startswith("ord_")
    assert response["Location"] == f"/api/v1/orders/{order['id']}"
    assert order["status"] == "pending_payment"
    assert (order["subtotal"], order["shipping"], order["tax"], order["total"], order["currency"]) == (
        "25.50",
        "4.99",
        "0.00",
        "30.49",
        "USD",
    )
    assert order["shipping_method"] == "standard"
    assert order["payments"] == []
    held_for = datetime.fromisoformat(order["expires_at"]) - datetime.fromisoformat(order["placed_at"])
    assert held_for == timedelta(seconds=300)
    first = order["lines"][0]
    assert first == {
        "id": first["id"],
        "product_id": shirt.product_id,
        "variant_id": shirt.pk,
        "name": shirt.product.name,
        "sku": shirt.sku,
        "options": {"color": "red", "size": "M"},
        "unit_price": "10.00",
        "quantity": 2,
        "line_total": "20.00",
        "seller": {"id": shirt.product.seller_id, "store_name": shirt.product.seller.store_name},
        "status": "open",
        "shipped_at": None,
        "delivered_at": None,
        "cancelled_at": None,
        "returned_quantity": 0,
        "refunded_amount": "0.00",
    }
    assert [line["variant_id"] for line in order["lines"]] == [shirt.pk, mug.pk]


@pytest.mark.usefixtures("unlimited_holds")  # most of a small stock
def test_checkout_holds_the_stock_of_every_line(buyer, buyer_client):
    a, b = VariantFactory(stock=5), VariantFactory(stock=3)
    fill_cart(buyer, (a, 2), (b, 3))
    assert checkout(buyer_client).status_code == 201
    assert (stock(a), stock(b)) == ((5, 2), (3, 3))


def test_checkout_records_the_order_placed_event(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    order_id = checkout(buyer_client).json()["order"]["id"]
    event = OrderEvent.objects.get(order_id=order_id)
    assert (event.kind, event.to_status, event.actor) == ("placed", "pending_payment", buyer)


@override_settings(TAX_RATE="0.08")
def test_tax_is_the_configured_rate_of_the_goods_not_of_shipping(buyer, buyer_client):
    fill_cart(buyer, (VariantFactory(product__price=Decimal("12.45"), stock=5), 1))
    order = checkout(buyer_client, shipping_method="express").json()["order"]
    assert (order["subtotal"], order["shipping"], order["tax"], order["total"]) == ("12.45", "14.99", "1.00", "28.44")


def test_checkout_charges_the_current_price_not_the_price_when_added(buyer, buyer_client):
    variant = VariantFactory(product__price=Decimal("10.00"), stock=5)
    fill_cart(buyer, (variant, 1))
    type(variant).objects.filter(pk=variant.pk).update(price=Decimal("12.00"))
    order = checkout(buyer_client).json()["order"]
    assert order["lines"][0]["unit_price"] == "12.00"
    assert order["subtotal"] == "12.00"


def test_checkout_ships_to_an_address_from_the_book(buyer, buyer_client, variant):
    address = AddressFactory(user=buyer, line2="Flat 4", phone="+1 555 0100")
    fill_cart(buyer, (variant, 1))
    order = checkout(buyer_client, address_id=address.pk).json()["order"]
    assert order["shipping_address"] == {
        "name": address.name,
        "line1": address.line1,
        "line2": "Flat 4",
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": "US",
        "phone": "+1 555 0100",
    }


def test_checkout_ships_to_a_new_address_given_with_it(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    order = checkout(buyer_client, shipping_address={**ADDRESS, "country": "us"}).json()["order"]
    assert order["shipping_address"] == {**ADDRESS, "country": "US", "line2": "", "phone": ""}


def test_someone_elses_address_is_a_validation_error_naming_address_id(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    body = problem(checkout(buyer_client, address_id=AddressFactory().pk), 400, "validation_error")
    assert list(body["errors"]) == ["address_id"]


def test_an_incomplete_new_address_names_each_missing_field(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    incomplete = {key: value for key, value in ADDRESS.items() if key not in ("city", "postal_code")}
    body = problem(checkout(buyer_client, shipping_address={**incomplete, "country": "USA"}), 400, "validation_error")
    assert set(body["errors"]) == {"shipping_address.city", "shipping_address.postal_code", "shipping_address.country"}
    assert not Order.objects.exists()


def test_checkout_without_any_address_names_shipping_address(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    response = buyer_client.post("/api/v1/checkout", {"shipping_method": "standard"}, format="json")
    assert list(problem(response, 400, "validation_error")["errors"]) == ["shipping_address"]


def test_an_unknown_shipping_method_is_a_400_naming_it(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    body = problem(checkout(buyer_client, shipping_method="teleport"), 400, "validation_error")
    assert list(body["errors"]) == ["shipping_method"]
    assert stock(variant) == (5, 0)


def test_checking_out_an_empty_cart_is_a_400_empty_cart(buyer, buyer_client):
    problem(checkout(buyer_client), 400, "empty_cart")


def test_lines_saved_for_later_are_not_checked_out_and_stay_saved(buyer, buyer_client):
    bought, saved = VariantFactory(stock=5), VariantFactory(stock=5)
    cart_id = fill_cart(buyer, (bought, 1), (saved, 1))
    item = CartItem.objects.get(cart_id=cart_id, variant=saved)
    cart_services.set_saved_for_later(cart_id=cart_id, item_id=item.pk, saved=True)

    order = checkout(buyer_client).json()["order"]

    assert [line["variant_id"] for line in order["lines"]] == [bought.pk]
    assert list(CartItem.objects.filter(cart_id=cart_id).values_list("variant_id", "saved_for_later")) == [
        (saved.pk, True)
    ]


def test_a_saved_for_later_only_cart_is_empty_for_checkout(buyer, buyer_client, variant):
    cart_id = fill_cart(buyer, (variant, 1))
    item = CartItem.objects.get(cart_id=cart_id)
    cart_services.set_saved_for_later(cart_id=cart_id, item_id=item.pk, saved=True)
    problem(checkout(buyer_client), 400, "empty_cart")


def test_out_of_stock_is_a_409_naming_every_short_line_and_changes_nothing(buyer, buyer_client):
    short, gone, plenty = VariantFactory(stock=5), VariantFactory(stock=5), VariantFactory(stock=5)
    cart_id = fill_cart(buyer, (short, 3), (gone, 1), (plenty, 2))
    inventory_services.set_on_hand(variant_id=short.pk, quantity=2)
    inventory_services.set_on_hand(variant_id=gone.pk, quantity=0)

    body = problem(checkout(buyer_client), 409, "out_of_stock")

    assert sorted(body["lines"], key=lambda line: line["variant_id"]) == sorted(
        [
            {"variant_id": short.pk, "requested": 3, "available": 2},
            {"variant_id": gone.pk, "requested": 1, "available": 0},
        ],
        key=lambda line: line["variant_id"],
    )
    assert not Order.objects.exists()
    assert CartItem.objects.filter(cart_id=cart_id).count() == 3  # the cart is kept as it was
    assert (stock(short), stock(gone), stock(plenty)) == ((2, 0), (0, 0), (5, 0))


def test_the_cart_is_emptied_only_when_the_order_is_created(buyer, buyer_client, variant):
    cart_id = fill_cart(buyer, (variant, 2))
    problem(checkout(buyer_client, shipping_method="teleport"), 400, "validation_error")
    assert CartItem.objects.filter(cart_id=cart_id).count() == 1
    assert checkout(buyer_client).status_code == 201
    assert not CartItem.objects.filter(cart_id=cart_id).exists()


def test_a_line_no_longer_sold_is_a_409_items_unavailable(buyer, buyer_client):
    archived, fine = VariantFactory(stock=5), VariantFactory(stock=5)
    fill_cart(buyer, (archived, 1), (fine, 1))
    Product.objects.filter(pk=archived.product_id).update(status=Product.Status.ARCHIVED)
    body = problem(checkout(buyer_client), 409, "items_unavailable")
    assert [line["variant_id"] for line in body["lines"]] == [archived.pk]
    assert stock(fine) == (5, 0)


@pytest.mark.usefixtures("unlimited_holds")  # most of a small stock
def test_one_order_holds_products_of_two_sellers(buyer, buyer_client):
    first, second = ProductFactory(default_variant=False), ProductFactory(default_variant=False)
    a, b = VariantFactory(product=first, stock=3), VariantFactory(product=second, stock=3)
    fill_cart(buyer, (a, 1), (b, 2))

    order = checkout(buyer_client).json()["order"]

    assert {(line["variant_id"], line["seller"]["id"]) for line in order["lines"]} == {
        (a.pk, first.seller_id),
        (b.pk, second.seller_id),
    }
    assert first.seller_id != second.seller_id
    assert Order.objects.get(pk=order["id"]).lines.values("seller").distinct().count() == 2


def test_checkout_needs_a_signed_in_buyer(api_client):
    problem(
        api_client.post("/api/v1/checkout", {"shipping_method": "standard"}, format="json"), 401, "not_authenticated"
    )


def test_a_buyer_reads_their_order_and_nobody_else_can(buyer_client, placed):
    response = buyer_client.get(f"/api/v1/orders/{placed['id']}")
    assert response.status_code == 200
    assert response.json()["order"] == placed
    problem(client_for(UserFactory()).get(f"/api/v1/orders/{placed['id']}"), 404, "not_found")
    problem(buyer_client.get("/api/v1/orders/ord_doesnotexist"), 404, "not_found")
