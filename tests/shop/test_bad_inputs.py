"""Bad input gets a clean 4xx, never a 500 (issue 12): bodies too large or too deep, NUL characters and unpaired
surrogates in paths, queries and JSON, and OPTIONS on every view. Each case below was once a 500."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image
import pytest

from accounts.models import User
from catalog.models import Product, ProductImage
from payments.gateways.test import build_event, signed_request
from payments.models import WebhookReceipt
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.conftest import ADDRESS, client_for, fill_cart
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


def assert_page(response, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


def post_json(client, url: str, raw: str | bytes, method: str = "post"):
    """Send ``raw`` as it is: escapes such as ``\\u0000`` reach the parser untouched."""
    return getattr(client, method)(url, data=raw, content_type="application/json")


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def seller_api(seller):
    return client_for(seller.user)


# --- JSON nesting and size ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/auth/register", "/api/v1/auth/token", "/api/v1/auth/token/refresh"])
def test_json_nested_5000_deep_is_a_400_even_before_sign_in(api_client, url):
    body = assert_problem(post_json(api_client, url, "[" * 5000 + "]" * 5000), 400, "parse_error")
    assert "nested" in body["detail"]


def test_json_just_deeper_than_the_limit_is_refused_and_creates_nothing(api_client, settings):
    nested = {"email": "deep@example.com", "password": "long-enough-pw", "name": {}}
    inner = nested["name"]
    for _ in range(settings.API_JSON_MAX_DEPTH):
        inner["x"] = {}
        inner = inner["x"]
    assert_problem(post_json(api_client, "/api/v1/auth/register", json.dumps(nested)), 400, "parse_error")
    assert not User.objects.filter(email="deep@example.com").exists()


def test_json_larger_than_its_limit_is_a_400(api_client, settings):
    raw = json.dumps({"email": "a@example.com", "password": "x", "name": "n" * (settings.API_JSON_MAX_BYTES + 1)})
    body = assert_problem(post_json(api_client, "/api/v1/auth/register", raw), 400, "parse_error")
    assert "limited" in body["detail"]


# --- Body size: 413 ----------------------------------------------------------------------------


def test_a_3_mb_json_body_is_a_413_problem(api_client):
    raw = json.dumps({"email": "a@example.com", "password": "x", "name": "n" * (3 * MB)})
    assert_problem(post_json(api_client, "/api/v1/auth/register", raw), 413, "request_too_large")


def test_a_3_mb_form_is_a_413_page():
    response = Client().post("/accounts/login/", {"username": "a@example.com", "password": "p" * (3 * MB)})
    assert_page(response, 413)


def test_a_webhook_body_over_the_limit_is_a_413(api_client):
    body, headers = signed_request({"id": "evt_big", "padding": "x" * (3 * MB)})
    response = api_client.post(
        "/api/v1/payments/webhooks/test",
        data=body,
        content_type="application/json",
        HTTP_BAZAAR_SIGNATURE=headers["Bazaar-Signature"],
    )
    assert_problem(response, 413, "request_too_large")


def png(size: tuple[int, int] = (30, 20), *, noisy: bool = False) -> SimpleUploadedFile:
    image = Image.effect_noise(size, 100).convert("RGB") if noisy else Image.new("RGB", size, "red")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_picture_larger_than_the_form_limit_still_uploads(seller, seller_api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory(seller=seller)
    picture = png((1200, 1200), noisy=True)
    assert picture.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = seller_api.post(f"/api/v1/products/{product.pk}/images", {"image": picture}, format="multipart")
    assert response.status_code == 201, response.content[:300]


def test_a_multipart_upload_over_max_request_bytes_is_a_413(seller, seller_api, settings):
    settings.MAX_REQUEST_BYTES = MB
    product = ProductFactory(seller=seller)
    big = SimpleUploadedFile("photo.png", b"x" * (2 * MB), content_type="image/png")
    response = seller_api.post(f"/api/v1/products/{product.pk}/images", {"image": big}, format="multipart")
    assert_problem(response, 413, "request_too_large")
    assert not ProductImage.objects.exists()


def test_multipart_text_fields_over_the_form_limit_are_a_413(seller, seller_api):
    product = ProductFactory(seller=seller)
    response = seller_api.post(
        f"/api/v1/products/{product.pk}/images", {"image": png(), "alt": "a" * (3 * MB)}, format="multipart"
    )
    assert_problem(response, 413, "request_too_large")
    assert not ProductImage.objects.exists()


# --- NUL and surrogates in the path: not found ---------------------------------------------------

API_PATHS_WITH_NUL = [
    ("get", "/api/v1/orders/ord%00x"),
    ("get", "/api/v1/track/ord%00x"),
    ("post", "/api/v1/orders/ord%00x/pay"),
    ("patch", "/api/v1/products/1/variants/SKU%00"),
    ("post", "/api/v1/seller/shipments/shp%00x/ship"),
    ("post", "/api/v1/seller/returns/ret%00x/approve"),
]


@pytest.mark.parametrize(("method", "url"), API_PATHS_WITH_NUL)
def test_a_nul_in_an_api_path_is_a_404_problem(seller, method, url):
    client = client_for(seller.user)
    assert_problem(getattr(client, method)(url, {}, format="json"), 404, "not_found")


STOREFRONT_PATHS_WITH_NUL = [
    "/orders/ord%00x/",
    "/orders/ord%00x/pay/",
    "/orders/ord%00x/back-to-cart/",
    "/orders/ord%00x/items/1/cancel/",
    "/orders/ord%00x/items/1/return/",
    "/seller/shipments/shp%00x/packing-slip/",
    "/seller/returns/ret%00x/approve/",
]


@pytest.mark.parametrize("url", STOREFRONT_PATHS_WITH_NUL)
def test_a_nul_in_a_storefront_path_is_the_404_page(seller, url):
    client = Client()
    client.force_login(seller.user)
    assert_page(client.get(url), 404)


def test_a_lone_surrogate_in_a_path_is_not_found(api_client):
    api_client.force_authenticate(UserFactory())
    assert_problem(api_client.get("/api/v1/orders/%ED%A0%80"), 404, "not_found")


def test_an_order_id_with_a_nul_is_not_found_by_its_owner(api_client):
    buyer = UserFactory()
    fill_cart(buyer, (VariantFactory(stock=5), 1))
    api_client.force_authenticate(buyer)
    response = api_client.post("/api/v1/checkout", {"shipping_method": "standard", "shipping_address": ADDRESS})
    order_id = response.json()["order"]["id"]
    assert_problem(api_client.get(f"/api/v1/orders/{order_id}%00"), 404, "not_found")
    assert api_client.get(f"/api/v1/orders/{order_id}").status_code == 200


# --- NUL in a query: a 400 naming the parameter ---------------------------------------------------


def test_a_nul_in_a_storefront_query_is_the_400_page():
    assert_page(Client().get("/search?brand=%00"), 400)


def test_a_nul_in_an_api_query_value_is_a_400_naming_the_parameter(api_client):
    body = assert_problem(api_client.get("/api/v1/products?brand=%00"), 400, "validation_error")
    assert set(body["errors"]) == {"brand"}


def test_a_nul_in_an_api_query_name_is_a_400_with_the_name_escaped(api_client):
    body = assert_problem(api_client.get("/api/v1/products?br%00and=x"), 400, "validation_error")
    assert set(body["errors"]) == {"br\\u0000and"}


def test_a_query_without_nul_is_answered_as_before(api_client):
    assert api_client.get("/api/v1/products?brand=Acme").status_code == 200


# --- NUL and surrogates in JSON: a 400 naming the field, nothing stored --------------------------


def product_json(**raw_fields: str) -> str:
    """A product's JSON with some fields given as raw JSON text."""
    fields = {"name": '"Lamp"', "price": '"10.00"', "quantity": "1", **raw_fields}
    return "{" + ", ".join(f'"{name}": {value}' for name, value in fields.items()) + "}"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"material": "cot\\u0000ton"}', "attributes.material"),
        ('{"mat\\u0000erial": "cotton"}', "attributes.mat\\u0000erial"),
        ('{"material": "\\ud800"}', "attributes.material"),
        ('{"material": ["ok", "\\udfff"]}', "attributes.material.1"),
    ],
)
def test_unstorable_text_in_attributes_is_a_400_and_creates_no_product(seller_api, raw, field):
    response = post_json(seller_api, "/api/v1/products", product_json(attributes=raw))
    body = assert_problem(response, 400, "validation_error")
    assert set(body["errors"]) == {field}
    assert not Product.objects.exists()


