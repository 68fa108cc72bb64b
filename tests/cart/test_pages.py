"""Storefront: add to cart from the cached product page with htmx, the header badge, the cart page."""

from decimal import Decimal
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
import pytest

from cart import selectors, services
from cart.models import Cart, CartItem
from catalog import services as catalog_services
from inventory import services as inventory_services
from tests.cart.conftest import make_product, variant_id
from tests.cart.factories import CartItemFactory

pytestmark = pytest.mark.django_db

CART_PAGE_QUERIES = 5  # user, cart id, its lines, their pictures, the header's seller check


def product_url(product) -> str:
    return f"/p/{product.pk}-{product.slug}/"


def htmx_post(client: Client, url: str, data: dict, **headers):
    return client.post(url, data, HTTP_HX_REQUEST="true", **headers)


def badge(html: str) -> str:
    """The header badge's number."""
    match = re.search(r'id="cart-badge"[^>]*>.*?</span>(\d+)<', html, re.S)
    assert match, html
    return match.group(1)


def users_cart_id(user) -> int:
    return Cart.objects.get_or_create(user=user)[0].pk


# --- The product page stays public ---------------------------------------------------------------------


def test_an_anonymous_product_page_sets_no_cookie_and_is_served_from_the_public_cache(client, shoe):
    first = client.get(product_url(shoe))
    second = client.get(product_url(shoe))

    assert first.status_code == 200
    assert not first.cookies
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    html = first.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert f'hx-post="/cart/add/{shoe.pk}/"' in html
    assert "Add to cart" in html


def test_the_product_page_form_offers_each_variant_for_browsers_without_javascript(client, shoe):
    html = client.get(product_url(shoe)).content.decode()

    form = html.split("data-add-to-cart")[1].split("</form>")[0]
    assert '<option value="SHOE-M-RED"' in form
    assert re.search(r'<option value="SHOE-S-BLUE"[^>]*disabled', form)
    assert 'name="quantity"' in form


def test_a_sold_out_product_offers_no_add_button(client, seller):
    product = make_product(seller, "Empty Lamp", quantity=0)

    html = client.get(product_url(product)).content.decode()

    assert re.search(r"<button[^>]*data-add-button[^>]*disabled[^>]*>Sold out", html)


def test_the_token_endpoint_sets_the_csrf_cookie_and_is_never_cached(client):
    response = client.get("/cart/token")

    assert response.status_code == 204
    assert response.cookies["csrftoken"].value
    assert "no-store" in response["Cache-Control"]


# --- Adding with htmx ----------------------------------------------------------------------------------


