"""A shopper who forgot their password resets it from the mailed link and signs in with the new one."""

import re

from playwright.sync_api import Page, expect
import pytest

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "robins-new-secret-42"


def sign_in(page: Page, base: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail").fill("robin@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_forgotten_password_is_reset_from_the_mailed_link(page: Page, base: str, mailoutbox):
    UserFactory(email="robin@example.com", name="Robin Buyer")

    page.goto(base + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill("robin@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    assert [mail.to for mail in mailoutbox] == [["robin@example.com"]]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    assert link.startswith(base)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()

    sign_in(page, base, DEFAULT_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("do not match")

    sign_in(page, base, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_test_id("header-user-name")).to_have_text("Robin")

    page.goto(link)  # the link worked once
    expect(page.get_by_role("alert")).to_contain_text("invalid or has expired")
