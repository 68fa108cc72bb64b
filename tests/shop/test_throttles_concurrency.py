"""Concurrent bursts against the real Redis: however many requests arrive at once, exactly the limit passes
(DRF's own read-then-write throttles let 1.4-1.7 times the limit through)."""

from django.test import Client, override_settings
import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from shop import throttles
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
EACH = 5  # requests per thread


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch):
    """No window ends during the burst."""
    monkeypatch.setattr(throttles, "now", lambda: 1_800_000_030.0)


def test_a_burst_of_counts_passes_exactly_the_limit():
    def burst(_):
        return sum(throttles.hit("burst", "a", limit=13, period=60).allowed for _ in range(EACH))

    assert sum(race(burst, THREADS)) == 13


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_a_concurrent_api_burst_with_spoofed_headers_passes_exactly_the_limit(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "auth": "7/min"})

    def burst(i):
        client = APIClient()
        return [
            client.post(
                "/api/v1/auth/token/refresh",
                {"refresh": "nope"},
                format="json",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{i * EACH + j}",
            ).status_code
            for j in range(EACH)
        ]

    codes = [code for codes in race(burst, THREADS) for code in codes]
    assert codes.count(401) == 7
    assert codes.count(429) == THREADS * EACH - 7


@override_settings(TRUSTED_PROXY_COUNT=0, PAGE_THROTTLE_RATES={"signup": "6/min"})
def test_a_concurrent_burst_of_sign_ups_passes_exactly_the_limit():
    def burst(i):
        client = Client()
        data = {"name": "Ann", "email": f"ann{i}@example.com", "password": "password"}  # refused: too common
        return [
            client.post("/accounts/signup/", data, HTTP_X_FORWARDED_FOR=f"203.0.113.{j}").status_code
            for j in range(EACH)
        ]

    codes = [code for codes in race(burst, THREADS) for code in codes]
    assert codes.count(200) == 6
    assert codes.count(429) == THREADS * EACH - 6
