"""Who may open what: every storefront page and API route, as six people.

The people are a visitor (anonymous), the buyer who owns the orders, addresses, notifications and
cart of the fixture world (tests/fuzz/world.py), another buyer, the seller who owns its products,
stock, imports, shipments and returns, another seller, and a staff member (staff is no superuser of
other people's things: the store gives it no extra rights). Each route has a row with the answer
each of them gets; the last test walks the URL configuration, so a new route without a row fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
import pytest
from rest_framework.test import APIClient

from tests.fuzz.world import World, kept_world

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

ROLES = ("anonymous", "buyer", "other_buyer", "seller", "other_seller", "staff")
# Owners go last: a refused request changes nothing, so the owner still finds everything in place.
ORDER = ("anonymous", "other_buyer", "other_seller", "staff", "seller", "buyer")

# Routes that are not the store's own pages or API.
UNLISTED = re.compile(r"^/(admin/|media/|\^media/|api/schema/|api/docs/|api/redoc/)")


def answers(anonymous, buyer, other_buyer, seller, other_seller, staff) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, buyer, other_buyer, seller, other_seller, staff), strict=True))


def everyone(status: int = 200) -> dict[str, int]:
    """Public: the same answer for all."""
    return answers(*[status] * 6)


def signed_in(ok: int = 200, *, anonymous: int = 302) -> dict[str, int]:
    """Anyone signed in, about their own account (each person has one)."""
    return answers(anonymous, ok, ok, ok, ok, ok)


def buyers_own(ok: int = 200, *, anonymous: int = 302) -> dict[str, int]:
    """An object of the buyer's: everyone else gets 404, as if it did not exist."""
    return answers(anonymous, ok, 404, 404, 404, 404)


def visitors(ok: int = 200, *, signed_in: int = 302) -> dict[str, int]:
    """Pages for people not signed in (sign up, sign in): the signed-in are sent on."""
    return answers(ok, *[signed_in] * 5)


def sellers(ok: int = 200, *, anonymous: int = 302) -> dict[str, int]:
    """A seller's own list or form: people without a store get 403."""
    return answers(anonymous, 403, 403, ok, ok, 403)


def sellers_own(ok: int = 200, *, anonymous: int = 302) -> dict[str, int]:
    """An object of the seller's: another seller gets 404, people without a store 403."""
    return answers(anonymous, 403, 403, ok, 404, 403)


API = {"anonymous": 401}


def api(expected: dict[str, int]) -> dict[str, int]:
    """The same rule on the API, where a visitor gets 401 instead of the sign-in page."""
    return expected | API


def catalogue_owner(ok: int = 200) -> dict[str, int]:
    """The catalogue's write routes answer 403 to anyone but the owner of a listed product (API.md)."""
    return answers(401, 403, 403, ok, 403, 403)


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # the route, placeholders named as the URL configuration names them
    expected: dict[str, int]
    body: dict | None = None
    fill: tuple[tuple[str, str], ...] = ()  # (placeholder, key of _placeholders) where a name is ambiguous


