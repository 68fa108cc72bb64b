"""Every seller page and seller API route, tried by another seller, by a buyer and by nobody.

Two sellers each own a product (a variant, a picture), stock, a paid order's shipment, a return and an
import. Seller A opens each of seller B's objects through every route that names one and gets 404 (the
same route on A's own object answers, so the 404 is the isolation, not a broken route); list routes show
A nothing of B's; buyers get 403 and anonymous visitors are sent to sign in (pages) or get 401 (API).
A last test lists the project's routes: a new ``/seller/`` route missing from these tables fails it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
import pytest
from rest_framework.test import APIClient

from catalog import services as catalog_services
from ledger import services as ledger_services
from logistics.models import Shipment
from orders import services as order_services
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductImageFactory
from tests.catalog.import_files import csv_bytes, import_file, row
from tests.orders.conftest import deliver_lines, make_shipments, place_paid
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@dataclass
class Holdings:
    """What one seller owns, named as the routes' placeholders name it."""

    seller: object
    product: int
    sku: str
    variant: int
    image: int
    shipment: str
    return_id: str
    import_id: int
    payout: str
    marker: str  # a word found only in this seller's product name and order

    def ids(self) -> dict:
        return {
            "product": self.product,
            "sku": self.sku,
            "variant": self.variant,
            "image": self.image,
            "shipment": self.shipment,
            "return": self.return_id,
            "import": self.import_id,
            "payout": self.payout,
        }


def _holdings(seller, marker: str) -> dict:
    product = catalog_services.create_product(
        seller=seller, name=f"{marker} Lamp", price=Decimal("30.00"), quantity=10, actor=seller.user
    )
    variant = product.variants.get()
    image = ProductImageFactory(product=product)
    record = import_file(seller, csv_bytes([row(f"{marker}-IMP-1", name=f"{marker} Imported Shirt")]))
    return {"seller": seller, "product": product, "variant": variant, "image": image, "import": record}


@pytest.fixture
def world() -> tuple[Holdings, Holdings]:
    """Sellers A and B with everything a seller owns; one buyer's order holds a line of each."""
    sellers = [SellerFactory(store_name="Alpha Store"), SellerFactory(store_name="Bravo Store")]
    parts = [_holdings(sellers[0], "Alphamark"), _holdings(sellers[1], "Bravomark")]
    buyer = UserFactory()
    order = place_paid(buyer, (parts[0]["variant"], 1), (parts[1]["variant"], 1))
    if not Shipment.objects.filter(order_id=order.pk).exists():
        make_shipments(order)
    lines = {line.seller_id: line for line in order.lines.all()}
    deliver_lines(order, *lines.values())
    for seller in sellers:  # a payout each: money credited by staff, paid by the week's run
        ledger_services.adjust_balance(seller_id=seller.pk, amount=Decimal("10.00"), reason="Opening balance")
    payouts = {payout.seller_id: payout.pk for payout in ledger_services.run_payouts(period="2026-W01")}
    result = []
    for part in parts:
        seller = part["seller"]
        ret = order_services.request_return(
            user=buyer,
            order_id=order.pk,
            product_id=part["product"].pk,
            quantity=1,
            reason="no_longer_needed",
        )
        result.append(
            Holdings(
                seller=seller,
                product=part["product"].pk,
                sku=part["variant"].sku,
                variant=part["variant"].pk,
                image=part["image"].pk,
                shipment=Shipment.objects.get(order_id=order.pk, seller=seller).pk,
                return_id=ret.pk,
                import_id=part["import"].pk,
                payout=payouts[seller.pk],
                marker=part["product"].name.split()[0],
            )
        )
    return result[0], result[1]


# --- The routes --------------------------------------------------------------------------------

# Pages naming one object: (method, path[, a valid form body, where the form is checked before the owner]).
OBJECT_PAGES = [
    ("get", "/seller/products/{product}/"),
    ("post", "/seller/products/{product}/status/"),
    ("post", "/seller/products/{product}/images/"),
    ("get", "/seller/products/import/{import}/"),
    ("post", "/seller/products/import/{import}/confirm"),
    ("get", "/seller/products/import/{import}/progress"),
    ("get", "/seller/stock/{variant}/"),
    ("post", "/seller/stock/{variant}/"),
    ("post", "/seller/returns/{return}/approve/"),
    ("post", "/seller/returns/{return}/reject/", {"reason": "Worn"}),
    ("post", "/seller/shipments/{shipment}/ship/", {"carrier": "ups", "tracking_number": "1Z1"}),
    ("get", "/seller/shipments/{shipment}/packing-slip/"),
    ("get", "/seller/payouts/{payout}/"),
    ("get", "/seller/payouts/{payout}/statement.csv"),
]