def test_the_htmx_add_returns_the_message_and_the_badge_out_of_band(shoe):
    browser = Client(enforce_csrf_checks=True)
    browser.get(product_url(shoe))
    browser.get("/cart/token")  # what cart.js does when the csrftoken cookie is missing

    response = htmx_post(
        browser,
        f"/cart/add/{shoe.pk}/",
        {"sku": "SHOE-L-BLUE", "quantity": 2},
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Added to your cart: <strong>Trail Shoe (L / Blue)</strong> &times; 2" in html
    assert re.search(r'<span class="cart-badge" id="cart-badge" hx-swap-oob="true">', html)
    assert badge(html) == "2"
    assert CartItem.objects.get().quantity == 2


def test_the_htmx_add_without_the_csrf_token_is_refused(shoe):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/cart/token")

    response = htmx_post(browser, f"/cart/add/{shoe.pk}/", {"sku": "SHOE-L-BLUE", "quantity": 1})

    assert response.status_code == 403
    assert not CartItem.objects.exists()


def test_the_htmx_add_of_more_than_is_left_answers_409_with_the_reason(client, shoe):
    response = htmx_post(client, f"/cart/add/{shoe.pk}/", {"sku": "SHOE-M-RED", "quantity": 3})

    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Only 2 of this item can be bought now" in html
    assert badge(html) == "0"


def test_the_htmx_add_of_an_unknown_option_answers_400(client, shoe):
    response = htmx_post(client, f"/cart/add/{shoe.pk}/", {"sku": "NOPE", "quantity": 1})

    assert response.status_code == 400
    assert "no such option" in response.content.decode()


def test_a_guest_gets_a_session_only_once_they_add_something(client, shoe):
    assert "sessionid" not in client.get(product_url(shoe)).cookies

    response = htmx_post(client, f"/cart/add/{shoe.pk}/", {"sku": "SHOE-L-BLUE", "quantity": 1})

    assert response.cookies["sessionid"].value
    # With a session the product page is the guest's own: not from the public cache, badge counted.
    page = client.get(product_url(shoe))
    assert not page.has_header("X-Cache")
    assert badge(page.content.decode()) == "1"


# --- Adding without JavaScript ----------------------------------------------------------------------


def test_without_javascript_the_form_asks_on_a_page_with_a_token_then_goes_to_the_cart(shoe):
    browser = Client(enforce_csrf_checks=True)

    confirm = browser.get(f"/cart/add/{shoe.pk}/", {"sku": "SHOE-M-RED", "quantity": 2})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert re.search(r'<option value="SHOE-M-RED" selected', html)

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    added = browser.post(
        f"/cart/add/{shoe.pk}/", {"sku": "SHOE-M-RED", "quantity": 2, "csrfmiddlewaretoken": token}, follow=True
    )

    assert added.redirect_chain[-1][0] == "/cart/"
    assert "Added to your cart: Trail Shoe (M / Red), quantity 2." in added.content.decode()


def test_without_javascript_a_refused_add_shows_the_reason_on_the_same_page(client, shoe):
    response = client.post(f"/cart/add/{shoe.pk}/", {"sku": "SHOE-M-RED", "quantity": 5})

    assert response.status_code == 409
    assert "Only 2 of this item can be bought now" in response.content.decode()


def test_adding_an_archived_product_is_404(client, mug, seller):
    catalog_services.archive_product(product_id=mug.pk, actor=seller.user)

    assert client.get(f"/cart/add/{mug.pk}/").status_code == 404
    assert htmx_post(client, f"/cart/add/{mug.pk}/", {"quantity": 1}).status_code == 404


# --- The header badge --------------------------------------------------------------------------------


def test_the_badge_counts_the_units_in_the_cart_but_not_those_saved_for_later(buyer, buyer_browser, mug, shoe):
    cart_id = users_cart_id(buyer)
    services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=2)
    saved = services.add_to_cart(cart_id=cart_id, product_id=shoe.pk, quantity=1, sku="SHOE-L-BLUE")
    services.set_saved_for_later(cart_id=cart_id, item_id=saved.pk, saved=True)

    html = buyer_browser.get("/").content.decode()

    assert badge(html) == "2"
    assert '<span class="visually-hidden"> items</span>' in html


