"""Optional two-factor sign-in (TOTP) for sellers and staff: enrolment, storefront sign-in, API tokens, admin."""

import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
import pytest

from tests.accounts.conftest import signs_in
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

TWO_FACTOR = reverse("accounts:two-factor")
LOGIN_OTP = reverse("accounts:login-otp")


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    """django-otp refuses codes for a growing while after each wrong one; these tests type fast."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows (a step later with ``steps_ahead``: each code is single use)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def enrolled(user) -> TOTPDevice:
    """Two-factor sign-in switched on for ``user`` through the page; the device has used one code."""
    client = Client()
    client.force_login(user)
    client.post(TWO_FACTOR, {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    response = client.post(TWO_FACTOR, {"action": "confirm", "code": code(device)})
    assert response["Location"] == reverse("accounts:account")
    device.refresh_from_db()
    return device


@pytest.fixture
def seller_user():
    return SellerFactory().user


def test_buyers_are_not_offered_two_factor_sign_in(client):
    client.force_login(UserFactory())
    assert client.get(TWO_FACTOR).status_code == 403
    assert client.post(TWO_FACTOR, {"action": "start"}).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_a_seller_sees_the_secret_and_switches_it_on_with_a_code(client, seller_user):
    client.force_login(seller_user)
    assert reverse("accounts:two-factor") in client.get(reverse("accounts:account")).content.decode()
    client.post(TWO_FACTOR, {"action": "start"})
    page = client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=seller_user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert "otpauth://totp/" in page.content.decode()

    wrong = client.post(TWO_FACTOR, {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 401
    device.refresh_from_db()
    assert device.confirmed is False

    client.post(TWO_FACTOR, {"action": "confirm", "code": code(device)})
    device.refresh_from_db()
    assert device.confirmed is True
    assert "Two-factor sign-in</a> (on)" in client.get(reverse("accounts:account")).content.decode()


def test_sign_in_asks_for_the_code_after_the_password(client, seller_user):
    device = enrolled(seller_user)
    response = client.post(reverse("accounts:login"), {"username": seller_user.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == LOGIN_OTP
    assert client.get(reverse("accounts:account")).status_code == 302  # not signed in yet

    wrong = client.post(LOGIN_OTP, {"code": "123456"})
    assert wrong.status_code == 401
    assert client.get(reverse("accounts:account")).status_code == 302

    done = client.post(LOGIN_OTP, {"code": code(device, steps_ahead=1)})
    assert done["Location"] == reverse("accounts:account")
    assert client.get(reverse("accounts:account")).status_code == 200


def test_the_code_step_without_a_password_sends_back_to_sign_in(client):
    assert client.get(LOGIN_OTP)["Location"] == reverse("accounts:login")


def test_a_waiting_sign_in_expires(client, seller_user, monkeypatch):
    device = enrolled(seller_user)
    client.post(reverse("accounts:login"), {"username": seller_user.email, "password": DEFAULT_PASSWORD})
    later = time.time() + 600
    monkeypatch.setattr("accounts.views.time.time", lambda: later)
    response = client.post(LOGIN_OTP, {"code": code(device, steps_ahead=1)})
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:account")).status_code == 302


def test_api_tokens_need_the_code_of_an_enrolled_user(api_client, seller_user):
    device = enrolled(seller_user)
    body = {"email": seller_user.email, "password": DEFAULT_PASSWORD}

    missing = api_client.post("/api/v1/auth/token", body)
    assert (missing.status_code, missing.json()["code"]) == (400, "otp_required")
    wrong = api_client.post("/api/v1/auth/token", {**body, "otp": "000000"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_otp")
    right = code(device, steps_ahead=1)
    assert api_client.post("/api/v1/auth/token", {**body, "otp": right}).status_code == 200
    assert api_client.post("/api/v1/auth/token", {**body, "otp": right}).status_code == 401  # a code works once


def test_users_without_two_factor_need_no_code(api_client):
    user = UserFactory()
    assert api_client.post("/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 200


def test_switching_off_needs_a_code(client, seller_user):
    device = enrolled(seller_user)
    client.force_login(seller_user)
    assert client.post(TWO_FACTOR, {"action": "disable", "code": "000000"}).status_code == 401
    assert TOTPDevice.objects.filter(user=seller_user, confirmed=True).exists()

    client.post(TWO_FACTOR, {"action": "disable", "code": code(device, steps_ahead=1)})
    assert not TOTPDevice.objects.exists()
    assert signs_in(Client(), seller_user.email, DEFAULT_PASSWORD)


def test_the_admin_asks_enrolled_staff_for_the_code(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    device = enrolled(staff)
    client.force_login(staff)  # e.g. through the admin's own password-only sign-in page
    response = client.get("/admin/")
    assert response["Location"] == f"{LOGIN_OTP}?next=%2Fadmin%2F"
    done = client.post(f"{LOGIN_OTP}?next=/admin/", {"code": code(device, steps_ahead=1)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_opens_for_staff_without_two_factor(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
