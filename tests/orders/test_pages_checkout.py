"""Storefront checkout pages: checkout (address and delivery), the payment page and the order page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from accounts.models import Address
from inventory import services as inventory_services
from orders import selectors
from orders.models import Order
from shop.api import idempotency
from shop.models import IdempotencyRecord
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.concurrency import race
from tests.orders.conftest import fill_cart as fill_cart_of

pytestmark = pytest.mark.django_db

# Pinned query budgets for a signed-in buyer, the user, the header's seller check and cart badge included
# (the session comes from the cache); each page's test also shows the count does not grow with the lines.
CHECKOUT_QUERIES = 8  # + address book, cart id, cart lines, their pictures, their sellers' handling days
PAY_QUERIES = 5  # + order, its lines with their sellers
ORDER_QUERIES = 6  # + the payments of an unpaid order

NEW_ADDRESS = {
    "address": "new",
    "name": "Ann Buyer",
    "line1": "1 Main Street",
    "line2": "",
    "city": "Springfield",
    "region": "IL",
    "postal_code": "62701",
    "country": "us",
    "phone": "",
}


# --- Test data ------------------------------------------------------------------------------------------


@pytest.fixture
def buyer(client):
    user = UserFactory(name="Ann Buyer")
    client.force_login(user)
    return user


def add_to_cart(client, product, quantity=1, options=None):
    body = {"quantity": quantity}
    if options:
        body["otherDetails"] = options
    response = client.post(f"/api/v1/cart/{product.pk}", body, content_type="application/json")
    assert response.status_code == 201, response.content


def product_in_cart(client, *, name="Blue Mug", price="12.50", stock=5, quantity=2):
    product = ProductFactory(name=name, price=Decimal(price), default_variant__stock=stock)
    add_to_cart(client, product, quantity)
    return product


def place(client, buyer, *, shipping_method="standard", **fields) -> Order:
    data = {"shipping_method": shipping_method, **(fields or {"address": str(AddressFactory(user=buyer).pk)})}
    response = client.post("/checkout/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    order_id = response["Location"].removeprefix("/orders/").removesuffix("/pay/")
    return Order.objects.get(pk=order_id, buyer=buyer)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


class FormAudit(HTMLParser):
    """What a keyboard or screen-reader user depends on: labelled inputs and radios in fieldsets."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()
        self.fieldsets: list[dict] = []  # open fieldsets: {"legend": bool}
        self.radios_outside_fieldset: list[str] = []
        self.fieldsets_without_legend = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.fieldsets.append({"legend": False})
        elif tag == "legend" and self.fieldsets:
            self.fieldsets[-1]["legend"] = True
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs)
            if attrs.get("type") == "radio" and not self.fieldsets:
                self.radios_outside_fieldset.append(attrs.get("id") or attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "fieldset" and not self.fieldsets.pop()["legend"]:
            self.fieldsets_without_legend += 1

    @property
    def unlabelled(self) -> list[str]:
        return [
            i.get("id") or i.get("name")
            for i in self.inputs
            if not (i.get("id") in self.label_for or i.get("aria-label"))
        ]


def audit(html: str) -> FormAudit:
    parser = FormAudit()
    parser.feed(html)
    return parser


# --- Checkout page ------------------------------------------------------------------------------------


def test_anonymous_checkout_redirects_to_sign_in_with_next(client):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/checkout/"


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, buyer):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert "Your cart is empty" in messages_of(response)[0]


