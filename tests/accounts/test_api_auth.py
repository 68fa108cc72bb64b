"""Register, obtain and refresh tokens, read /me: the accounts contract in API.md."""

import pytest

from accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def register(client, **overrides):
    body = {"email": "ann@example.com", "password": "s3cure-enough-pass", "name": "Ann Smith", **overrides}
    return client.post("/api/v1/auth/register", body, format="json")


def test_register_then_token_then_me(api_client):
    created = register(api_client)
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "email": "ann@example.com", "name": "Ann Smith"}

    tokens = api_client.post(
        "/api/v1/auth/token", {"email": "ann@example.com", "password": "s3cure-enough-pass"}, format="json"
    )
    assert tokens.status_code == 200
    assert set(tokens.json()) == {"access", "refresh"}

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    me = api_client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == "ann@example.com"
    assert me.json()["name"] == "Ann Smith"
    assert me.json()["is_seller"] is False
    assert me.json()["seller"] is None


def test_password_is_stored_as_argon2_hash(api_client):
    register(api_client)
    user = User.objects.get(email="ann@example.com")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("s3cure-enough-pass")


def test_email_is_case_insensitive_for_sign_up_and_sign_in(api_client):
    register(api_client, email="Ann@Example.COM")
    assert User.objects.get().email == "ann@example.com"
    again = register(api_client, email="ANN@example.com")
    assert again.status_code == 400
    tokens = api_client.post(
        "/api/v1/auth/token", {"email": "ANN@EXAMPLE.com", "password": "s3cure-enough-pass"}, format="json"
    )
    assert tokens.status_code == 200


def test_duplicate_email_is_a_400_problem_naming_the_email_field(api_client):
    register(api_client)
    response = register(api_client, name="Another Ann")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["status"] == 400
    assert "email" in body["errors"]
    assert User.objects.count() == 1


def test_weak_password_is_refused_with_a_password_error(api_client):
    response = register(api_client, password="12345678")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.exists()


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_each_field_is_required(api_client, missing):
    body = {"email": "ann@example.com", "password": "s3cure-enough-pass", "name": "Ann"}
    del body[missing]
    response = api_client.post("/api/v1/auth/register", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [missing]


def test_wrong_password_is_401_problem(api_client):
    user = UserFactory()
    response = api_client.post("/api/v1/auth/token", {"email": user.email, "password": "wrong-one"}, format="json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "authentication_failed"


def test_unknown_email_is_401_like_a_wrong_password(api_client):
    response = api_client.post(
        "/api/v1/auth/token", {"email": "nobody@example.com", "password": "whatever-pass"}, format="json"
    )
    assert response.status_code == 401


def test_refresh_returns_a_new_working_access_token(api_client):
    user = UserFactory()
    tokens = api_client.post("/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    refreshed = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens.json()["refresh"]}, format="json")
    assert refreshed.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert api_client.get("/api/v1/me").json()["id"] == user.pk


def test_refresh_with_a_bad_token_is_401(api_client):
    response = api_client.post("/api/v1/auth/token/refresh", {"refresh": "not-a-token"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_access_token_cannot_be_used_as_refresh_token(api_client):
    user = UserFactory()
    tokens = api_client.post("/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    response = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens.json()["access"]}, format="json")
    assert response.status_code == 401


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.has_header("WWW-Authenticate")


def test_me_accepts_the_storefront_session(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_session_auth_needs_csrf_on_unsafe_methods():
    from django.test import Client

    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.patch("/api/v1/me", {"name": "New"}, content_type="application/json")
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.name != "New"


def test_me_patch_changes_the_name_only(api_client):
    user = UserFactory(name="Old Name")
    api_client.force_authenticate(user)
    response = api_client.patch("/api/v1/me", {"name": "New Name", "email": "evil@example.com"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.email) == ("New Name", response.json()["email"])
    assert user.email != "evil@example.com"


def test_repeated_wrong_passwords_lock_the_account_with_429(api_client, settings):
    user = UserFactory()
    attempts = [
        api_client.post("/api/v1/auth/token", {"email": user.email, "password": "wrong"}, format="json").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert attempts == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = api_client.post("/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_login_attempts"
    assert int(locked["Retry-After"]) > 0


def test_lockout_is_per_account_so_other_users_still_sign_in(api_client, settings):
    victim, other = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post("/api/v1/auth/token", {"email": victim.email, "password": "wrong"}, format="json")
    response = api_client.post(
        "/api/v1/auth/token", {"email": other.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_auth_endpoints_are_throttled_per_client(api_client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "auth": "3/min"})
    responses = [register(api_client, email=f"u{i}@example.com") for i in range(4)]
    assert [r.status_code for r in responses] == [201, 201, 201, 429]
    assert responses[3].json()["code"] == "throttled"
    assert int(responses[3]["Retry-After"]) > 0
    assert User.objects.count() == 3
