"""Refresh tokens rotate, and mobile clients sign out: one token, or every token of the user."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def tokens(api_client, user) -> dict:
    response = api_client.post("/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    return response.json()


def refresh(api_client, token):
    return api_client.post("/api/v1/auth/token/refresh", {"refresh": token})


def test_a_refresh_rotates_the_refresh_token_and_revokes_the_old_one(api_client):
    first = tokens(api_client, UserFactory())
    rotated = refresh(api_client, first["refresh"])
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first["refresh"]
    assert refresh(api_client, first["refresh"]).status_code == 401  # single use
    assert refresh(api_client, rotated.json()["refresh"]).status_code == 200


def test_logout_revokes_the_refresh_token_only(api_client):
    user = UserFactory()
    phone, tablet = tokens(api_client, user), tokens(api_client, user)
    response = api_client.post("/api/v1/auth/logout", {"refresh": phone["refresh"]})
    assert response.status_code == 204
    assert refresh(api_client, phone["refresh"]).status_code == 401
    assert refresh(api_client, tablet["refresh"]).status_code == 200


@pytest.mark.parametrize("token", ["not-a-jwt", ""])
def test_logout_refuses_what_is_not_a_refresh_token(api_client, token):
    response = api_client.post("/api/v1/auth/logout", {"refresh": token})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_logout_refuses_an_access_token_and_a_revoked_one(api_client):
    pair = tokens(api_client, UserFactory())
    assert api_client.post("/api/v1/auth/logout", {"refresh": pair["access"]}).status_code == 400
    assert api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]}).status_code == 204
    assert api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]}).status_code == 400


def test_logout_all_revokes_every_refresh_token_of_the_caller_only(api_client):
    user, other = UserFactory(), UserFactory()
    phone, tablet, others = tokens(api_client, user), tokens(api_client, user), tokens(api_client, other)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {phone['access']}")
    assert api_client.post("/api/v1/auth/logout/all").status_code == 204
    api_client.credentials()
    assert refresh(api_client, phone["refresh"]).status_code == 401
    assert refresh(api_client, tablet["refresh"]).status_code == 401
    assert refresh(api_client, others["refresh"]).status_code == 200
    assert BlacklistedToken.objects.filter(token__user=user).count() == 2


def test_logout_all_needs_a_signed_in_caller(api_client):
    assert api_client.post("/api/v1/auth/logout/all").status_code == 401
