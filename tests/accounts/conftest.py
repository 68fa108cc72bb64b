"""Fixtures of the accounts tests: the mails the account pages send, and links read out of them."""

import re
from urllib.parse import urlsplit

import pytest


@pytest.fixture
def outbox(mailoutbox, monkeypatch):
    """Django's test outbox, with account mails sent at once (a test's transaction never commits)."""
    monkeypatch.setattr("accounts.emails.after_commit", lambda reason, effect: effect())
    return mailoutbox


def link_in(mail) -> str:
    """The path of the (one) link in a mail's text body."""
    found = re.findall(r"https?://\S+", mail.body)
    assert len(found) == 1, mail.body
    return urlsplit(found[0]).path


def signs_in(client, email: str, password: str) -> bool:
    """Whether the sign-in page accepts ``email`` and ``password`` (it redirects only on success)."""
    response = client.post("/accounts/login/", {"username": email, "password": password})
    return response.status_code == 302
