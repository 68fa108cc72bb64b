"""E-mail verification: mailed at sign-up, confirmed by its link, resent on request, required to sell."""

from django.core import signing
from django.urls import reverse
import pytest

from accounts import links
from accounts.models import User
from sellers.errors import EmailNotVerified
from sellers.models import Seller
from sellers.services import become_seller
from tests.accounts.conftest import link_in
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client):
    return client.post(
        reverse("accounts:signup"), {"name": "Ann Smith", "email": "ann@example.com", "password": "s3cure-enough-pass"}
    )


def test_sign_up_mails_a_link_that_confirms_the_address(client, outbox):
    sign_up(client)
    user = User.objects.get(email="ann@example.com")
    assert user.email_verified is False
    assert [mail.to for mail in outbox] == [["ann@example.com"]]

    response = client.get(link_in(outbox[0]))
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.email_verified is True


def test_api_registration_mails_the_link_too(api_client, outbox):
    body = {"email": "bob@example.com", "password": "s3cure-enough-pass", "name": "Bob"}
    assert api_client.post("/api/v1/auth/register", body).status_code == 201
    assert [mail.to for mail in outbox] == [["bob@example.com"]]
    api_client.get(link_in(outbox[0]))
    assert User.objects.get(email="bob@example.com").email_verified is True


def test_forged_expired_or_stale_links_are_refused(client, settings):
    user = UserFactory(email_verified=False)
    forged = signing.dumps({"u": user.pk, "e": user.email}, salt="another-purpose")
    assert client.get(reverse("accounts:verify-email", args=[forged])).status_code == 400

    stale = links.verification_path(user)
    User.objects.filter(pk=user.pk).update(email="moved@example.com")
    assert client.get(stale).status_code == 400  # sent for an address the account no longer has

    settings.EMAIL_LINK_MAX_AGE = -1
    user.refresh_from_db()
    assert client.get(links.verification_path(user)).status_code == 400
    user.refresh_from_db()
    assert user.email_verified is False


def test_the_account_page_offers_to_resend_the_link(client, outbox):
    user = UserFactory(email_verified=False)
    client.force_login(user)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Not confirmed" in page
    assert reverse("accounts:verify-email-resend") in page

    assert client.post(reverse("accounts:verify-email-resend"))["Location"] == "/accounts/"
    assert [mail.to for mail in outbox] == [[user.email]]
    client.get(link_in(outbox[0]))
    assert "Not confirmed" not in client.get(reverse("accounts:account")).content.decode()


def test_a_verified_user_is_sent_nothing(client, outbox):
    client.force_login(UserFactory())
    client.post(reverse("accounts:verify-email-resend"))
    assert outbox == []


def test_an_unverified_user_cannot_become_a_seller(client, api_client):
    user = UserFactory(email_verified=False)
    with pytest.raises(EmailNotVerified):
        become_seller(user=user, store_name="Ann's")

    client.force_login(user)
    page = client.get(reverse("sellers:sell"))
    assert "First confirm your e-mail address" in page.content.decode()
    assert reverse("accounts:verify-email-resend") in page.content.decode()
    client.post(reverse("sellers:sell"), {"store_name": "Ann's", "description": "Things"})

    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/sellers", {"store_name": "Ann's", "description": "Things"})
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert not Seller.objects.exists()


def test_once_verified_the_user_can_become_a_seller(client, outbox):
    user = UserFactory(email_verified=False)
    client.force_login(user)
    client.post(reverse("accounts:verify-email-resend"), {"next": "/sell/"})
    client.get(link_in(outbox[0]))
    client.post(reverse("sellers:sell"), {"store_name": "Ann's", "description": "Things"})
    assert Seller.objects.get().user == user
