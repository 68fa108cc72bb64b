"""A real e-mail: the handler's message goes through Django's SMTP backend to a local SMTP server on loopback."""

from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
import pytest

from notifications import events
from tests.notifications.conftest import new_event_id
from tests.notifications.factories import paid_payload
from tests.ports import free_port


class Inbox(Sink):
    """Keeps every message the server accepts, as (envelope recipients, parsed message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.mark.django_db
def test_the_order_confirmation_arrives_at_a_real_smtp_server_as_text_and_html(smtp_server, order, buyer):
    events.notify_order_paid(event_id=new_event_id(), **paid_payload(order))

    to_buyer = [message for recipients, message in smtp_server.received if recipients == [buyer.email]]
    assert len(to_buyer) == 1
    message = to_buyer[0]
    assert message["Subject"].startswith(f"Order {order.pk} confirmed")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "2 x Blue Mug" in text
    assert "Total: 33.99 USD" in text
    assert "Blue Mug" in html
    assert "<html" in html
    # The buyer and both sellers: three messages, one each.
    assert sorted(len(recipients) for recipients, _ in smtp_server.received) == [1, 1, 1]
