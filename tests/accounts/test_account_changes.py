"""Changing the e-mail address and the password, and signing out everywhere, from the account page."""

from django.test import Client
from django.urls import reverse
import pytest

from accounts.models import User
from tests.accounts.conftest import link_in, signs_in
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("accounts:account")
NEW_PASSWORD = "a-brand-new-secret-9"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client) -> bool:
    return client.get(ACCOUNT).status_code == 200


def refresh_token(api_client, user, password=DEFAULT_PASSWORD) -> str:
    return api_client.post("/api/v1/auth/token", {"email": user.email, "password": password}).json()["refresh"]


def test_the_account_page_links_every_change(client):
    client.force_login(UserFactory())
    page = client.get(ACCOUNT).content.decode()
    for name in ("change-email", "change-password", "sign-out-everywhere"):
        assert reverse(f"accounts:{name}") in page
    assert reverse("accounts:two-factor") not in page  # buyers are not offered two-factor sign-in


# --- E-mail ---------------------------------------------------------------------------------------


def test_a_new_address_applies_once_its_link_is_opened_and_the_old_one_is_told(outbox):
    user = UserFactory(email="old@example.com")
    client = signed_in(user)
    response = client.post(reverse("accounts:change-email"), {"email": "New@Example.com", "password": DEFAULT_PASSWORD})
    assert response["Location"] == ACCOUNT
    user.refresh_from_db()
    assert user.email == "old@example.com"  # nothing changes before the link is opened
    assert [mail.to for mail in outbox] == [["new@example.com"]]

    link = link_in(outbox[0])
    client.get(link)
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("new@example.com", True)
    assert outbox[1].to == ["old@example.com"]
    assert "new@example.com" in outbox[1].body
    assert client.get(link).status_code == 400  # used


def test_changing_the_address_needs_the_password_and_a_free_address(outbox):
    UserFactory(email="taken@example.com")
    client = signed_in(UserFactory())
    wrong = client.post(reverse("accounts:change-email"), {"email": "free@example.com", "password": "nope-nope"})
    assert wrong.context["form"].errors["password"]
    taken = client.post(reverse("accounts:change-email"), {"email": "TAKEN@example.com", "password": DEFAULT_PASSWORD})
    assert taken.status_code == 400
    assert taken.context["form"].errors["email"] == ["An account with this e-mail address already exists."]
    assert outbox == []


def test_an_address_taken_while_the_link_waited_is_refused(outbox):
    user = UserFactory(email="old@example.com")
    signed_in(user).post(reverse("accounts:change-email"), {"email": "new@example.com", "password": DEFAULT_PASSWORD})
    UserFactory(email="new@example.com")
    response = Client().get(link_in(outbox[0]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "old@example.com"


# --- Password -------------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(api_client):
    user = UserFactory()
    here, elsewhere = signed_in(user), signed_in(user)
    refresh = refresh_token(api_client, user)

    response = here.post(
        reverse("accounts:change-password"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == ACCOUNT
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert api_client.post("/api/v1/auth/token/refresh", {"refresh": refresh}).status_code == 401
    assert signs_in(Client(), user.email, NEW_PASSWORD)


def test_changing_the_password_needs_the_old_one():
    user = UserFactory()
    client = signed_in(user)
    response = client.post(
        reverse("accounts:change-password"),
        {"old_password": "not-it-at-all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


# --- Sign out everywhere --------------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_and_refresh_token(api_client):
    user = UserFactory()
    here, elsewhere = signed_in(user), signed_in(user)
    refresh = refresh_token(api_client, user)

    assert here.post(reverse("accounts:sign-out-everywhere"))["Location"] == reverse("accounts:login")
    assert not is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert api_client.post("/api/v1/auth/token/refresh", {"refresh": refresh}).status_code == 401
    assert User.objects.get(pk=user.pk).session_epoch == 1

    again = Client()
    assert signs_in(again, user.email, DEFAULT_PASSWORD)  # a new sign-in works as before
    assert is_signed_in(again)


def test_sign_out_everywhere_is_a_post():
    client = signed_in(UserFactory())
    assert client.get(reverse("accounts:sign-out-everywhere")).status_code == 405
    assert is_signed_in(client)
