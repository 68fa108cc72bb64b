"""Charging through the test gateway: tokens, one charge per attempt key, async settlement by webhook."""

from decimal import Decimal

import pytest

from payments import services
from payments.errors import AttemptKeyReused, InvalidAmount
from payments.gateways.test import TestGateway
from payments.models import Payment, PaymentEvent, WebhookReceipt
from payments.tasks import deliver_test_webhook

pytestmark = pytest.mark.django_db


def charge(token: str, *, attempt_key: str = "attempt-1", order_id: str = "ord_abc", amount: str = "25.50"):
    return services.charge(
        order_id=order_id, amount=Decimal(amount), currency="USD", payment_token=token, attempt_key=attempt_key
    )


def test_visa_token_succeeds_at_once_with_a_gateway_reference():
    payment = charge("tok_visa")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.id.startswith("pay_")
    assert payment.gateway_reference.startswith("ch_test_")
    assert (payment.order_id, payment.amount, payment.currency, payment.decline_code) == (
        "ord_abc",
        Decimal("25.50"),
        "USD",
        "",
    )


def test_declined_token_fails_with_the_decline_code_and_does_not_raise():
    payment = charge("tok_chargeDeclined")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.decline_code == "card_declined"


def test_unknown_token_fails_with_invalid_token():
    payment = charge("tok_nonsense")
    assert (payment.status, payment.decline_code, payment.gateway_reference) == ("failed", "invalid_token", None)


def test_charge_records_its_status_history():
    payment = charge("tok_chargeDeclined")
    history = list(PaymentEvent.objects.filter(payment=payment).values_list("kind", "status"))
    assert history == [("created", "pending"), ("charge", "failed")]
    assert PaymentEvent.objects.get(payment=payment, kind="charge").data["decline_code"] == "card_declined"


def test_a_sync_success_publishes_payment_succeeded_like_a_webhook_does(published, django_capture_on_commit_callbacks):
    # The order is then settled by its subscriber even if the caller's own settling step never runs.
    with django_capture_on_commit_callbacks(execute=True):
        payment = charge("tok_visa")
    assert published == [
        ("payment.succeeded", {"payment_id": payment.id, "order_id": "ord_abc", "amount": "25.50"}),
    ]


def test_a_sync_decline_publishes_nothing_its_caller_records_it(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        charge("tok_chargeDeclined")
    assert published == []


def test_a_repeated_attempt_key_publishes_its_success_once(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        charge("tok_visa")
        charge("tok_visa")
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_amount_is_kept_with_two_places():
    assert charge("tok_visa", amount="10.006").amount == Decimal("10.01")


def test_zero_amount_is_refused():
    with pytest.raises(InvalidAmount):
        charge("tok_visa", amount="0")
    assert not Payment.objects.exists()


def test_async_token_is_pending_until_the_gateways_webhook_settles_it(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        payment = charge("tok_async")
        assert payment.status == Payment.Status.PENDING  # the webhook is sent only after commit
        assert not WebhookReceipt.objects.exists()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert published == [
        ("payment.succeeded", {"payment_id": payment.id, "order_id": "ord_abc", "amount": "25.50"}),
    ]
    assert list(PaymentEvent.objects.filter(payment=payment).values_list("kind", "status")) == [
        ("created", "pending"),
        ("charge", "pending"),
        ("webhook", "succeeded"),
    ]


def test_async_charge_schedules_the_webhook_after_commit_with_the_configured_delay(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_TEST_WEBHOOK_DELAY_SECONDS = 7
    scheduled = []

    class FakeTask:
        def apply_async(self, **kwargs):
            scheduled.append(kwargs)

    monkeypatch.setattr("payments.tasks.deliver_test_webhook", FakeTask())
    with django_capture_on_commit_callbacks() as callbacks:
        payment = charge("tok_async")
    assert scheduled == []  # nothing is scheduled before the pending payment is committed
    for callback in callbacks:
        callback()
    assert scheduled == [
        {"kwargs": {"gateway_reference": payment.gateway_reference, "reference": payment.id}, "countdown": 7}
    ]


def test_settlement_task_run_twice_settles_once(published, django_capture_on_commit_callbacks):
    payment = charge("tok_async")  # its own scheduled delivery never runs: the test transaction never commits
    kwargs = {"gateway_reference": payment.gateway_reference, "reference": payment.id}
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver_test_webhook.apply(kwargs=kwargs).get()
        second = deliver_test_webhook.apply(kwargs=kwargs).get()
    assert (first, second) == ("delivered", "already-delivered")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert WebhookReceipt.objects.count() == 1
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_webhook_overtaking_the_charge_answer_settles_the_payment_once(
    monkeypatch, published, django_capture_on_commit_callbacks
):
    original = TestGateway.charge

    def charge_then_webhook(self, **kwargs):
        result = original(self, **kwargs)
        deliver_test_webhook.apply(
            kwargs={"gateway_reference": result.gateway_reference, "reference": kwargs["reference"]}
        )
        return result

    monkeypatch.setattr(TestGateway, "charge", charge_then_webhook)
    with django_capture_on_commit_callbacks(execute=True):
        payment = charge("tok_async")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert WebhookReceipt.objects.count() == 1  # no second delivery was scheduled
    assert [name for name, _ in published] == ["payment.succeeded"]


def test_same_attempt_key_twice_returns_the_same_payment_with_one_gateway_call(gateway_charges):
    first = charge("tok_visa")
    second = charge("tok_visa")
    assert second.pk == first.pk
    assert second.status == Payment.Status.SUCCEEDED
    assert len(gateway_charges.calls) == 1
    assert Payment.objects.count() == 1


def test_retry_of_a_declined_attempt_key_does_not_charge_again(gateway_charges):
    charge("tok_chargeDeclined")
    again = charge("tok_visa")  # a new card needs a new attempt key
    assert again.status == Payment.Status.FAILED
    assert len(gateway_charges.calls) == 1


def test_attempt_key_reused_for_another_order_is_refused(gateway_charges):
    charge("tok_visa")
    with pytest.raises(AttemptKeyReused):
        charge("tok_visa", order_id="ord_other")
    assert len(gateway_charges.calls) == 1


def test_sync_charge_takes_a_fixed_handful_of_queries(django_assert_max_num_queries):
    # 6, 2 outbox rows ("payment.succeeded" and its deliveries), and 4 savepoints standing in for the two
    # transactions.
    with django_assert_max_num_queries(12):
        charge("tok_visa")


def test_repeated_attempt_key_is_answered_in_a_fixed_handful_of_queries(django_assert_max_num_queries):
    charge("tok_visa")
    with django_assert_max_num_queries(4):  # insert-or-nothing and read, 2 savepoints
        charge("tok_visa")
