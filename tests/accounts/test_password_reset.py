"""Forgotten passwords: the reset mail, its link, and what a reset ends; pages and API alike."""

import re

from django.urls import reverse
import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from tests.accounts.conftest import link_in, signs_in
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-secret-9"


def ask_for_reset(client, email):
    return client.post(reverse("accounts:password-reset"), {"email": email})


def test_the_sign_in_page_links_to_the_reset_page(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'href="/accounts/password/reset/"' in page
    assert "Forgot your password?" in page


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_a_mail(client, outbox):
    user = UserFactory(email="ann@example.com")
    known = ask_for_reset(client, "ANN@example.com")
    unknown = ask_for_reset(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == reverse("accounts:password-reset-sent")
    assert [mail.to for mail in outbox] == [[user.email]]
    assert "Reset your password" in outbox[0].subject
    assert outbox[0].alternatives
    assert "Choose a new password" in outbox[0].alternatives[0][0]


def test_the_link_sets_a_new_password_once_and_only_the_new_one_signs_in(client, outbox):
    user = UserFactory()
    ask_for_reset(client, user.email)
    link = link_in(outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password-reset-complete")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)
    assert client.get(link, follow=True).context["validlink"] is False  # the link died with the old password
    assert not signs_in(client, user.email, DEFAULT_PASSWORD)
    assert signs_in(client, user.email, NEW_PASSWORD)


def test_a_weak_new_password_is_refused_on_the_page(client, outbox):
    user = UserFactory()
    ask_for_reset(client, user.email)
    set_url = client.get(link_in(outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_reset_ends_other_sessions_and_refresh_tokens(client, api_client, outbox):
    user = UserFactory()
    other_device = client.__class__()
    other_device.force_login(user)
    assert other_device.get(reverse("accounts:account")).status_code == 200
    tokens = api_client.post("/api/v1/auth/token", {"email": user.email, "password": DEFAULT_PASSWORD}).json()

    ask_for_reset(client, user.email)
    set_url = client.get(link_in(outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert other_device.get(reverse("accounts:account"))["Location"].startswith(reverse("accounts:login"))
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1
    refreshed = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 401


def test_mails_to_one_address_are_capped_but_the_answer_stays_the_same(client, outbox, settings):
    settings.ACCOUNT_EMAILS_PER_ADDRESS = "2/hour"
    user = UserFactory()
    answers = {ask_for_reset(client, user.email)["Location"] for _ in range(4)}
    assert answers == {reverse("accounts:password-reset-sent")}
    assert len(outbox) == 2


def test_the_reset_form_is_throttled_per_client_address(client, outbox, settings):
    settings.PAGE_THROTTLE_RATES = {**settings.PAGE_THROTTLE_RATES, "account_email": "3/min"}
    statuses = [ask_for_reset(client, f"x{n}@example.com").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]


# --- API --------------------------------------------------------------------------------------------


def uid_and_token(mail) -> dict:
    uid, token = re.fullmatch(r"/accounts/password/reset/([^/]+)/([^/]+)/", link_in(mail)).groups()
    return {"uid": uid, "token": token}


def test_api_reset_answers_202_for_any_address_and_mails_only_accounts(api_client, outbox):
    user = UserFactory()
    for email in (user.email, "nobody@example.com"):
        response = api_client.post("/api/v1/auth/password/reset", {"email": email})
        assert response.status_code == 202
        assert response.content == b""
    assert [mail.to for mail in outbox] == [[user.email]]


def test_api_confirm_sets_the_password_once(api_client, outbox):
    user = UserFactory()
    api_client.post("/api/v1/auth/password/reset", {"email": user.email})
    body = {**uid_and_token(outbox[0]), "new_password": NEW_PASSWORD}

    assert api_client.post("/api/v1/auth/password/reset/confirm", body).status_code == 204
    again = api_client.post("/api/v1/auth/password/reset/confirm", body)
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_link"
    signed_in = api_client.post("/api/v1/auth/token", {"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 200


def test_api_confirm_refuses_forged_links_and_weak_passwords(api_client, outbox):
    user = UserFactory()
    api_client.post("/api/v1/auth/password/reset", {"email": user.email})
    good = uid_and_token(outbox[0])

    forged = api_client.post(
        "/api/v1/auth/password/reset/confirm", {**good, "token": "abc-123", "new_password": NEW_PASSWORD}
    )
    assert (forged.status_code, forged.json()["code"]) == (400, "invalid_link")
    weak = api_client.post("/api/v1/auth/password/reset/confirm", {**good, "new_password": "password"})
    assert (weak.status_code, weak.json()["code"]) == (400, "validation_error")
    assert "new_password" in weak.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