def test_a_lone_surrogate_in_an_option_name_is_a_400_and_creates_no_product(seller_api):
    variants = '[{"sku": "L-1", "options": {"\\ud83d": "M"}, "quantity": 1}]'
    response = post_json(seller_api, "/api/v1/products", product_json(variants=variants))
    body = assert_problem(response, 400, "validation_error")
    assert set(body["errors"]) == {"variants.0.options.\\ud83d"}
    assert not Product.objects.exists()


def test_a_surrogate_pair_is_ordinary_text(seller_api):
    response = post_json(seller_api, "/api/v1/products", product_json(attributes='{"mood": "\\ud83d\\ude00"}'))
    assert response.status_code == 201, response.content
    assert Product.objects.get().attributes == {"mood": "\U0001f600"}


def test_a_nul_in_refund_instructions_is_a_400(api_client):
    api_client.force_authenticate(UserFactory())
    raw = '{"order": "ord_x", "product": 1, "reason": "changed my mind", "refundInstructions": {"to": "c\\u0000"}}'
    body = assert_problem(post_json(api_client, "/api/v1/cancel", raw), 400, "validation_error")
    assert set(body["errors"]) == {"refundInstructions.to"}


def test_refund_instructions_are_bounded(api_client):
    api_client.force_authenticate(UserFactory())
    many = {f"k{index}": "v" for index in range(21)}
    response = api_client.post(
        "/api/v1/cancel", {"order": "ord_x", "product": 1, "reason": "r", "refundInstructions": many}, format="json"
    )
    body = assert_problem(response, 400, "validation_error")
    assert set(body["errors"]) == {"refundInstructions"}


