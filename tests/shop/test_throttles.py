"""Throttles that hold: the client address trusts only the configured proxies, and every limit (API scopes,
storefront forms, the sign-in lockout) keys on it; counters are fixed windows in Redis or, without it,
a file cache shared by the machine's processes."""

from concurrent.futures import ThreadPoolExecutor
import multiprocessing

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
import pytest
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from accounts.models import User
from cart.models import CartItem
from orders.models import Order
from shop import throttles
from shop.client_ip import client_ip
from tests.accounts.factories import DEFAULT_PASSWORD, AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

MOMENT = 1_800_000_030.0  # 30 s into a minute (and into an hour): no window ends during a test


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The throttles' clock, stopped mid-window; a test moves it by assigning ``clock[0]``."""
    moment = [MOMENT]
    monkeypatch.setattr(throttles, "now", lambda: moment[0])
    return moment


def spoofed(i: int) -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{i}"}


def statuses(responses) -> list[int]:
    return [response.status_code for response in responses]


# --- The client address ------------------------------------------------------------------------------


def address_of(remote_addr: str, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_the_address_is_the_socket_peer_whatever_the_headers_say():
    assert address_of("198.51.100.7") == "198.51.100.7"
    assert address_of("198.51.100.7", "203.0.113.1") == "198.51.100.7"
    assert address_of("198.51.100.7", "203.0.113.1, 203.0.113.2") == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_with_one_trusted_proxy_the_right_most_forwarded_address_is_the_client():
    assert address_of("10.0.0.1", "198.51.100.7") == "198.51.100.7"
    assert address_of("10.0.0.1", "203.0.113.66, 198.51.100.7") == "198.51.100.7"
    assert address_of("10.0.0.1", " 2001:db8::1 ") == "2001:db8::1"
    assert address_of("10.0.0.1") == "10.0.0.1"  # reached us without the proxy's header


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_trusted_proxies_the_address_the_outer_one_saw_is_the_client():
    assert address_of("10.0.0.1", "203.0.113.66, 198.51.100.7, 10.0.0.2") == "198.51.100.7"
    assert address_of("10.0.0.1", "198.51.100.7") == "198.51.100.7"  # fewer hops than proxies: DRF's reading


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_entry_that_is_no_address_falls_back_to_the_socket_peer():
    assert address_of("10.0.0.1", "203.0.113.66, not-an-address") == "10.0.0.1"
    assert address_of("10.0.0.1", "203.0.113.66,") == "10.0.0.1"


# --- The counter ------------------------------------------------------------------------------------


def test_a_window_passes_exactly_the_limit_and_says_how_long_until_it_ends(clock):
    results = [throttles.hit("t", "a", limit=3, period=60) for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert results[-1].retry_after == 30
    assert throttles.hit("t", "b", limit=3, period=60).allowed  # another client, another bucket
    clock[0] += 30  # the next window
    assert throttles.hit("t", "a", limit=3, period=60).allowed


def test_rates_read_as_drf_writes_them():
    assert throttles.parse_rate("10/min") == (10, 60)
    assert throttles.parse_rate("5/s") == (5, 1)
    assert throttles.parse_rate("100/hour") == (100, 3600)
    assert throttles.parse_rate("1000/day") == (1000, 86400)


def _file_cache(tmp_path) -> dict:
    return {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
        "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


def _hits_in_a_child(limit: int) -> int:
    return sum(throttles.hit("file", "a", limit=limit, period=3600).allowed for _ in range(10))


def test_without_redis_the_file_cache_counts_exactly_across_threads_and_processes(tmp_path, settings):
    settings.CACHES = _file_cache(tmp_path)
    assert type(caches["default"]).__name__ == "FileBasedCache"
    with ThreadPoolExecutor(8) as pool:
        passed = sum(pool.map(lambda _: throttles.hit("file", "a", limit=25, period=3600).allowed, range(40)))
    assert passed == 25
    assert not throttles.hit("file", "a", limit=25, period=3600).allowed

    # Processes of the machine (gunicorn workers) share the count through the lock in the cache directory.
    with multiprocessing.get_context("fork").Pool(4) as pool:
        passed = sum(pool.map(_hits_in_a_child, [60] * 8))
    assert passed == 60 - 41  # 41 counted above, 80 tried here


def test_when_redis_is_down_requests_pass_and_the_failure_is_counted(settings):
    down = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
    settings.CACHES = {"default": down, "public": settings.CACHES["public"]}
    before = throttles._UNAVAILABLE.labels("t")._value.get()
    assert all(throttles.hit("t", "a", limit=1, period=60).allowed for _ in range(3))
    assert throttles._UNAVAILABLE.labels("t")._value.get() == before + 3


def test_a_visitor_is_the_user_else_the_session_else_the_address(rf):
    request = rf.post("/", REMOTE_ADDR="198.51.100.7", **spoofed(1))
    request.user = AnonymousUser()
    request.session = SessionStore()
    assert throttles.visitor_ident(request) == "ip:198.51.100.7"
    request.session.create()
    assert throttles.visitor_ident(request) == f"session:{request.session.session_key}"
    request.user = UserFactory()
    assert throttles.visitor_ident(request) == f"user:{request.user.pk}"


# --- API --------------------------------------------------------------------------------------------


@pytest.fixture
def auth_rate(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "auth": "3/min"})


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_a_spoofed_forwarded_for_opens_no_new_api_bucket(api_client, auth_rate):
    responses = [
        api_client.post("/api/v1/auth/token/refresh", {"refresh": "nope"}, format="json", **spoofed(i))
        for i in range(6)
    ]
    assert statuses(responses) == [401, 401, 401, 429, 429, 429]
    assert responses[3]["Retry-After"] == "30"


def test_anonymous_api_limit_holds_against_spoofed_headers(api_client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "2/min"})
    responses = [api_client.get("/api/v1/cart", **spoofed(i)) for i in range(4)]
    assert statuses(responses) == [200, 200, 429, 429]
    assert responses[2].json()["code"] == "throttled"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_spoofed_left_part_is_ignored(api_client, auth_rate):
    def refresh(forwarded):
        return api_client.post(
            "/api/v1/auth/token/refresh", {"refresh": "nope"}, format="json", HTTP_X_FORWARDED_FOR=forwarded
        )

    same_client = [refresh(f"203.0.113.{i}, 198.51.100.7") for i in range(4)]
    assert statuses(same_client) == [401, 401, 401, 429]
    assert refresh("198.51.100.8").status_code == 401  # another client behind the proxy


# --- Storefront forms -------------------------------------------------------------------------------


@override_settings(TRUSTED_PROXY_COUNT=0, PAGE_THROTTLE_RATES={"signup": "2/min"})
def test_sign_up_is_throttled_per_address_and_the_refused_post_creates_nothing(client):
    def sign_up(i):
        data = {"name": "Ann", "email": f"ann{i}@example.com", "password": "s3cure-enough-pass"}
        return Client().post("/accounts/signup/", data, **spoofed(i))

    responses = [sign_up(i) for i in range(4)]
    assert statuses(responses) == [302, 302, 429, 429]
    assert responses[2]["Retry-After"] == "30"
    assert "Too Many Requests" in responses[2].content.decode()
    assert "errors/error.html" in [t.name for t in responses[2].templates]
    assert sorted(User.objects.values_list("email", flat=True)) == ["ann0@example.com", "ann1@example.com"]
    assert client.get("/accounts/signup/").status_code == 200  # only POSTs count


@override_settings(TRUSTED_PROXY_COUNT=0, PAGE_THROTTLE_RATES={"login": "3/min"})
def test_sign_in_is_throttled_per_address_whatever_the_forwarded_header(client):
    responses = [
        client.post("/accounts/login/", {"username": f"nobody{i}@example.com", "password": "x"}, **spoofed(i))
        for i in range(5)
    ]
    assert statuses(responses) == [200, 200, 200, 429, 429]
    assert client.get("/accounts/login/").status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_the_sign_in_lockout_keys_on_the_same_address_so_spoofing_cannot_dodge_it(client, settings):
    user = UserFactory()
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong"}, **spoofed(i))
    response = client.post("/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD}, **spoofed(99))
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


@override_settings(PAGE_THROTTLE_RATES={"cart_add": "2/min"})
def test_add_to_cart_is_throttled_per_visitor_and_the_refused_post_adds_nothing(client):
    buyer = UserFactory()
    client.force_login(buyer)
    product = ProductFactory(default_variant__stock=50)
    responses = [client.post(f"/cart/add/{product.pk}/", {"quantity": 1}) for _ in range(3)]
    assert statuses(responses) == [302, 302, 429]
    assert CartItem.objects.get(cart__user=buyer).quantity == 2
    assert client.get(f"/cart/add/{product.pk}/").status_code == 200  # only POSTs count
    assert Client().post(f"/cart/add/{product.pk}/", {"quantity": 1}).status_code == 302  # another visitor


@override_settings(PAGE_THROTTLE_RATES={"checkout": "2/min"})
def test_checkout_is_throttled_per_user_and_the_refused_post_places_nothing(client):
    buyer = UserFactory()
    client.force_login(buyer)
    product = ProductFactory(default_variant__stock=50)
    added = client.post(f"/api/v1/cart/{product.pk}", {"quantity": 1}, content_type="application/json")
    assert added.status_code == 201
    refused_for_input = [client.post("/checkout/", {"shipping_method": "standard"}) for _ in range(2)]
    assert statuses(refused_for_input) == [200, 200]
    address = AddressFactory(user=buyer)
    response = client.post("/checkout/", {"shipping_method": "standard", "address": str(address.pk)})
    assert response.status_code == 429
    assert not Order.objects.filter(buyer=buyer).exists()