PAGES = [
    Row("get", "/", everyone()),
    Row("get", "/c/{slug}/", everyone(), fill=(("slug", "category_slug"),)),
    Row("get", "/search", everyone()),
    Row("get", "/s/{slug}/", everyone(), fill=(("slug", "store_slug"),)),
    Row("get", "/p/{product_id}-{slug}/", everyone()),
    Row("get", "/p/{product_id}/", everyone(301)),
    Row("post", "/p/{product_id}/reviews", everyone(302)),
    Row("get", "/cart/", everyone()),
    Row("get", "/cart/add/{product_id}/", everyone()),
    Row("post", "/cart/add/{product_id}/", everyone(400)),
    Row("post", "/cart/items/{item_id}/", everyone(302)),  # each changes their own cart: not theirs, no change
    Row("get", "/cart/token", everyone(204)),
    Row("get", "/recommendations/products/{product_id}/panels", everyone()),
    Row("get", "/recommendations/cart/complements", everyone()),
    Row("get", "/checkout/", answers(302, 200, 200, 302, 302, 302)),  # an empty cart is sent back to the cart
    Row("get", "/orders/", signed_in()),
    Row("get", "/orders/{order_id}/", buyers_own()),
    Row("get", "/orders/{order_id}/pay/", buyers_own()),
    Row("post", "/orders/{order_id}/back-to-cart/", buyers_own(302)),
    Row("get", "/orders/{order_id}/items/{line_id}/cancel/", buyers_own(302)),  # delivered: not cancellable
    Row("get", "/orders/{order_id}/items/{line_id}/return/", buyers_own(302)),  # already asked back
    Row("get", "/returns/", signed_in()),
    Row("get", "/notifications/", signed_in()),
    Row("get", "/notifications/badge", signed_in(anonymous=200)),
    Row("post", "/notifications/read-all/", signed_in(302)),
    Row("post", "/notifications/{notification_id}/read/", buyers_own(302)),
    Row("get", "/accounts/signup/", visitors()),
    Row("get", "/accounts/login/", visitors()),
    Row("get", "/accounts/login/code/", everyone(302)),  # no sign-in waiting for a code: back to sign in
    Row("post", "/accounts/sign-out-everywhere/", signed_in(302)),
    Row("post", "/accounts/history/clear/", signed_in(302)),
    Row("get", "/accounts/password/reset/", everyone()),
    Row("get", "/accounts/password/reset/sent/", everyone()),
    Row("get", "/accounts/password/reset/done/", everyone()),
    Row("get", "/accounts/password/reset/{uidb64}/{token}/", everyone()),
    Row("get", "/accounts/password/change/", signed_in()),
    Row("post", "/accounts/email/verify/resend/", signed_in(302)),
    Row("get", "/accounts/email/verify/{token}/", everyone(400)),
    Row("get", "/accounts/email/change/", signed_in()),
    Row("get", "/accounts/email/change/{token}/", everyone(400)),
    Row("get", "/accounts/two-factor/", answers(302, 403, 403, 200, 200, 200)),  # for sellers and staff
    Row("post", "/accounts/logout/", everyone(302)),
    Row("get", "/accounts/", signed_in()),
    Row("get", "/accounts/addresses/new/", signed_in()),
    Row("get", "/accounts/addresses/{address_id}/edit/", buyers_own()),
    Row("post", "/accounts/addresses/{address_id}/delete/", buyers_own(302)),
    Row("get", "/sell/", signed_in()),
    Row("get", "/seller/", sellers()),
    Row("get", "/seller/settings/", sellers()),
    Row("get", "/seller/alerts/", sellers()),
    Row("get", "/seller/stock/", sellers()),
    Row("get", "/seller/stock/{variant_id}/", sellers_own()),
    Row("get", "/seller/products/", sellers()),
    Row("get", "/seller/products/new/", sellers()),
    Row("get", "/seller/products/{product_id}/", sellers_own()),
    Row("post", "/seller/products/{product_id}/status/", sellers_own(302)),
    Row("post", "/seller/products/{product_id}/images/", sellers_own(400)),  # no file: the owner gets the form
    Row("get", "/seller/products/import/", sellers()),
    Row("get", "/seller/products/import/{import_id}/", sellers_own()),
    Row("post", "/seller/products/import/{import_id}/confirm", sellers_own(302)),
    Row("get", "/seller/products/import/{import_id}/progress", sellers_own()),
    Row("get", "/seller/products/export.{file_format}", sellers()),
    Row("get", "/seller/returns/", sellers()),
    Row("post", "/seller/returns/{return_id}/{action}/", sellers_own(302)),
    Row("get", "/seller/orders/", sellers()),
    Row("post", "/seller/shipments/{shipment_id}/ship/", sellers_own(302), {"carrier": "ups", "tracking_number": "1Z"}),
    Row("get", "/seller/shipments/{shipment_id}/packing-slip/", sellers_own()),
    Row("get", "/seller/money/", sellers()),
    Row("get", "/seller/money/statement.csv", sellers()),
    Row("get", "/seller/payouts/", sellers()),
    Row("get", "/seller/payouts/{payout_id}/", sellers_own()),
    Row("get", "/seller/payouts/{payout_id}/statement.csv", sellers_own()),
    Row("get", "/healthz", everyone()),
    Row("get", "/readyz", everyone()),
    Row("get", "/metrics", everyone()),
]