def test_checkout_page_lists_the_address_book_and_both_shipping_methods_with_prices_and_dates(client, buyer):
    product_in_cart(client, name="Blue Mug", price="12.50", quantity=2)
    AddressFactory(user=buyer, line1="1 Home Lane", is_default=True)
    AddressFactory(user=buyer, line1="9 Office Park")
    AddressFactory(line1="5 Someone Else Road")

    response = client.get("/checkout/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 Home Lane" in html
    assert "9 Office Park" in html
    assert "5 Someone Else Road" not in html
    assert "Blue Mug" in html
    assert "$25.00" in html
    for option in selectors.shipping_options(handling_days=1):  # the seller's default handling time
        assert f'value="{option.code}"' in html
        assert f"{option.label}</span>" in html
        assert f"${option.price:.2f}" in html
        assert f'datetime="{option.earliest:%Y-%m-%d}"' in html
        assert f'datetime="{option.latest:%Y-%m-%d}"' in html
    assert "$4.99" in html
    assert "$14.99" in html
    assert "$29.99" in html  # the total with standard shipping, chosen by default


def test_checkout_page_preselects_the_default_address(client, buyer):
    product_in_cart(client)
    AddressFactory(user=buyer, line1="9 Office Park")
    default = AddressFactory(user=buyer, line1="1 Home Lane", is_default=True)

    html = client.get("/checkout/").content.decode()

    assert f'id="address-{default.pk}" value="{default.pk}" checked' in html


def test_checkout_page_is_usable_with_the_keyboard_and_a_screen_reader(client, buyer):
    product_in_cart(client)
    AddressFactory(user=buyer)

    found = audit(client.get("/checkout/").content.decode())

    assert len(found.inputs) >= 12  # two address radios, eight address fields, save, two methods
    assert found.unlabelled == []
    assert found.radios_outside_fieldset == []
    assert found.fieldsets_without_legend == 0


def test_checkout_without_an_address_book_asks_for_a_new_address_only(client, buyer):
    product_in_cart(client)

    html = client.get("/checkout/").content.decode()

    assert '<input type="hidden" name="address" value="new">' in html
    assert 'name="line1"' in html
    assert audit(html).unlabelled == []


# --- Placing the order -----------------------------------------------------------------------------


def test_placing_an_order_with_a_new_address_saved_to_the_book(client, buyer):
    product_in_cart(client, quantity=2)

    order = place(client, buyer, shipping_method="express", save_address="on", **NEW_ADDRESS)

    assert order.status == "pending_payment"
    assert order.shipping_method == "express"
    assert order.shipping_address["line1"] == "1 Main Street"
    assert order.shipping_address["country"] == "US"
    assert order.total == Decimal("25.00") + Decimal("14.99")
    assert Address.objects.filter(user=buyer, line1="1 Main Street").exists()


def test_a_new_address_is_not_saved_unless_asked(client, buyer):
    product_in_cart(client)

    place(client, buyer, **NEW_ADDRESS)

    assert not Address.objects.filter(user=buyer).exists()


def test_placing_an_order_with_an_address_from_the_book(client, buyer):
    product_in_cart(client)
    address = AddressFactory(user=buyer, line1="1 Home Lane", city="Portland")

    order = place(client, buyer, address=str(address.pk))

    assert order.shipping_address["line1"] == "1 Home Lane"
    assert order.shipping_address["city"] == "Portland"
    assert order.lines.get().quantity == 2


def test_an_incomplete_new_address_is_shown_again_with_errors_and_places_nothing(client, buyer):
    product_in_cart(client)

    response = client.post("/checkout/", {**NEW_ADDRESS, "line1": "", "country": "USA", "shipping_method": "standard"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required for a new address." in html
    assert "two-letter country code" in html
    assert 'aria-invalid="true"' in html
    assert not Order.objects.exists()


def test_someone_elses_address_cannot_be_shipped_to(client, buyer):
    product_in_cart(client)
    theirs = AddressFactory()

    response = client.post("/checkout/", {"address": str(theirs.pk), "shipping_method": "standard"})

    assert response.status_code == 200
    assert not Order.objects.exists()


def test_out_of_stock_at_place_order_goes_back_to_the_cart_naming_the_item(client, buyer):
    product = product_in_cart(client, name="Last Lamp", stock=5, quantity=3)
    inventory_services.set_on_hand(variant_id=product.variants.get().pk, quantity=1)
    address = AddressFactory(user=buyer)

    response = client.post("/checkout/", {"address": str(address.pk), "shipping_method": "standard"})

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    [message] = messages_of(response)
    assert "Last Lamp" in message
    assert "only 1 left" in message
    assert not Order.objects.exists()


def test_checkout_with_a_short_line_goes_back_to_the_cart_naming_it(client, buyer):
    product = product_in_cart(client, name="Last Lamp", stock=5, quantity=3)
    product_in_cart(client, name="Plenty Pot", stock=50, quantity=1)
    inventory_services.set_on_hand(variant_id=product.variants.get().pk, quantity=2)

    response = client.get("/checkout/")

    assert response["Location"] == "/cart/"
    [message] = messages_of(response)
    assert "Last Lamp: only 2 left (you asked for 3)" in message
    assert "Plenty Pot" not in message


def test_a_double_submitted_checkout_places_one_order(client, buyer):
    product_in_cart(client)
    address = AddressFactory(user=buyer)
    data = {"address": str(address.pk), "shipping_method": "standard", "submit_token": "tok-123"}

    first = client.post("/checkout/", data)
    second = client.post("/checkout/", data)

    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.id}/pay/"


def test_a_resubmitted_checkout_lands_on_its_order_even_when_the_cache_forgot(client, buyer):
    # The guard is the API's idempotency (records in the database), not a cache entry that can be evicted,
    # flushed or kept per process.
    product_in_cart(client)
    data = {"address": str(AddressFactory(user=buyer).pk), "shipping_method": "standard", "submit_token": "tok-9"}
    first = client.post("/checkout/", data)
    cache.clear()

    second = client.post("/checkout/", data)

    order = Order.objects.get()
    assert first["Location"] == second["Location"] == f"/orders/{order.id}/pay/"
    assert IdempotencyRecord.objects.get(user=buyer, key="tok-9").body == {"order": order.id}


def test_a_checkout_refused_for_its_input_keeps_nothing_so_the_corrected_form_places_the_order(client, buyer):
    product_in_cart(client)
    data = {**NEW_ADDRESS, "line1": "", "shipping_method": "standard", "submit_token": "tok-fix"}
    assert client.post("/checkout/", data).status_code == 200  # shown again with the error

    response = client.post("/checkout/", {**data, "line1": "1 Main Street"})

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.id}/pay/"


def test_the_same_token_from_another_buyer_places_their_own_order(client, buyer):
    product_in_cart(client)
    data = {"shipping_method": "standard", "submit_token": "tok-shared"}
    mine = client.post("/checkout/", {**data, "address": str(AddressFactory(user=buyer).pk)})
    other = UserFactory()
    client.force_login(other)
    product_in_cart(client, name="Red Mug")

    theirs = client.post("/checkout/", {**data, "address": str(AddressFactory(user=other).pk)})

    assert mine["Location"] != theirs["Location"]
    assert Order.objects.filter(buyer=other).count() == Order.objects.filter(buyer=buyer).count() == 1


def _post_twice_at_once(buyer, data) -> list:
    def submit(_):
        browser = Client()
        browser.force_login(buyer)
        return browser.post("/checkout/", data)

    return race(submit, 2)


@pytest.mark.django_db(transaction=True)
def test_two_checkout_posts_sent_at_once_with_one_token_place_one_order_and_both_go_to_it():
    buyer = UserFactory()
    fill_cart_of(buyer, (VariantFactory(stock=5), 2))
    data = {"address": str(AddressFactory(user=buyer).pk), "shipping_method": "standard", "submit_token": "tok-race"}

    responses = _post_twice_at_once(buyer, data)

    order = Order.objects.get(buyer=buyer)
    assert [response.status_code for response in responses] == [302, 302]
    assert {response["Location"] for response in responses} == {f"/orders/{order.id}/pay/"}


@pytest.mark.django_db(transaction=True)
def test_without_advisory_locks_the_file_lock_keeps_a_double_submit_to_one_order(monkeypatch, settings, tmp_path):
    # SQLite (make run) has no advisory locks: the duplicate waits on a file lock in VAR_DIR/locks instead.
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(idempotency, "connection", SimpleNamespace(vendor="sqlite"))
    buyer = UserFactory()
    fill_cart_of(buyer, (VariantFactory(stock=5), 2))
    data = {"address": str(AddressFactory(user=buyer).pk), "shipping_method": "standard", "submit_token": "tok-file"}

    responses = _post_twice_at_once(buyer, data)

    order = Order.objects.get(buyer=buyer)
    assert {response["Location"] for response in responses} == {f"/orders/{order.id}/pay/"}
    assert list((tmp_path / "locks").iterdir())


# --- Payment page ------------------------------------------------------------------------------------


def test_pay_page_offers_the_test_cards_with_the_order_review(client, buyer):
    product_in_cart(client, name="Blue Mug")
    order = place(client, buyer)

    response = client.get(f"/orders/{order.id}/pay/")

    html = response.content.decode()
    assert response.status_code == 200
    for token in ("tok_visa", "tok_chargeDeclined", "tok_async"):
        assert f'value="{token}"' in html
    assert "Blue Mug" in html
    assert f"Pay ${order.total:.2f}" in html
    found = audit(html)
    assert found.unlabelled == []
    assert found.radios_outside_fieldset == []
    assert found.fieldsets_without_legend == 0


def test_paying_with_tok_visa_shows_the_paid_confirmation(client, buyer):
    product_in_cart(client, name="Blue Mug")
    order = place(client, buyer)

    response = client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"}, follow=True)

    assert response.redirect_chain == [(f"/orders/{order.id}/", 302)]
    html = response.content.decode()
    assert "your order is confirmed" in html
    assert 'class="status status-paid"' in html
    assert "Blue Mug" in html
    order.refresh_from_db()
    assert order.status == "paid"


def test_a_declined_card_shows_a_clear_error_and_a_retry_with_tok_visa_succeeds(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)

    declined = client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_chargeDeclined"})

    html = declined.content.decode()
    assert declined.status_code == 402
    assert "Payment declined" in html
    assert "The payment was declined. Try another card" in html
    assert 'role="alert"' in html
    assert 'name="payment_token"' in html  # the form is there to try again
    order.refresh_from_db()
    assert order.status == "pending_payment"

    retry = client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"})

    assert retry["Location"] == f"/orders/{order.id}/"
    order.refresh_from_db()
    assert order.status == "paid"


def test_an_async_payment_goes_to_the_order_page(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)

    response = client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_async"})

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.id}/"


