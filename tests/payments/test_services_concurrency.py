"""Races on real PostgreSQL: one charge per attempt key, refunds that never overshoot, webhooks applied once."""

from decimal import Decimal
import time

from django.db import transaction
import pytest

from payments import services
from payments.errors import InvalidWebhook, RefundExceedsCaptured
from payments.gateways.test import build_event, signature_header, signed_request
from payments.models import Payment, PaymentEvent, Refund, WebhookReceipt
from tests.concurrency import race
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 10


def test_ten_concurrent_charges_with_one_attempt_key_make_one_payment_and_one_gateway_call(gateway_charges):
    results = race(
        lambda i: services.charge(
            order_id="ord_race", amount=Decimal("42.00"), currency="USD", payment_token="tok_visa", attempt_key="k-1"
        ),
        THREADS,
    )
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Payment.objects.count() == 1
    assert len(gateway_charges.calls) == 1
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED


def test_concurrent_refunds_never_add_up_to_more_than_was_captured():
    payment = PaymentFactory(amount=Decimal("100.00"))
    results = race(lambda i: services.refund(payment_id=payment.pk, amount=Decimal("15.00")), THREADS)
    refunds = [r for r in results if isinstance(r, Refund)]
    assert len(refunds) == 6  # 6 x 15.00 = 90.00; a seventh would pass 100.00
    assert all(isinstance(r, RefundExceedsCaptured) for r in results if not isinstance(r, Refund)), results
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("90.00")
    assert sum(Refund.objects.filter(payment=payment, status="succeeded").values_list("amount", flat=True)) == Decimal(
        "90.00"
    )


def test_concurrent_deliveries_of_one_event_settle_the_payment_and_publish_once(published):
    payment = PaymentFactory(status=Payment.Status.PENDING, gateway_reference="ch_test_race")
    body, _ = signed_request(build_event(gateway_reference=payment.gateway_reference))
    now = int(time.time())
    # Each delivery is signed at another second: ten fresh signatures of one event.
    results = race(
        lambda i: services.handle_webhook(
            gateway="test", body=body, headers={"Bazaar-Signature": signature_header(body=body, timestamp=now - i)}
        ),
        THREADS,
    )
    assert results == [None] * THREADS
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert PaymentEvent.objects.filter(payment=payment, kind="webhook").count() == 1
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_concurrent_replays_of_one_signature_are_accepted_once():
    payment = PaymentFactory(status=Payment.Status.PENDING, gateway_reference="ch_test_replay")
    body, headers = signed_request(build_event(gateway_reference=payment.gateway_reference))
    results = race(lambda i: services.handle_webhook(gateway="test", body=body, headers=headers), THREADS)
    assert results.count(None) == 1
    assert sum(isinstance(r, InvalidWebhook) for r in results) == THREADS - 1
    assert WebhookReceipt.objects.count() == 1


def test_async_payment_settles_by_its_own_webhook_once_committed(published):
    payment = services.charge(
        order_id="ord_async", amount=Decimal("5.00"), currency="USD", payment_token="tok_async", attempt_key="k-async"
    )
    # Eager Celery: the webhook was delivered in-process right after the pending payment committed.
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_charge_inside_a_transaction_fails_loudly_before_calling_the_gateway(gateway_charges):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.charge(
            order_id="ord_tx", amount=Decimal("5.00"), currency="USD", payment_token="tok_visa", attempt_key="k-tx"
        )
    assert gateway_charges.calls == []
    assert not Payment.objects.exists()
