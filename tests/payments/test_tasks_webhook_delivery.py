"""The test gateway delivers its settling webhook over real HTTP to the store's own endpoint."""

from decimal import Decimal
import json
import time

import pytest

from payments import services
from payments.gateways import test as gateway_module
from payments.gateways.test import TestGateway, event_id_for
from payments.models import Payment, WebhookReceipt
from payments.tasks import deliver_test_webhook

pytestmark = pytest.mark.django_db(transaction=True)


def test_async_payment_settles_through_a_signed_http_webhook(live_server, settings, monkeypatch, published):
    settings.PAYMENTS_TEST_WEBHOOK_BASE_URL = live_server.url
    received = []
    original = TestGateway.verify_webhook

    def spying_verify(self, *, body, headers):
        received.append((body, dict(headers)))
        return original(self, body=body, headers=headers)

    monkeypatch.setattr(TestGateway, "verify_webhook", spying_verify)

    payment = services.charge(
        order_id="ord_http", amount=Decimal("9.99"), currency="USD", payment_token="tok_async", attempt_key="k-http"
    )

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    [(body, headers)] = received  # one delivery, through the live server's request handling
    assert headers["Content-Type"] == "application/json"
    assert headers["Bazaar-Signature"].startswith("t=")
    event = json.loads(body)
    assert event["type"] == "payment.succeeded"
    assert event["id"] == event_id_for(gateway_reference=payment.gateway_reference, event_type="payment.succeeded")
    assert WebhookReceipt.objects.filter(event_id=event["id"]).count() == 1
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_delivery_the_store_refuses_is_given_up_not_retried(live_server, settings, monkeypatch):
    settings.PAYMENTS_TEST_WEBHOOK_BASE_URL = live_server.url
    payment = Payment.objects.create(
        order_id="ord_x", attempt_key="k-x", amount=Decimal("1.00"), currency="USD", gateway="test"
    )
    # The gateway signs wrongly: the store answers 400, and sending the same again would not help.
    monkeypatch.setattr(
        gateway_module, "signature_header", lambda *, body, timestamp=None: f"t={int(time.time())},v1={'0' * 64}"
    )
    result = deliver_test_webhook.apply(kwargs={"gateway_reference": "ch_test_x", "reference": payment.pk}).get()
    assert result == "refused"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not WebhookReceipt.objects.exists()
