"""Anonymous catalog reads come from the shared cache; our own writes are never served stale."""

from decimal import Decimal
import io

from django.core.cache import caches
from django.test.client import RequestFactory
import pytest

from catalog import services as catalog_services
from inventory import services as inventory_services
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    seller = SellerFactory()
    return catalog_services.create_product(seller=seller, name="Cached Lamp", price=Decimal("10.00"), quantity=3)


def test_second_anonymous_read_is_a_cache_hit(client, product):
    assert client.get("/api/v1/products")["X-Cache"] == "miss"
    again = client.get("/api/v1/products")
    assert again["X-Cache"] == "hit"
    assert again.json()["products"][0]["name"] == "Cached Lamp"
    assert "public" in again["Cache-Control"]


def test_a_catalog_write_invalidates_cached_answers(client, product):
    client.get(f"/api/v1/products/{product.pk}")
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("12.50"))
    response = client.get(f"/api/v1/products/{product.pk}")
    assert response["X-Cache"] == "miss"
    assert response.json()["price"] == "12.50"


def test_a_stock_change_invalidates_cached_answers(client, product):
    first = client.get(f"/api/v1/products/{product.pk}").json()
    assert first["in_stock"] is True
    inventory_services.set_on_hand(variant_id=product.variants.get().pk, quantity=0)
    assert client.get(f"/api/v1/products/{product.pk}").json()["in_stock"] is False


def test_with_a_read_replica_an_answer_is_kept_only_once_the_replica_can_have_the_last_write(client, product, settings):
    """Read right after a write, an answer may come from a replica that has not replayed it yet: it is not kept
    (it would outlive the lag) until the versions are older than REPLICA_PIN_SECONDS."""
    settings.DATABASE_REPLICA_URL = "postgres://replica.invalid/shop"  # the router's alias is not used here
    settings.REPLICA_PIN_SECONDS = 3600
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("12.50"))
    path = f"/api/v1/products/{product.pk}"
    assert client.get(path)["X-Cache"] == "miss"
    assert client.get(path)["X-Cache"] == "miss"
    settings.REPLICA_PIN_SECONDS = 0
    assert client.get(path)["X-Cache"] == "miss"
    assert client.get(path)["X-Cache"] == "hit"


def test_signed_in_readers_are_never_served_from_the_cache(client, product):
    client.get("/api/v1/products")
    client.force_login(UserFactory())
    response = client.get("/api/v1/products")
    assert not response.has_header("X-Cache")


def test_bearer_token_requests_bypass_the_cache(api_client, product):
    api_client.get("/api/v1/products")
    response = api_client.get("/api/v1/products", HTTP_AUTHORIZATION="Bearer whatever")
    assert not response.has_header("X-Cache")


def test_cached_answers_still_support_etags(client, product):
    etag = client.get("/api/v1/products")["ETag"]
    assert client.get("/api/v1/products", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_storefront_pages_are_cached_for_anonymous_visitors(client, product):
    client.get("/search?q=lamp")
    response = client.get("/search?q=lamp")
    assert response["X-Cache"] == "hit"
    assert "Cached Lamp" in response.content.decode()


def test_cache_can_be_turned_off(client, product, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get("/api/v1/products")
    assert not client.get("/api/v1/products").has_header("X-Cache")


def test_a_session_cookie_bypasses_the_cache_but_other_cookies_do_not(client, product):
    client.get("/api/v1/products")
    client.cookies["csrftoken"] = "x" * 32
    assert client.get("/api/v1/products")["X-Cache"] == "hit"
    client.cookies["sessionid"] = "whatever"
    assert not client.get("/api/v1/products").has_header("X-Cache")


def test_stored_answers_carry_the_security_headers(client, product):
    client.get("/api/v1/products")
    hit = client.get("/api/v1/products")
    assert hit["X-Cache"] == "hit"
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" in hit["Vary"]


# --- The WSGI fast path (shop/wsgi.py): hits answered before Django runs -------------------------


class Spy:
    """Stands in for Django behind the fast path, counting what reaches it."""

    def __init__(self, application):
        self.application = application
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.application(environ, start_response)


def wsgi_get(app, path, method="GET", **headers):
    path, _, query = path.partition("?")
    environ = RequestFactory()._base_environ(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, **headers)
    environ["wsgi.input"] = io.BytesIO()
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


@pytest.fixture
def fast_path():
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from shop.public_cache import FastPath

    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    spy = Spy(WSGIHandler())
    yield FastPath(spy), spy
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_fast_path_serves_a_stored_answer_without_django(fast_path, product):
    app, django = fast_path
    first = wsgi_get(app, "/api/v1/products?limit=5")
    assert first["headers"]["X-Cache"] == "miss"
    second = wsgi_get(app, "/api/v1/products?limit=5")
    assert django.calls == 1
    assert second["status"] == 200
    assert second["headers"]["X-Cache"] == "hit"
    assert second["body"] == first["body"]
    assert second["headers"]["Content-Length"] == str(len(first["body"]))
    for name in ("Content-Type", "Cache-Control", "ETag", "X-Content-Type-Options", "Vary"):
        assert second["headers"][name] == first["headers"][name]


def test_fast_path_answers_304_and_head(fast_path, product):
    app, django = fast_path
    etag = wsgi_get(app, "/api/v1/products")["headers"]["ETag"]
    not_modified = wsgi_get(app, "/api/v1/products", HTTP_IF_NONE_MATCH=etag)
    assert (not_modified["status"], not_modified["body"]) == (304, b"")
    assert not_modified["headers"]["ETag"] == etag
    head = wsgi_get(app, "/api/v1/products", method="HEAD")
    assert (head["status"], head["body"]) == (200, b"")
    assert django.calls == 1


def test_fast_path_never_serves_an_answer_a_write_made_stale(fast_path, product):
    app, django = fast_path
    wsgi_get(app, f"/api/v1/products/{product.pk}")
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("99.00"))
    answer = wsgi_get(app, f"/api/v1/products/{product.pk}")
    assert django.calls == 2
    assert b'"price":"99.00"' in answer["body"].replace(b" ", b"")


def test_fast_path_passes_signed_in_and_other_hosts_to_django(fast_path, product):
    app, django = fast_path
    wsgi_get(app, "/api/v1/products")
    wsgi_get(app, "/api/v1/products", HTTP_COOKIE="sessionid=abc")
    wsgi_get(app, "/api/v1/products", HTTP_AUTHORIZATION="Bearer x")
    evil = wsgi_get(app, "/api/v1/products", HTTP_HOST="evil.example")
    assert evil["status"] == 400
    assert django.calls == 4


def test_an_evicted_version_never_brings_an_old_answer_back(client, product):
    """Versions are random tokens: after Redis evicts (or someone flushes) a version, the next bump
    cannot land on a value an old answer was stored under."""
    client.get(f"/api/v1/products/{product.pk}")
    caches["public"].delete("public-cache:version:catalog")
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("12.50"))
    assert client.get(f"/api/v1/products/{product.pk}").json()["price"] == "12.50"
