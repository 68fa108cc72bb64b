"""POST /api/v1/payments/webhooks/{gateway}: signed raw bodies, no auth or CSRF, each signature used once."""

import json
import time

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from payments.gateways.test import build_event, signature_header, signed_request
from payments.models import Payment, PaymentEvent, WebhookReceipt
from tests.accounts.factories import UserFactory
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/webhooks/test"


@pytest.fixture
def payment():
    return PaymentFactory(status=Payment.Status.PENDING, gateway_reference="ch_test_async1", order_id="ord_w1")


@pytest.fixture
def post(api_client, django_capture_on_commit_callbacks):
    """POST raw bytes with headers, running what the request defers to commit (events)."""

    def send(body: bytes, headers: dict[str, str], *, client: APIClient | None = None, url: str = URL):
        extra = {
            f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
        }
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api_client).post(url, data=body, content_type="application/json", **extra)

    return send


def succeeded_event(payment, **overrides):
    event = build_event(gateway_reference=payment.gateway_reference, reference=payment.pk)
    return {**event, **overrides}


def assert_invalid_webhook(response):
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_webhook"


def test_validly_signed_webhook_settles_the_payment(post, payment, published):
    response = post(*signed_request(succeeded_event(payment)))
    assert response.status_code == 200
    assert response.json() == {"received": True}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert published == [("payment.succeeded", {"payment_id": payment.pk, "order_id": "ord_w1", "amount": "100.00"})]


def test_webhook_ignores_a_signed_in_session_without_csrf_token_and_a_bad_jwt(post, payment):
    strict = APIClient(enforce_csrf_checks=True)
    strict.force_login(UserFactory())  # session auth would demand a CSRF token
    response = post(*signed_request(succeeded_event(payment)), client=strict)
    assert response.status_code == 200
    strict.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")  # JWT auth would answer 401
    response = post(*signed_request(succeeded_event(payment), timestamp=int(time.time()) - 1), client=strict)
    assert response.status_code == 200


def test_bad_signature_is_refused_and_changes_nothing(post, payment, published):
    body, headers = signed_request(succeeded_event(payment))
    headers["Bazaar-Signature"] = headers["Bazaar-Signature"][:-4] + "0000"
    assert_invalid_webhook(post(body, headers))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not WebhookReceipt.objects.exists()
    assert published == []


def test_body_changed_after_signing_is_refused(post, payment):
    body, headers = signed_request(succeeded_event(payment))
    tampered = body.replace(payment.gateway_reference.encode(), b"ch_test_someone_else")
    assert_invalid_webhook(post(tampered, headers))


def test_missing_or_malformed_signature_header_is_refused(post, payment):
    body, _ = signed_request(succeeded_event(payment))
    assert_invalid_webhook(post(body, {}))
    assert_invalid_webhook(post(body, {"Bazaar-Signature": "v1=abc"}))
    assert_invalid_webhook(post(body, {"Bazaar-Signature": "nonsense"}))


def test_stale_timestamp_is_refused_even_when_correctly_signed(post, payment, settings):
    stale = int(time.time()) - settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS - 5
    assert_invalid_webhook(post(*signed_request(succeeded_event(payment), timestamp=stale)))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_timestamp_far_in_the_future_is_refused(post, payment, settings):
    future = int(time.time()) + settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS + 5
    assert_invalid_webhook(post(*signed_request(succeeded_event(payment), timestamp=future)))


def test_exact_replay_of_a_signature_is_refused_and_changes_nothing(post, payment, published):
    body, headers = signed_request(succeeded_event(payment))
    assert post(body, headers).status_code == 200
    history = PaymentEvent.objects.count()
    assert_invalid_webhook(post(body, headers))
    assert WebhookReceipt.objects.count() == 1
    assert PaymentEvent.objects.count() == history
    assert len(published) == 1


