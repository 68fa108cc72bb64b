"""/metrics is never open in production: with DEBUG off the app refuses to start without METRICS_TOKEN, and with a
token only `Authorization: Bearer <token>` reads it."""

from __future__ import annotations

import pytest

from tests.shop.test_operations import run_django

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-please"


def test_debug_off_without_a_metrics_token_refuses_to_start():
    result = run_django("", DEBUG="0", SECRET_KEY="s" * 50, METRICS_TOKEN="")

    assert result.returncode != 0
    assert "METRICS_TOKEN must be set when DEBUG is off" in result.stderr


def test_debug_off_with_a_metrics_token_starts():
    result = run_django("print('started')", DEBUG="0", SECRET_KEY="s" * 50, METRICS_TOKEN=TOKEN)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["started"]


def test_the_embedded_default_of_make_run_starts_without_a_token():
    result = run_django("from django.conf import settings; print(settings.DEBUG, repr(settings.METRICS_TOKEN))")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "''"]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Token {TOKEN}", TOKEN, f"Bearer {TOKEN}x", "Bearer "],
    ids=["none", "wrong", "other-scheme", "bare-token", "longer", "empty"],
)
def test_with_a_token_anything_but_the_bearer_token_is_a_401(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"django_http" not in response.content


def test_with_a_token_the_bearer_token_reads_the_metrics(client, settings):
    settings.METRICS_TOKEN = TOKEN

    response = client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})

    assert response.status_code == 200
    assert "django_http_requests_total_by_method_total" in response.content.decode()