APIS = [
    Row("post", "/api/v1/auth/register", everyone(400)),
    Row("post", "/api/v1/auth/token", everyone(400)),
    Row("post", "/api/v1/auth/token/refresh", everyone(400)),
    Row("post", "/api/v1/auth/logout", everyone(400)),
    Row("post", "/api/v1/auth/logout/all", api(signed_in(204))),
    Row("post", "/api/v1/auth/password/reset", everyone(400)),
    Row("post", "/api/v1/auth/password/reset/confirm", everyone(400)),
    Row("patch", "/api/v1/me", api(signed_in())),
    Row("post", "/api/v1/me/addresses", api(signed_in(400))),
    Row("put", "/api/v1/me/addresses/{address_id}", api(buyers_own(400))),
    Row("get", "/api/v1/me", api(signed_in())),
    Row("get", "/api/v1/me/addresses", api(signed_in())),
    Row("get", "/api/v1/me/addresses/{address_id}", api(buyers_own())),
    Row("patch", "/api/v1/me/addresses/{address_id}", api(buyers_own()), {"city": "Shelbyville"}),
    Row("delete", "/api/v1/me/addresses/{address_id}", api(buyers_own(204))),
    Row("post", "/api/v1/sellers", answers(401, 400, 400, 409, 409, 400)),  # a store already: 409
    Row("get", "/api/v1/seller/profile", api(sellers())),
    Row("patch", "/api/v1/seller/profile", api(sellers())),
    Row("get", "/api/v1/products", everyone()),
    Row("post", "/api/v1/products", api(sellers(400))),
    Row("get", "/api/v1/products/{product_id}", everyone()),
    Row("put", "/api/v1/products/{product_id}", catalogue_owner()),
    Row("delete", "/api/v1/products/{product_id}", catalogue_owner(204)),
    Row("patch", "/api/v1/products/{product_id}/variants/{sku}", catalogue_owner()),
    Row("post", "/api/v1/products/{product_id}/images", catalogue_owner(415)),  # takes multipart, not JSON
    Row("patch", "/api/v1/products/{product_id}/images/{image_id}", api(sellers_own()), {"alt_text": "A lamp"}),
    Row("delete", "/api/v1/products/{product_id}/images/{image_id}", api(sellers_own(204))),
    Row("get", "/api/v1/products/{product_id}/reviews", everyone()),
    Row("post", "/api/v1/products/{product_id}/reviews", api(signed_in(400))),
    Row("get", "/api/v1/products/{product_id}/also-bought", everyone()),
    Row("get", "/api/v1/recommendations", everyone()),
    Row("post", "/api/v1/recommendations/history/clear", everyone(204)),
    Row("get", "/api/v1/seller/products", api(sellers())),
    Row("get", "/api/v1/categories", everyone()),
    Row("get", "/api/v1/search/suggest", everyone()),
    Row("get", "/api/v1/seller/imports", api(sellers())),
    Row("post", "/api/v1/seller/imports", api(sellers(415))),
    Row("get", "/api/v1/seller/imports/{import_id}", api(sellers_own())),
    Row("post", "/api/v1/seller/imports/{import_id}/confirm", api(sellers_own(202))),
    Row("get", "/api/v1/seller/export", api(sellers())),
    Row("get", "/api/v1/seller/alerts", api(sellers())),
    Row("get", "/api/v1/cart", everyone()),
    Row("post", "/api/v1/cart/{product_id}", everyone(400)),
    Row("patch", "/api/v1/cart/items/{item_id}", buyers_own(anonymous=404), {"quantity": 2}),
    Row("delete", "/api/v1/cart/items/{item_id}", buyers_own(anonymous=404)),
    Row("post", "/api/v1/checkout", api(signed_in(400))),
    Row("get", "/api/v1/orders", api(signed_in())),
    Row("get", "/api/v1/orders/{order_id}", api(buyers_own())),
    Row("post", "/api/v1/orders/{order_id}/pay", api(buyers_own(409)), {"payment_token": "tok_visa"}),
    Row("get", "/api/v1/track/{order_id}", api(buyers_own())),
    Row("post", "/api/v1/cancel", api(signed_in(400))),
    Row("get", "/api/v1/returns", api(signed_in())),
    Row("post", "/api/v1/returns", api(signed_in(400))),
    Row("get", "/api/v1/seller/orders", api(sellers())),
    Row("get", "/api/v1/seller/stats", api(sellers())),
    Row("get", "/api/v1/seller/returns", api(sellers())),
    Row("post", "/api/v1/seller/returns/{return_id}/approve", api(sellers_own())),
    Row("post", "/api/v1/seller/returns/{return_id}/reject", api(sellers_own()), {"reason": "Worn"}),
    Row("post", "/api/v1/seller/returns/{return_id}/receive", api(sellers_own(409)), {"resellable": True}),
    Row("post", "/api/v1/payments/webhooks/{gateway}", everyone(400)),
    Row("get", "/api/v1/seller/shipments", api(sellers())),
    Row("post", "/api/v1/seller/shipments/ship", api(sellers(400))),
    Row(
        "post",
        "/api/v1/seller/shipments/{shipment_id}/ship",
        api(sellers_own()),
        {"carrier": "ups", "tracking_number": "1Z1"},
    ),
    Row("post", "/api/v1/logistics/webhooks/{carrier}", everyone(400)),
    Row("get", "/api/v1/seller/balance", api(sellers())),
    Row("get", "/api/v1/seller/ledger", api(sellers())),
    Row("get", "/api/v1/seller/payouts", api(sellers())),
    Row("get", "/api/v1/seller/payouts/{payout_id}", api(sellers_own())),
    Row("get", "/api/v1/notifications", api(signed_in())),
    Row("post", "/api/v1/notifications/{notification_id}/read", api(buyers_own())),
]