def test_a_nul_in_register_is_a_400_and_creates_no_account(api_client):
    raw = '{"email": "nul@example.com", "password": "long-enough-pw", "name": "A\\u0000"}'
    body = assert_problem(post_json(api_client, "/api/v1/auth/register", raw), 400, "validation_error")
    assert set(body["errors"]) == {"name"}
    assert not User.objects.filter(email="nul@example.com").exists()


def test_a_signed_webhook_whose_event_id_holds_a_nul_is_refused_and_records_nothing(api_client):
    event = {**build_event(gateway_reference="ch_nul"), "id": "evt_\x00"}
    body, headers = signed_request(event)
    assert b"\\u0000" in body
    response = api_client.post(
        "/api/v1/payments/webhooks/test",
        data=body,
        content_type="application/json",
        HTTP_BAZAAR_SIGNATURE=headers["Bazaar-Signature"],
    )
    assert_problem(response, 400, "invalid_webhook")
    assert not WebhookReceipt.objects.exists()


# --- Free-form attributes are bounded ------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({f"a{index}": "x" for index in range(51)}, "attributes"),
        ({"a" * 61: "x"}, "attributes"),
        ({"material": "x" * 501}, "attributes.material"),
        ({"material": {"nested": "object"}}, "attributes.material"),
        ({"tags": ["x"] * 51}, "attributes.tags"),
        ({f"a{index}": "x" * 400 for index in range(45)}, "attributes"),  # 18 KB in all
    ],
)
def test_attributes_beyond_their_limits_are_a_400_and_create_no_product(seller_api, attributes, field):
    response = seller_api.post(
        "/api/v1/products", {"name": "Lamp", "price": "10.00", "attributes": attributes}, format="json"
    )
    body = assert_problem(response, 400, "validation_error")
    assert set(body["errors"]) == {field}
    assert not Product.objects.exists()


