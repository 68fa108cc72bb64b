"""The Content Security Policy (django-csp): every page answers it, scripts and styles only from our own
origin, and no page carries code the policy would refuse: no inline script, no on*= handler, no style=""."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from catalog import services as catalog_services
from catalog.services.reviews import write_review
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, verified_buyer
from tests.orders.conftest import fill_cart, place_paid
from tests.orders.test_pages_orders import make_shipments
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


class InlineCode(HTMLParser):
    """What a page holds that a policy without 'unsafe-inline' refuses."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if name == "style":
                self.found.append(f"<{tag} style=>")
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self._script = ""
        if tag == "style":
            self.found.append("<style>")

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if self._script.strip():
                self.found.append(f"<script>{self._script.strip()[:60]}")
            self._script = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.fixture
def store():
    """A seller with a sized, coloured, reviewed product in a category, and a buyer who ordered it."""
    seller = SellerFactory(store_name="Boot Barn")
    category = CategoryFactory(name="Boots")
    boot = catalog_services.create_product(
        seller=seller,
        name="Canyon Hiking Boot",
        category_id=category.pk,
        variants=[
            {"sku": "CAN-8-BRN", "options": {"size": "8", "color": "Brown"}, "price": Decimal("140.00"), "quantity": 9},
            {"sku": "CAN-9-BLK", "options": {"size": "9", "color": "Black"}, "price": Decimal("145.00"), "quantity": 9},
        ],
    )
    write_review(product_id=boot.pk, user=verified_buyer(boot), rating=4, title="Comfortable")
    buyer = UserFactory()
    order = place_paid(buyer, (boot.variants.get(sku="CAN-8-BRN"), 1))
    fill_cart(buyer, (boot.variants.get(sku="CAN-9-BLK"), 1))
    return {"seller": seller, "category": category, "boot": boot, "buyer": buyer, "order": order}


def storefront_pages(store) -> list[tuple[object, str]]:
    """(who, path) of every kind of page: a guest's, a buyer's and a seller's."""
    boot, order = store["boot"], store["order"]
    [shipment] = make_shipments(order)
    guest, buyer, seller = None, store["buyer"], store["seller"].user
    return [
        (guest, "/"),
        (guest, f"/c/{store['category'].slug}/"),
        (guest, "/search?q=boot"),
        (guest, f"/p/{boot.pk}-{boot.slug}/"),
        (guest, f"/s/{store['seller'].slug}/"),
        (guest, "/accounts/login/"),
        (guest, "/accounts/signup/"),
        (guest, "/cart/"),
        (buyer, "/cart/"),
        (buyer, "/checkout/"),
        (buyer, f"/orders/{order.id}/"),
        (buyer, "/orders/"),
        (buyer, "/returns/"),
        (buyer, "/accounts/"),
        (buyer, "/notifications/"),
        (seller, "/seller/"),
        (seller, "/seller/products/"),
        (seller, f"/seller/products/{boot.pk}/"),
        (seller, "/seller/products/new/"),
        (seller, "/seller/orders/"),
        (seller, f"/seller/shipments/{shipment.id}/packing-slip/"),
        (seller, "/seller/returns/"),
        (seller, "/seller/stock/"),
        (seller, "/seller/alerts/"),
        (seller, "/seller/settings/"),
        (seller, "/api/docs/"),
    ]


def test_every_page_has_the_policy_and_no_inline_code(client, store):
    checked = 0
    for user, path in storefront_pages(store):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert inline_code(response.content.decode()) == [], path
        checked += 1
    assert checked == len(storefront_pages(store))


def test_the_policy_is_the_issue_s(client):
    policy = directives(client.get("/accounts/login/"))
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }


def test_error_pages_and_cached_public_pages_carry_it_too(client, store):
    assert "script-src 'self'" in client.get("/p/999999-nothing/")["Content-Security-Policy"]
    client.get("/")  # stored by the public cache
    assert "script-src 'self'" in client.get("/")["Content-Security-Policy"]


def test_the_inline_code_finder_finds_what_the_policy_refuses():
    page = (
        '<script src="/static/a.js"></script><script type="application/json" id="x">{"a": 1}</script>'
        '<script>alert(1)</script><button onclick="go()">Go</button><span style="color: red"></span>'
    )
    assert inline_code(page) == ["<script>alert(1)", "<button onclick=>", "<span style=>"]


def test_the_swagger_page_starts_from_a_script_file(client):
    html = client.get("/api/docs/").content.decode()
    assert inline_code(html) == []
    assert "?script=" in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_redoc_has_no_inline_script_nor_web_fonts_and_only_relaxes_styles(client):
    response = client.get("/api/redoc/")
    html = response.content.decode()
    assert "fonts.googleapis.com" not in html
    assert "fonts.gstatic.com" not in html
    assert inline_code(html) == []
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert '"fontFamily"' in html  # the theme's system fonts, in the settings block