ROWS = PAGES + APIS


def _placeholders(world: World) -> dict[str, object]:
    """The owners' objects (the buyer's and the seller's), by placeholder name."""
    shop, buyer = world.seller, world.buyer
    return {
        "slug": shop.slug,
        "category_slug": world.category_slug,
        "store_slug": shop.seller.slug,
        "uidb64": "MQ",
        "token": "not-a-token",
        "product_id": shop.product_id,
        "sku": shop.sku,
        "variant_id": shop.variant_id,
        "image_id": shop.image_id,
        "import_id": shop.import_id,
        "shipment_id": shop.shipment_id,
        "return_id": shop.return_id,
        "action": "approve",
        "file_format": "csv",
        "order_id": buyer.order_id,
        "line_id": buyer.line_id,
        "address_id": buyer.address_id,
        "notification_id": buyer.notification_id,
        "item_id": buyer.item_id,
        "gateway": "test",
        "carrier": "simulated",
        "payout_id": shop.payout_id,
    }


def _user(world: World, role: str):
    return {
        "anonymous": None,
        "buyer": world.buyer.user,
        "other_buyer": world.other_buyer.user,
        "seller": world.seller.seller.user,
        "other_seller": world.other_seller.seller.user,
        "staff": world.staff,
    }[role]


def _send(row: Row, path: str, user) -> int:
    if path.startswith("/api/"):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return getattr(client, row.method)(path, row.body or {}, format="json").status_code
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, row.method)(path, row.body or {}).status_code


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with kept_world(django_db_blocker) as built:
        yield built


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.path}")
def test_each_person_gets_the_answer_the_table_gives(world, row):
    values = _placeholders(world)
    path = row.path.format(**values | {name: values[key] for name, key in row.fill})
    got = {role: _send(row, path, _user(world, role)) for role in ORDER}
    assert {role: got[role] for role in ROLES} == row.expected, f"{row.method.upper()} {path} answered {got}"


def _routes(patterns, prefix: str = "") -> Iterator[tuple[str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + str(pattern.pattern), pattern.callback


def _methods(callback) -> set[str]:
    """The methods a class-based API view handles; a function view's are not known (its route must be listed)."""
    view = getattr(callback, "cls", None)
    if view is None:
        return set()
    return {method for method in view.http_method_names if hasattr(view, method)} - {"options", "head"}


def _as_template(route: str) -> str:
    """``/seller/stock/<int:variant_id>/`` -> ``/seller/stock/{variant_id}/``."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_route_and_every_api_method_has_a_row():
    listed = {(row.method, row.path) for row in ROWS}
    missing = set()
    for route, callback in _routes(get_resolver().url_patterns):
        if UNLISTED.match(route):
            continue
        template = _as_template(route)
        missing |= {(method, template) for method in _methods(callback) if (method, template) not in listed}
        if not any(path == template for _, path in listed):
            missing.add(("any", template))
    assert missing == set()