def test_2_3_mb_of_attributes_is_a_400_and_creates_no_product(seller_api):
    attributes = {f"a{index}": "x" * 1000 for index in range(2300)}
    response = seller_api.post(
        "/api/v1/products", {"name": "Lamp", "price": "10.00", "attributes": attributes}, format="json"
    )
    assert_problem(response, 400, "parse_error")
    assert not Product.objects.exists()


def test_attributes_within_their_limits_are_kept(seller_api):
    attributes = {"material": "cotton", "weight": 1.5, "washable": True, "tags": ["summer", "linen"], "x": None}
    response = seller_api.post(
        "/api/v1/products", {"name": "Lamp", "price": "10.00", "attributes": attributes}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Product.objects.get().attributes == attributes


def test_a_nul_in_attributes_is_refused_by_the_service_too(seller):
    from catalog import services
    from catalog.errors import InvalidField

    with pytest.raises(InvalidField) as refused:
        services.create_product(seller=seller, name="Lamp", price=Decimal("10.00"), attributes={"a": "b\x00"})
    assert refused.value.field == "attributes.a"
    assert not Product.objects.exists()


# --- Storefront forms: a form error, not a 500 -----------------------------------------------------


def test_a_nul_in_a_storefront_form_field_is_a_form_error():
    response = Client().post(
        "/accounts/signup/",
        {"email": "nul@example.com", "name": "A\x00", "password": "long-enough-pw1"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not User.objects.filter(email="nul@example.com").exists()


# --- OPTIONS on every view ------------------------------------------------------------------------


def _routes(patterns, prefix: str = ""):
    """Every URL of the configuration with its converters filled in (ints as 1, the rest as "x")."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield re.sub(r"<int:\w+>", "1", re.sub(r"<(?:str|slug|path):\w+>", "x", route))


@pytest.mark.schema_unchecked("OPTIONS is not an operation of the schema")
@pytest.mark.parametrize("who", ["anonymous", "buyer", "seller"])
def test_options_on_every_view_is_never_a_server_error(who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(SellerFactory().user if who == "seller" else UserFactory())
    routes = {route for route in _routes(get_resolver().url_patterns) if not route.startswith(("admin/", "media"))}
    failures = {route: client.options(f"/{route}").status_code for route in sorted(routes)}
    assert len(failures) > 50
    assert {route: status for route, status in failures.items() if status >= 500} == {}


@pytest.mark.schema_unchecked("OPTIONS is not an operation of the schema")
def test_options_on_a_product_and_an_address_describe_the_view_when_signed_in():
    address = AddressFactory()
    client = client_for(address.user)
    product = ProductFactory()
    for url in (f"/api/v1/products/{product.pk}", f"/api/v1/me/addresses/{address.pk}"):
        response = client.options(url)
        assert response.status_code == 200
        assert {"name", "renders", "parses"} <= set(response.json())
        assert "PUT" in response["Allow"]


# --- The schema documents every answer --------------------------------------------------------------


@pytest.fixture
def schema(api_client) -> dict:
    return api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def _component(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    ("path", "list_key"),
    [("/api/v1/orders", "orders"), ("/api/v1/seller/orders", "lines"), ("/api/v1/seller/returns", "returns")],
)
def test_the_schema_documents_list_answers_as_their_envelope(schema, path, list_key):
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    envelope = _component(schema, answer["$ref"])
    assert envelope["type"] == "object"
    assert set(envelope["required"]) >= {list_key, "offset", "limit", "count", "next_offset"}
    assert envelope["properties"][list_key]["type"] == "array"


def test_the_schema_documents_what_the_bad_input_answers_are(schema):
    paths = schema["paths"]
    assert "201" in paths["/api/v1/me/addresses"]["post"]["responses"]
    assert "400" in paths["/api/v1/notifications"]["get"]["responses"]
    assert "413" in paths["/api/v1/auth/register"]["post"]["responses"]
    assert "400" in paths["/api/v1/me"]["get"]["responses"]  # a query parameter holding a NUL