# Pages listing the seller's own things (GET): A sees none of B's.
LIST_PAGES = [
    "/seller/",
    "/seller/products/",
    "/seller/products/new/",
    "/seller/products/import/",
    "/seller/products/export.csv",
    "/seller/settings/",
    "/seller/alerts/",
    "/seller/stock/",
    "/seller/returns/",
    "/seller/orders/",
    "/seller/money/",
    "/seller/money/statement.csv",
    "/seller/payouts/",
]

# API routes naming one of the seller's objects: another seller gets 404 (with a valid body, as pages).
OBJECT_API = [
    ("patch", "/api/v1/products/{product}/images/{image}"),
    ("delete", "/api/v1/products/{product}/images/{image}"),
    ("get", "/api/v1/seller/imports/{import}"),
    ("post", "/api/v1/seller/imports/{import}/confirm"),
    ("post", "/api/v1/seller/returns/{return}/approve"),
    ("post", "/api/v1/seller/returns/{return}/reject", {"reason": "Worn"}),
    ("post", "/api/v1/seller/returns/{return}/receive", {"resellable": True}),
    ("post", "/api/v1/seller/shipments/{shipment}/ship", {"carrier": "ups", "tracking_number": "1Z1"}),
    ("get", "/api/v1/seller/payouts/{payout}"),
]

# The catalogue's write routes keep the API contract's answer for another seller's listed product: 403
# ("Only the seller who owns a product may change it", API.md); a draft of theirs is 404.
PRODUCT_API = [
    ("put", "/api/v1/products/{product}"),
    ("delete", "/api/v1/products/{product}"),
    ("patch", "/api/v1/products/{product}/variants/{sku}"),
    ("post", "/api/v1/products/{product}/images"),
]

LIST_API = [
    "/api/v1/seller/products",
    "/api/v1/seller/imports",
    "/api/v1/seller/export",
    "/api/v1/seller/alerts",
    "/api/v1/seller/orders",
    "/api/v1/seller/stats",
    "/api/v1/seller/returns",
    "/api/v1/seller/shipments",
    "/api/v1/seller/profile",
    "/api/v1/seller/balance",
    "/api/v1/seller/ledger",
    "/api/v1/seller/payouts",
]

# Seller routes that name no object and are not lists: the bulk "mark shipped" takes ids in its body.
BODY_API = [("post", "/api/v1/seller/shipments/ship")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Another seller: 404 -----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), [(*entry, {})[:3] for entry in OBJECT_PAGES])
def test_a_seller_gets_404_for_another_sellers_object_on_every_page(world, method, path, body):
    mine, theirs = world
    client = _client(mine.seller.user)
    response = getattr(client, method)(path.format(**theirs.ids()), body)
    assert response.status_code == 404, (path, response.status_code)
    if method == "get":
        assert getattr(client, method)(path.format(**mine.ids())).status_code == 200


