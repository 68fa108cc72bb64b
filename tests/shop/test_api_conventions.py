"""The API conventions every endpoint shares: problem details, pagination, ETags, cache headers."""

import pytest

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_unknown_api_path_is_a_404_problem(api_client):
    assert_problem(api_client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_a_405_problem(api_client):
    api_client.force_authenticate(UserFactory())
    assert_problem(api_client.delete("/api/v1/me"), 405, "method_not_allowed")


def test_malformed_json_is_a_400_problem(api_client):
    response = api_client.post("/api/v1/auth/register", data="{not json", content_type="application/json")
    assert_problem(response, 400, "parse_error")


def test_non_json_body_is_a_415_problem(api_client):
    response = api_client.post(
        "/api/v1/auth/register", data="email=a", content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 415, "unsupported_media_type")


def test_forbidden_is_a_403_problem(api_client, monkeypatch):
    from rest_framework.permissions import BasePermission

    from accounts.api import MeView

    class Never(BasePermission):
        def has_permission(self, request, view):
            return False

    monkeypatch.setattr(MeView, "permission_classes", [Never])
    api_client.force_authenticate(UserFactory())
    assert_problem(api_client.get("/api/v1/me"), 403, "permission_denied")


def test_uncaught_error_is_a_500_problem_without_a_stack_trace(api_client, monkeypatch):
    from accounts.api import MeView

    def explode(self, request):
        raise RuntimeError("secret internals at /srv/app/accounts/api.py")

    monkeypatch.setattr(MeView, "get", explode)
    api_client.force_authenticate(UserFactory())
    response = api_client.get("/api/v1/me")
    body = assert_problem(response, 500, "internal_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["detail"]


def test_conflict_carries_the_domain_code(api_client):
    from tests.sellers.factories import SellerFactory

    api_client.force_authenticate(SellerFactory().user)
    assert_problem(api_client.post("/api/v1/sellers", {"store_name": "X"}, format="json"), 409, "already_seller")


def test_validation_problem_names_nested_fields(api_client):
    response = api_client.post("/api/v1/auth/register", {"email": "bad"}, format="json")
    body = assert_problem(response, 400, "validation_error")
    assert set(body["errors"]) == {"email", "password", "name"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())


def test_get_carries_an_etag_and_if_none_match_gives_304(api_client):
    api_client.force_authenticate(UserFactory())
    first = api_client.get("/api/v1/me")
    assert first.status_code == 200
    etag = first["ETag"]
    again = api_client.get("/api/v1/me", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_etag_changes_when_the_resource_changes(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    etag = api_client.get("/api/v1/me")["ETag"]
    api_client.patch("/api/v1/me", {"name": "Renamed"}, format="json")
    assert api_client.get("/api/v1/me", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_per_user_answers_are_private(api_client):
    api_client.force_authenticate(UserFactory())
    response = api_client.get("/api/v1/me")
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
