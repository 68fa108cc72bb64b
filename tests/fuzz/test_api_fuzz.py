"""Schemathesis over every operation of /api/schema/, signed in as a buyer and as a seller.

Each operation gets a bounded, seeded number of generated requests (``EXAMPLES_PER_OPERATION``,
derandomized): valid ones, deliberately broken ones, valid ones whose query parameters and JSON fields
all carry abusive text (NUL, very long text, markup, ...), and valid ones aimed at real objects of the
fixture world (tests/fuzz/world.py) so that path parameters reach past the 404. The requests go
through Django's test client in-process, so every answer is also held to the closed schema by the
suite's autouse ``api_schema_check`` fixture. An answer fails the test when it is a server error
(5xx), has a status code, content type, headers or body the schema does not document, or when the
server accepted a JSON body its schema forbids. Failures print the request to replay (curl).
"""

from __future__ import annotations

from collections.abc import Iterator
import re

from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
import pytest
from rest_framework_simplejwt.tokens import RefreshToken
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.world import World, kept_world
from tests.schema_check import openapi_schema

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Text that breaks stores and pages: NUL (PostgreSQL keeps none), a long run, markup, path and SQL
# tricks, and characters that change under Unicode normalisation. Unpaired surrogates cannot be sent
# through schemathesis (it encodes bodies as UTF-8): tests/shop/test_bad_inputs.py sends those raw.
ABUSIVE_TEXT = [
    "\x00",
    "a\x00b",
    "x" * 5000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR '1'='1",
    "\ufb00\u0301",
]


def _operations() -> list[tuple[str, str]]:
    return [
        (method, path) for path, item in openapi_schema()["paths"].items() for method in item if method in HTTP_METHODS
    ]


def _real_values(world: World) -> dict[str, list]:
    """Every path placeholder's values that name a real object, both owners' (the other's must be refused)."""
    shops, buyers = (world.seller, world.other_seller), (world.buyer, world.other_buyer)
    return {
        "product_id": [shop.product_id for shop in shops],
        "sku": [shop.sku for shop in shops],
        "image_id": [shop.image_id for shop in shops],
        "import_id": [shop.import_id for shop in shops],
        "shipment_id": [shop.shipment_id for shop in shops],
        "return_id": [shop.return_id for shop in shops],
        "payout_id": [shop.payout_id for shop in shops],
        "order_id": [buyer.order_id for buyer in buyers],
        "address_id": [buyer.address_id for buyer in buyers],
        "notification_id": [buyer.notification_id for buyer in buyers],
        "item_id": [buyer.item_id for buyer in buyers],
        "carrier": ["simulated", "ups"],
        "gateway": ["test"],
    }


def _abused(case, text: str, query_names: list[str]):
    """The case with every query parameter the operation names, and every field of its JSON body, set to ``text``."""
    case.query = {**(case.query or {}), **dict.fromkeys(query_names, text)}
    if isinstance(case.body, dict):
        case.body = dict.fromkeys(case.body, text)
    return case


def _cases(operation, spec: dict, real: dict[str, list]) -> st.SearchStrategy:
    """Valid and broken requests with generated path parameters, valid ones carrying abusive text, and
    valid ones aimed at real objects.

    A placeholder the world has no objects for (a new route's) keeps only generated values.
    """
    names = re.findall(r"\{(\w+)\}", operation.path)
    query_names = [parameter["name"] for parameter in spec.get("parameters", []) if parameter["in"] == "query"]
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    strategies = [
        positive,
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        st.builds(_abused, positive, st.sampled_from(ABUSIVE_TEXT), st.just(query_names)),
    ]
    if names and all(name in real for name in names):
        ids = st.fixed_dictionaries({name: st.sampled_from(real[name]) for name in names})
        aimed = ids.flatmap(
            lambda ids: operation.as_strategy(schemathesis.GenerationMode.POSITIVE, path_parameters=ids)
        )
        strategies.insert(0, aimed)  # first: the branch Hypothesis favours
    return st.one_of(strategies)


def _django_app(client: Client):
    """A WSGI application that answers through Django's test client (its schema check included)."""

    def app(environ, start_response):
        response = client.request(**environ)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        if response.streaming:
            return [b"".join(response.streaming_content)]
        return [response.content]

    return app


@pytest.fixture(scope="module")
def schema() -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_dict(openapi_schema())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with kept_world(django_db_blocker) as built:
        yield built


@pytest.mark.parametrize("role", ["buyer", "seller"])
@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda value: value)
def test_every_operation_survives_generated_requests(schema, world, role, method, path):
    operation = schema[path][method]
    user = world.buyer.user if role == "buyer" else world.seller.seller.user
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}
    app = _django_app(Client())
    real = _real_values(world)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported at once, as found
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation, openapi_schema()["paths"][path][method], real))
    def exchange(case):
        cache.clear()  # throttle counters from earlier examples never turn an answer into a 429
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    exchange()


@pytest.mark.schema_unchecked("no operation has these methods: who asks is checked before the method (DRF)")
def test_every_path_refuses_a_method_no_operation_has(world):
    """A method outside HTTP's usual set is refused on every path: 405, or on a seller's route the 403 a buyer
    may get before the method is looked at; never an answer, never a 5xx (OPTIONS: tests/shop/test_bad_inputs.py).
    """
    client = Client()
    client.force_login(world.buyer.user)
    real = {name: values[0] for name, values in _real_values(world).items()}
    for path in openapi_schema()["paths"]:
        for method in ("TRACE", "PROPFIND", "BREW"):
            response = client.generic(method, path.format(**real))
            expected = {403, 405} if path.startswith("/api/v1/seller/") else {405}
            assert response.status_code in expected, (method, path, response.status_code)


# --- The checks can fail ---------------------------------------------------------------------------


def _answering(status: str, content_type: str, body: bytes):
    def app(environ, start_response):
        start_response(status, [("Content-Type", content_type)])
        return [body]

    return app


@pytest.mark.parametrize(
    "app",
    [
        _answering("500 Internal Server Error", "text/html", b"<h1>Server Error</h1>"),
        _answering("418 I'm a teapot", "application/problem+json", b'{"title": "Teapot", "status": 418}'),
        _answering("200 OK", "application/json", b'{"count": "many"}'),
        _answering("200 OK", "text/html", b"<p>categories</p>"),
    ],
    ids=["server error", "undocumented status", "body off the schema", "undocumented content type"],
)
def test_the_checks_fail_an_answer_the_schema_does_not_describe(schema, app):
    case = schema["/api/v1/categories"]["get"].Case()
    with pytest.raises(schemathesis.errors.FailureGroup):
        case.call_and_validate(app=app, checks=CHECKS)