@pytest.mark.schema_unchecked("empty bodies: the owner check comes before the body is read")
@pytest.mark.parametrize(("method", "path", "body"), [(*entry, {})[:3] for entry in OBJECT_API])
def test_a_seller_gets_404_for_another_sellers_object_on_every_api_route(world, method, path, body):
    mine, theirs = world
    response = getattr(_api(mine.seller.user), method)(path.format(**theirs.ids()), body, format="json")
    assert response.status_code == 404, (path, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.schema_unchecked("empty bodies: the owner check comes before the body is read")
@pytest.mark.parametrize(("method", "path"), PRODUCT_API)
def test_the_catalogue_api_refuses_another_sellers_product_as_the_contract_says(world, method, path):
    mine, theirs = world
    response = getattr(_api(mine.seller.user), method)(path.format(**theirs.ids()), {}, format="json")
    assert response.status_code == 403, (path, response.status_code, response.content[:300])


def test_bulk_ship_with_another_sellers_shipment_is_404_and_ships_nothing(world):
    mine, theirs = world
    body = {
        "shipments": [
            {"id": mine.shipment, "carrier": "ups", "tracking_number": "1ZOWN"},
            {"id": theirs.shipment, "carrier": "ups", "tracking_number": "1ZTHEIRS"},
        ]
    }
    response = _api(mine.seller.user).post("/api/v1/seller/shipments/ship", body, format="json")
    assert response.status_code == 404
    assert not Shipment.objects.filter(pk__in=[mine.shipment, theirs.shipment], tracking_number__gt="").exists()


@pytest.mark.parametrize("path", LIST_PAGES)
def test_list_pages_show_a_seller_nothing_of_another_seller(world, path):
    mine, theirs = world
    response = _client(mine.seller.user).get(path)
    assert response.status_code == 200, (path, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert theirs.marker.encode() not in body
    assert str(theirs.shipment).encode() not in body


@pytest.mark.parametrize("path", LIST_API)
def test_list_api_shows_a_seller_nothing_of_another_seller(world, path):
    mine, theirs = world
    response = _api(mine.seller.user).get(path)
    assert response.status_code == 200, (path, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert theirs.marker.encode() not in body
    assert str(theirs.shipment).encode() not in body
    assert str(theirs.return_id).encode() not in body


# --- Buyers and visitors -----------------------------------------------------------------------


def _every_seller_page(holdings: Holdings) -> list[tuple[str, str]]:
    return [(method, path.format(**holdings.ids())) for method, path, *_ in OBJECT_PAGES] + [
        ("get", path) for path in LIST_PAGES
    ]


def _every_seller_api(holdings: Holdings) -> list[tuple[str, str]]:
    return [(method, path.format(**holdings.ids())) for method, path, *_ in OBJECT_API + BODY_API] + [
        ("get", path) for path in LIST_API
    ]


def test_buyers_get_403_on_every_seller_page(world):
    client = _client(UserFactory())
    for method, path in _every_seller_page(world[1]):
        assert getattr(client, method)(path).status_code == 403, (method, path)


@pytest.mark.schema_unchecked("empty bodies: who asks is checked before the body is read")
def test_buyers_get_403_on_every_seller_api_route(world):
    client = _api(UserFactory())
    for method, path in _every_seller_api(world[1]):
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 403, (method, path, response.status_code)


def test_visitors_are_sent_to_sign_in_from_every_seller_page(world):
    client = Client()
    for method, path in _every_seller_page(world[1]):
        response = getattr(client, method)(path)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.schema_unchecked("empty bodies: who asks is checked before the body is read")
def test_visitors_get_401_on_every_seller_api_route(world):
    client = APIClient()
    for method, path in _every_seller_api(world[1]):
        assert getattr(client, method)(path, {}, format="json").status_code == 401, (method, path)


def test_every_seller_form_refuses_a_post_without_the_csrf_token(world):
    mine = world[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(mine.seller.user)
    for method, path in _every_seller_page(mine):
        if method == "post":
            assert client.post(path).status_code == 403, path
    for path in ("/seller/products/new/", "/seller/products/import/", "/seller/settings/"):
        assert client.post(path).status_code == 403, path


# --- The tables cover every seller route ---------------------------------------------------------


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _as_template(route: str) -> str:
    """``seller/stock/<int:variant_id>/`` -> ``/seller/stock/{}/``: placeholders compared by position."""
    return "/" + re.sub(r"<[^>]+>", "{}", route)


def test_the_tables_name_every_seller_route():
    seller_routes = {
        _as_template(route)
        for route in _routes(get_resolver().url_patterns)
        if route.startswith(("seller/", "api/v1/seller/")) or route == "seller/"
    }
    tables = {re.sub(r"\{[a-z_]+\}", "{}", entry[1]) for entry in OBJECT_PAGES + OBJECT_API + BODY_API}
    tables |= set(LIST_PAGES) | set(LIST_API)
    # Routes written with a format placeholder (export.<format>) are listed once with a real value.
    tables |= {"/seller/products/export.{}"} if "/seller/products/export.csv" in tables else set()
    tables |= {"/seller/returns/{}/{}/"}
    assert seller_routes - tables == set()
