"""Refunds: partial and cumulative, never more than was captured (the service and the database say so)."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
import pytest

from payments import services
from payments.errors import InvalidAmount, PaymentNotCaptured, PaymentNotFound, RefundExceedsCaptured
from payments.gateways.base import FAILED, RefundResult
from payments.gateways.test import TestGateway
from payments.models import Payment, PaymentEvent, Refund
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def refund(payment, amount: str, reason: str = "customer asked"):
    return services.refund(payment_id=payment.pk, amount=Decimal(amount), reason=reason)


def test_partial_refunds_add_up_on_the_payment():
    payment = PaymentFactory(amount=Decimal("100.00"))
    first = refund(payment, "30.00")
    second = refund(payment, "45.50")
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("75.50")
    assert [(r.status, r.amount) for r in (first, second)] == [
        ("succeeded", Decimal("30.00")),
        ("succeeded", Decimal("45.50")),
    ]
    assert first.id.startswith("re_")
    assert first.gateway_reference.startswith("re_test_")


def test_refunding_exactly_what_is_left_is_allowed():
    payment = PaymentFactory(amount=Decimal("100.00"))
    refund(payment, "60.00")
    refund(payment, "40.00")
    payment.refresh_from_db()
    assert payment.refunded_amount == payment.amount


def test_refund_beyond_what_is_left_is_refused_and_changes_nothing():
    payment = PaymentFactory(amount=Decimal("100.00"))
    refund(payment, "70.00")
    with pytest.raises(RefundExceedsCaptured) as caught:
        refund(payment, "30.01")
    assert caught.value.code == "refund_exceeds_captured"
    assert caught.value.extra == {"refundable": "30.00", "requested": "30.01"}
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("70.00")
    assert Refund.objects.filter(payment=payment).count() == 1


def test_uncaptured_payment_cannot_be_refunded():
    for status in (Payment.Status.PENDING, Payment.Status.FAILED):
        payment = PaymentFactory(status=status)
        with pytest.raises(PaymentNotCaptured):
            refund(payment, "1.00")
    assert not Refund.objects.exists()


def test_refund_of_zero_or_less_is_refused():
    payment = PaymentFactory()
    for amount in ("0", "-5.00", "0.004"):
        with pytest.raises(InvalidAmount):
            refund(payment, amount)


def test_refund_of_a_missing_payment_is_not_found():
    with pytest.raises(PaymentNotFound):
        services.refund(payment_id="pay_missing", amount=Decimal("1.00"))


def test_refund_is_recorded_in_the_payments_history():
    payment = PaymentFactory()
    done = refund(payment, "10.00")
    history = list(PaymentEvent.objects.filter(payment=payment).values_list("kind", "data__refund_id"))
    assert history == [("refund_requested", done.id), ("refund_succeeded", done.id)]


def test_refund_publishes_payment_refunded(published, django_capture_on_commit_callbacks):
    payment = PaymentFactory(order_id="ord_r1")
    with django_capture_on_commit_callbacks(execute=True):
        done = refund(payment, "12.34")
    assert published == [
        (
            "payment.refunded",
            {"payment_id": payment.pk, "order_id": "ord_r1", "refund_id": done.id, "amount": "12.34"},
        )
    ]


def test_refund_the_gateway_refuses_is_failed_and_gives_the_amount_back(monkeypatch):
    monkeypatch.setattr(TestGateway, "refund", lambda self, **kwargs: RefundResult(status=FAILED))
    payment = PaymentFactory(amount=Decimal("100.00"))
    failed = refund(payment, "80.00")
    assert failed.status == Refund.Status.FAILED
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0.00")
    assert PaymentEvent.objects.filter(payment=payment, kind="refund_failed").count() == 1


def test_database_refuses_a_raw_over_refund():
    payment = PaymentFactory(amount=Decimal("100.00"))
    with pytest.raises(IntegrityError, match="payments_payment_refunded_within_amount"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=F("amount") + Decimal("0.01"))
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0.00")


def test_database_refuses_a_refund_on_an_uncaptured_payment():
    payment = PaymentFactory(status=Payment.Status.PENDING)
    with pytest.raises(IntegrityError, match="payments_payment_refunds_only_when_captured"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=Decimal("1.00"))


def test_database_refuses_a_negative_refunded_amount():
    payment = PaymentFactory()
    with pytest.raises(IntegrityError, match="payments_payment_refunded_not_negative"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=Decimal("-1.00"))
