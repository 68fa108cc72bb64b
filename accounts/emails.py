"""The account e-mails (password reset, e-mail verification and change): plain text plus HTML, sent after commit.

Every mail to one address counts against ``ACCOUNT_EMAILS_PER_ADDRESS``; past it nothing is sent and the
caller cannot tell, so the forms answer the same whether an account exists and nobody is mail-bombed.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from shop import throttles
from shop.side_effects import after_commit


def send(*, to: str, name: str, subject: str, paragraphs: list[str], link: str = "", link_label: str = "") -> bool:
    """Mail ``to`` (greeting ``name``) after the transaction commits; False when the address's quota is spent."""
    limit, period = throttles.parse_rate(settings.ACCOUNT_EMAILS_PER_ADDRESS)
    if not throttles.hit("account_email_to", to.lower(), limit=limit, period=period).allowed:
        return False
    context = {
        "store_name": settings.STORE_NAME,
        "subject": subject,
        "name": name or to,
        "paragraphs": paragraphs,
        "link": link,
        "link_label": link_label,
    }
    text = render_to_string("accounts/email/message.txt", context)
    html = render_to_string("accounts/email/message.html", context)
    mail = functools.partial(send_mail, f"{subject} · {settings.STORE_NAME}", text, None, [to], html_message=html)
    after_commit("accounts.email", mail)
    return True