def test_the_pay_page_of_a_paid_order_goes_to_the_order(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)
    client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"})

    response = client.get(f"/orders/{order.id}/pay/")

    assert response["Location"] == f"/orders/{order.id}/"


def test_an_expired_orders_pay_page_says_so_with_a_link_to_the_cart(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(f"/orders/{order.id}/pay/")

    html = response.content.decode()
    assert "This order has expired." in html
    assert 'href="/cart/"' in html
    assert 'name="payment_token"' not in html


def test_paying_an_order_past_its_hold_is_refused_and_says_it_expired(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"})

    assert response.status_code == 409
    assert "This order has expired." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "expired"


def cart_lines(client) -> list[tuple[str, int]]:
    return [(line["name"], line["quantity"]) for line in client.get("/api/v1/cart").json()["products"]]


@pytest.mark.usefixtures("unlimited_holds")  # the whole stock held
def test_an_order_past_its_hold_puts_its_items_back_in_the_cart(client, buyer):
    product_in_cart(client, name="Blue Mug", stock=2, quantity=2)  # all the stock: the order holds it
    order = place(client, buyer)
    assert cart_lines(client) == []
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(f"/orders/{order.id}/back-to-cart/")

    assert response["Location"] == "/cart/"
    assert messages_of(response) == ["Your items are back in your cart."]
    assert cart_lines(client) == [("Blue Mug", 2)]
    order.refresh_from_db()
    assert order.status == "expired"


def test_pressing_put_back_twice_puts_the_items_back_once(client, buyer):
    product_in_cart(client, name="Blue Mug", stock=5, quantity=2)
    order = place(client, buyer)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    client.post(f"/orders/{order.id}/back-to-cart/")
    client.post(f"/orders/{order.id}/back-to-cart/")

    assert cart_lines(client) == [("Blue Mug", 2)]


def test_items_sold_out_meanwhile_are_named_and_not_put_back(client, buyer):
    product = product_in_cart(client, name="Last Lamp", quantity=1)
    product_in_cart(client, name="Plenty Pot", stock=50, quantity=1)
    order = place(client, buyer)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"})  # refused: it expires now
    inventory_services.set_on_hand(variant_id=product.variants.get().pk, quantity=0)

    response = client.post(f"/orders/{order.id}/back-to-cart/")

    assert "Last Lamp" in messages_of(response)[0]
    assert cart_lines(client) == [("Plenty Pot", 1)]


def test_a_payable_order_does_not_go_back_to_the_cart(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)

    response = client.post(f"/orders/{order.id}/back-to-cart/")

    assert response["Location"] == f"/orders/{order.id}/pay/"
    assert cart_lines(client) == []


def test_a_cancelled_orders_pay_page_offers_no_payment(client, buyer):
    product_in_cart(client)
    order = place(client, buyer)
    Order.objects.filter(pk=order.pk).update(status="cancelled")

    html = client.get(f"/orders/{order.id}/pay/").content.decode()

    assert "can no longer be paid" in html
    assert 'name="payment_token"' not in html


@pytest.mark.parametrize("page", ["/orders/{}/pay/", "/orders/{}/"])
def test_someone_elses_order_is_not_found(client, buyer, page):
    other = UserFactory()
    other_client = client.__class__()
    other_client.force_login(other)
    product_in_cart(other_client)
    order = place(other_client, other)

    response = client.get(page.format(order.id))

    assert response.status_code == 404


def test_paying_someone_elses_order_is_not_found_and_charges_nothing(client, buyer):
    other = UserFactory()
    other_client = client.__class__()
    other_client.force_login(other)
    product_in_cart(other_client)
    order = place(other_client, other)

    response = client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"})

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == "pending_payment"


# --- Order page ----------------------------------------------------------------------------------------


def test_the_order_page_of_an_unpaid_order_shows_the_time_left(client, buyer, settings):
    product_in_cart(client)
    order = place(client, buyer)

    html = client.get(f"/orders/{order.id}/").content.decode()

    assert "Time left to pay:" in html
    seconds = int(html.split('data-seconds-left="')[1].split('"')[0])
    assert settings.ORDER_HOLD_SECONDS - 5 <= seconds <= settings.ORDER_HOLD_SECONDS
    minutes, rest = divmod(seconds, 60)
    assert f"{minutes} min {rest:02d} s" in html
    assert f'href="/orders/{order.id}/pay/"' in html


def test_the_order_page_shows_lines_totals_address_and_status(client, buyer):
    product_in_cart(client, name="Blue Mug", price="12.50", quantity=2)
    address = AddressFactory(user=buyer, line1="1 Home Lane")
    order = place(client, buyer, address=str(address.pk), shipping_method="express")
    client.post(f"/orders/{order.id}/pay/", {"payment_token": "tok_visa"})

    html = client.get(f"/orders/{order.id}/").content.decode()

    for text in ("Blue Mug", "1 Home Lane", "Express", "$25.00", "$14.99", "$39.99", "Paid"):
        assert text in html
    assert "Time left to pay" not in html


# --- Query counts -----------------------------------------------------------------------------------------


def fill_cart(client, lines: int):
    for n in range(lines):
        product = ProductFactory(name=f"Thing {n}", default_variant=False)
        VariantFactory(product=product, stock=5)
        add_to_cart(client, product, 1)


def test_checkout_page_query_count_does_not_grow_with_lines(client, buyer, django_assert_max_num_queries):
    AddressFactory(user=buyer)
    fill_cart(client, 1)
    few = queries_for(client, "/checkout/")
    fill_cart(client, 4)
    with django_assert_max_num_queries(CHECKOUT_QUERIES):
        many = queries_for(client, "/checkout/")
    assert many == few


@pytest.mark.parametrize(("page", "budget"), [("/orders/{}/pay/", PAY_QUERIES), ("/orders/{}/", ORDER_QUERIES)])
def test_pay_and_order_page_query_counts_do_not_grow_with_lines(
    client, buyer, django_assert_max_num_queries, page, budget
):
    fill_cart(client, 1)
    one = place(client, buyer)
    few = queries_for(client, page.format(one.id))
    fill_cart(client, 5)  # checkout emptied the cart
    five = place(client, buyer)
    assert five.lines.count() == 5
    with django_assert_max_num_queries(budget):
        many = queries_for(client, page.format(five.id))
    assert many == few
