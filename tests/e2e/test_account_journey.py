"""A newcomer signs up, signs out, signs back in, sees their name, confirms their e-mail and opens a store."""

import re

from playwright.sync_api import Page, expect
import pytest

from sellers.models import Seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_up_sign_out_sign_in_and_become_a_seller(page: Page, base: str, mailoutbox):
    page.goto(base + "/")
    page.get_by_role("link", name="Create account").click()

    page.get_by_label("Your name").fill("Robin Buyer")
    page.get_by_label("E-mail").fill("robin@example.com")
    page.get_by_label("Password").fill("robins-secret-pass")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_test_id("header-user-name")).to_have_text("Robin")

    page.get_by_text("Hello,").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("header-user-name")).to_have_count(0)

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail").fill("robin@example.com")
    page.get_by_label("Password").fill("robins-secret-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("header-user-name")).to_have_text("Robin")

    page.get_by_role("link", name=re.compile("Sell on")).first.click()
    expect(page.get_by_role("alert")).to_contain_text("First confirm your e-mail address")
    page.goto(re.search(r"https?://\S+", mailoutbox[-1].body).group(0))  # the link mailed at sign-up
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    page.get_by_role("link", name=re.compile("Sell on")).first.click()
    page.get_by_label("Store name").fill("Robin's Nest")
    page.get_by_label("What do you sell?").fill("Handmade birdhouses")
    page.get_by_role("button", name="Open my store").click()

    expect(page.get_by_role("heading", name="Robin's Nest")).to_be_visible()
    expect(page.get_by_text("Robin's Nest is open")).to_be_visible()
    assert Seller.objects.get(user__email="robin@example.com").store_name == "Robin's Nest"


def test_a_wrong_password_shows_an_error_on_the_page(page: Page, base: str):
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail").fill("nobody@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
