"""Storefront pages: sign up, sign in, sign out, the account page and the address book."""

import pytest

from accounts.models import Address, User
from tests.accounts.factories import DEFAULT_PASSWORD, AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_account_and_signs_in(client):
    response = client.post(
        "/accounts/signup/", {"name": "Ann Smith", "email": "Ann@Example.com", "password": "s3cure-enough-pass"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    user = User.objects.get(email="ann@example.com")
    assert client.get("/accounts/").context["user"] == user


def test_sign_up_with_a_taken_email_shows_the_error(client):
    UserFactory(email="ann@example.com")
    response = client.post(
        "/accounts/signup/", {"name": "Ann", "email": "ann@example.com", "password": "s3cure-enough-pass"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_rejects_a_weak_password(client):
    response = client.post("/accounts/signup/", {"name": "Ann", "email": "ann@example.com", "password": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.exists()


def test_sign_in_and_sign_out(client):
    user = UserFactory(name="Ann Smith")
    response = client.post("/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/"
    assert "Ann" in response.content.decode()
    response = client.post("/accounts/logout/", follow=True)
    assert not response.context["user"].is_authenticated


def test_sign_in_with_a_wrong_password_shows_an_error(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_sign_in_is_locked_after_repeated_failures(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_sign_in_does_not_redirect_to_another_site(client):
    user = UserFactory()
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == "/accounts/"


def test_account_page_requires_sign_in(client):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/")


def test_account_page_lists_the_users_addresses_only(client):
    user = UserFactory()
    AddressFactory(user=user, line1="1 Mine Street")
    AddressFactory(line1="9 Theirs Road")
    client.force_login(user)
    html = client.get("/accounts/").content.decode()
    assert "1 Mine Street" in html
    assert "9 Theirs Road" not in html


def test_add_edit_and_remove_an_address_from_the_account_page(client):
    user = UserFactory()
    client.force_login(user)
    form = {"name": "Ann", "line1": "1 Main St", "city": "Springfield", "postal_code": "62701", "country": "us"}
    assert client.post("/accounts/addresses/new/", form).status_code == 302
    address = Address.objects.get(user=user)
    assert (address.country, address.is_default) == ("US", True)

    client.post(f"/accounts/addresses/{address.pk}/edit/", {**form, "city": "Shelbyville", "country": "US"})
    address.refresh_from_db()
    assert address.city == "Shelbyville"

    client.post(f"/accounts/addresses/{address.pk}/delete/")
    assert not Address.objects.filter(user=user).exists()


def test_invalid_address_form_shows_errors_and_saves_nothing(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/addresses/new/", {"name": "Ann", "country": "USA"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"line1", "city", "postal_code", "country"}
    assert not Address.objects.exists()


def test_someone_elses_address_pages_are_404(client):
    theirs = AddressFactory()
    client.force_login(UserFactory())
    assert client.get(f"/accounts/addresses/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/accounts/addresses/{theirs.pk}/delete/").status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_pages_extend_the_shell_with_search_cart_and_account_menu(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert 'id="cart-badge"' in html
    assert "Sign in" in html
    client.force_login(UserFactory(name="Zed Zebra"))
    assert 'data-testid="header-user-name">Zed<' in client.get("/").content.decode()


def test_missing_page_is_the_storefront_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()