def test_replayed_signature_is_refused_after_the_payment_has_changed(post, published):
    pending = PaymentFactory(status=Payment.Status.PENDING, gateway_reference="ch_test_async2")
    body, headers = signed_request(
        {**succeeded_event(pending), "type": "payment.failed", "data": {"gateway_reference": "ch_test_async2"}}
    )
    assert post(body, headers).status_code == 200
    assert_invalid_webhook(post(body, headers))
    pending.refresh_from_db()
    assert pending.status == Payment.Status.FAILED


def test_duplicate_delivery_of_an_event_with_a_fresh_signature_is_accepted_and_harmless(post, payment, published):
    event = succeeded_event(payment)
    body, _ = signed_request(event)
    first = post(body, {"Bazaar-Signature": signature_header(body=body, timestamp=int(time.time()) - 10)})
    history = PaymentEvent.objects.count()
    second = post(body, {"Bazaar-Signature": signature_header(body=body)})
    assert (first.status_code, second.status_code) == (200, 200)
    assert PaymentEvent.objects.count() == history
    assert list(WebhookReceipt.objects.values_list("event_id", "duplicate")) == [
        (event["id"], False),
        (event["id"], True),
    ]
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_failed_event_fails_the_payment_and_publishes_payment_failed(post, payment, published):
    event = succeeded_event(
        payment,
        type="payment.failed",
        data={"gateway_reference": payment.gateway_reference, "decline_code": "expired_card"},
    )
    assert post(*signed_request(event)).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.decline_code) == ("failed", "expired_card")
    assert published == [
        (
            "payment.failed",
            {"payment_id": payment.pk, "order_id": "ord_w1", "amount": "100.00", "decline_code": "expired_card"},
        )
    ]


def test_event_for_an_already_settled_payment_changes_nothing(post, published):
    settled = PaymentFactory(status=Payment.Status.SUCCEEDED, gateway_reference="ch_test_done")
    event = succeeded_event(settled, type="payment.failed")
    assert post(*signed_request(event)).status_code == 200
    settled.refresh_from_db()
    assert settled.status == Payment.Status.SUCCEEDED
    assert published == []


def test_event_for_an_unknown_payment_is_acknowledged_and_ignored(post, published):
    event = build_event(gateway_reference="ch_test_not_ours")
    assert post(*signed_request(event)).status_code == 200
    assert published == []


def test_event_of_an_unhandled_type_is_acknowledged(post, payment):
    assert post(*signed_request(succeeded_event(payment, type="charge.dispute.created"))).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_signed_body_that_is_not_an_event_is_refused(post):
    for body in (b"not json", b"[]", json.dumps({"id": "evt_1", "type": "payment.succeeded"}).encode()):
        assert_invalid_webhook(post(body, {"Bazaar-Signature": signature_header(body=body)}))
    assert not WebhookReceipt.objects.exists()


def test_unknown_gateway_is_not_found(post, payment):
    response = post(*signed_request(succeeded_event(payment)), url="/api/v1/payments/webhooks/nosuch")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_webhook_is_not_throttled_like_anonymous_clients(post, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "1/min"})
    event = build_event(gateway_reference="ch_test_not_ours")
    now = int(time.time())
    statuses = [post(*signed_request(event, timestamp=now - i)).status_code for i in range(3)]
    assert statuses == [200, 200, 200]


def test_webhook_is_applied_in_a_fixed_handful_of_queries(api_client, payment, django_assert_max_num_queries):
    body, headers = signed_request(succeeded_event(payment))
    # 6, 2 outbox rows ("payment.succeeded" and its deliveries), and 3 savepoints standing in for the
    # transaction; subscribers run after commit (not counted here).
    with django_assert_max_num_queries(11):
        response = api_client.post(
            URL, data=body, content_type="application/json", HTTP_BAZAAR_SIGNATURE=headers["Bazaar-Signature"]
        )
    assert response.status_code == 200


def test_schema_describes_the_webhook_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/payments/webhooks/{gateway}"]["post"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert "Bazaar-Signature" in [p["name"] for p in operation["parameters"]]