def test_the_badge_of_a_visitor_without_a_session_costs_no_query_and_starts_no_session(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore

    request = rf.get("/")
    request.user, request.session = AnonymousUser(), SessionStore()

    with CaptureQueriesContext(connection) as queries:
        assert selectors.item_count_for(request=request) == 0

    assert len(queries) == 0
    assert not request.session.modified
    assert not Cart.objects.exists()


# --- The cart page -----------------------------------------------------------------------------------


def test_the_cart_page_shows_lines_subtotal_and_the_way_to_checkout(buyer, buyer_browser, mug, shoe):
    cart_id = users_cart_id(buyer)
    services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=2)
    services.add_to_cart(cart_id=cart_id, product_id=shoe.pk, quantity=1, sku="SHOE-L-BLUE")

    response = buyer_browser.get("/cart/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Blue Mug" in html
    assert "L / Blue" in html
    assert "$79.00" in html  # 2 x 12.00 + 55.00
    assert 'href="/checkout/"' in html
    assert "Proceed to checkout" in html
    assert badge(html) == "3"


def test_the_cart_page_warns_of_price_changes_and_short_stock(buyer, buyer_browser, mug, shoe, seller):
    cart_id = users_cart_id(buyer)
    services.add_to_cart(cart_id=cart_id, product_id=mug.pk, quantity=1)
    services.add_to_cart(cart_id=cart_id, product_id=shoe.pk, quantity=4, sku="SHOE-S-RED")
    catalog_services.update_variant(
        product_id=mug.pk, sku=mug.variants.get().sku, actor=seller.user, price=Decimal("10.00")
    )
    inventory_services.set_on_hand(variant_id=variant_id(shoe, "SHOE-S-RED"), quantity=1)

    html = buyer_browser.get("/cart/").content.decode()

    assert "The price has gone down from $12.00 to $10.00 since you added it." in html
    assert "Only 1 left: lower the quantity to check out." in html


def test_an_empty_cart_page_invites_to_shop_and_offers_no_checkout(client):
    html = client.get("/cart/").content.decode()

    assert "Your cart is empty." in html
    assert "Proceed to checkout" not in html
    assert not Cart.objects.exists()


def test_cart_page_buttons_change_the_line_and_swap_the_cart_with_htmx(buyer, buyer_browser, mug):
    item = services.add_to_cart(cart_id=users_cart_id(buyer), product_id=mug.pk, quantity=1)
    url = f"/cart/items/{item.pk}/"

    updated = htmx_post(buyer_browser, url, {"action": "update", "quantity": 3})
    saved = htmx_post(buyer_browser, url, {"action": "save"})

    assert updated.status_code == 200
    assert 'id="cart"' in updated.content.decode()
    assert badge(updated.content.decode()) == "3"
    assert "Saved for later (1)" in saved.content.decode()
    assert badge(saved.content.decode()) == "0"
    moved = htmx_post(buyer_browser, url, {"action": "move"})
    assert badge(moved.content.decode()) == "3"
    removed = htmx_post(buyer_browser, url, {"action": "remove"})
    assert "Your cart is empty." in removed.content.decode()
    assert not CartItem.objects.exists()


def test_cart_page_buttons_without_javascript_redirect_back_to_the_cart(buyer, buyer_browser, mug):
    item = services.add_to_cart(cart_id=users_cart_id(buyer), product_id=mug.pk, quantity=1)

    response = buyer_browser.post(f"/cart/items/{item.pk}/", {"action": "update", "quantity": 0}, follow=True)

    assert response.redirect_chain[-1][0] == "/cart/"
    assert "Removed from your cart." in response.content.decode()
    assert not CartItem.objects.exists()


def test_raising_a_quantity_above_what_is_left_is_refused_with_the_reason(buyer, buyer_browser, mug):
    item = services.add_to_cart(cart_id=users_cart_id(buyer), product_id=mug.pk, quantity=1)

    response = htmx_post(buyer_browser, f"/cart/items/{item.pk}/", {"action": "update", "quantity": 9})

    assert response.status_code == 409
    assert "Only 5 of this item can be bought now" in response.content.decode()
    item.refresh_from_db()
    assert item.quantity == 1


def test_another_users_line_cannot_be_changed_from_the_cart_page(buyer_browser):
    theirs = CartItemFactory(quantity=2)

    response = htmx_post(buyer_browser, f"/cart/items/{theirs.pk}/", {"action": "remove"})

    assert response.status_code == 404
    assert CartItem.objects.filter(pk=theirs.pk).exists()


def test_the_cart_page_takes_the_same_few_queries_whatever_its_size(
    buyer, buyer_browser, seller, django_assert_max_num_queries
):
    cart_id = users_cart_id(buyer)

    def fill(n):
        for i in range(n):
            product = make_product(seller, f"Filler {cart_id}-{i}-{n}", quantity=9)
            services.add_to_cart(cart_id=cart_id, product_id=product.pk, quantity=1)

    fill(1)
    with CaptureQueriesContext(connection) as few:
        assert buyer_browser.get("/cart/").status_code == 200
    fill(6)
    with django_assert_max_num_queries(CART_PAGE_QUERIES), CaptureQueriesContext(connection) as many:
        assert buyer_browser.get("/cart/").status_code == 200

    assert len(many) == len(few)
