"""Write use cases of the payments app: charge, refund, and apply the gateways' webhooks.

Gateways are called outside any database transaction: each use case records its intent in one short
transaction, calls the gateway, then records the answer in another (under a row lock on the payment).
Every change of a payment writes a PaymentEvent in the same transaction. A payment that succeeds
publishes "payment.succeeded" once, whether the gateway said so at once or later by webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.utils import timezone
import structlog

from payments.errors import (
    AttemptKeyReused,
    InvalidAmount,
    InvalidWebhook,
    PaymentNotCaptured,
    RefundExceedsCaptured,
)
from payments.gateways import ChargeResult, RefundResult, WebhookEvent, get_gateway
from payments.gateways.base import FAILED, SUCCEEDED
from payments.locks import lock_payment, lock_payment_for_webhook, lock_refund
from payments.models import Payment, PaymentEvent, Refund, WebhookReceipt
from shop import events, webhooks
from shop import sql as shop_sql
from shop.money import quantize

logger = structlog.get_logger(__name__)

Status = Payment.Status
Kind = PaymentEvent.Kind


# --- Charge -------------------------------------------------------------------------------------


def charge(*, order_id: str, amount: Decimal, currency: str, payment_token: str, attempt_key: str) -> Payment:
    """Charge ``amount`` for an order once per ``attempt_key``: a repeated key returns the same Payment
    without calling the gateway again. A decline is a failed Payment, not an exception; a success
    publishes "payment.succeeded" (with the payment's committed answer).

    Must be called outside any transaction (the gateway is called between two of them). Raises
    InvalidAmount, AttemptKeyReused (the key was used for another order or amount) and, when the
    gateway cannot be reached, GatewayUnavailable (the payment stays pending).
    """
    amount = quantize(amount, currency=currency)
    if amount <= 0:
        raise InvalidAmount()
    gateway = get_gateway()
    with transaction.atomic(durable=True):
        payment, created = _create_payment(
            order_id=order_id, amount=amount, currency=currency, gateway=gateway.name, attempt_key=attempt_key
        )
    if not created:
        if (payment.order_id, payment.amount, payment.currency) != (order_id, amount, currency):
            raise AttemptKeyReused()
        return payment

    result = gateway.charge(amount=amount, currency=currency, token=payment_token, reference=payment.id)

    with transaction.atomic(durable=True):
        return _record_charge_result(payment=payment, result=result)


def _create_payment(
    *, order_id: str, amount: Decimal, currency: str, gateway: str, attempt_key: str
) -> tuple[Payment, bool]:
    """Insert the pending payment for ``attempt_key`` unless one exists; return the key's payment and
    whether this call created it.

    INSERT ... ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit (or roll
    back), so exactly one caller creates the payment; it RETURNs the row it made, so the creator knows
    without reading it back (the payment is the one it built), and any other caller then reads the key's.
    """
    candidate = Payment(order_id=order_id, amount=amount, currency=currency, gateway=gateway, attempt_key=attempt_key)
    created = PaymentEvent(payment=candidate, kind=Kind.CREATED, status=candidate.status)
    connection = transaction.get_connection()
    # RETURNING the payment's id: a row back only when it was inserted (PostgreSQL, and SQLite from 3.35).
    insert_sql, insert_params = shop_sql.insert(
        connection, [candidate], on_conflict=OnConflict.IGNORE, returning=Payment._meta.pk
    )
    if connection.vendor == "postgresql":
        inserted = _write_with_event(connection, insert_sql, insert_params, created)  # one statement
    else:
        with connection.cursor() as cursor:
            cursor.execute(insert_sql, insert_params)
            inserted = bool(cursor.fetchall())
        if inserted:
            created.save(force_insert=True)
    if not inserted:
        return Payment.objects.get(attempt_key=attempt_key), False
    candidate._state.adding = False
    return candidate, True


def _write_with_event(connection, change_sql: str, change_params: tuple, event: PaymentEvent) -> bool:
    """PostgreSQL: run ``change_sql`` (an INSERT or UPDATE of one payment, RETURNING its id when it wrote it) and
    insert its history row ``event`` only if it did, in one statement (the change as a data-modifying CTE that
    gates the INSERT). Returns whether the change was made (and the event written)."""
    insert_sql, insert_params = shop_sql.insert_select(connection, event, source="changed")
    sql = f"WITH changed AS ({change_sql}) {insert_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, (*change_params, *insert_params))
        rows = cursor.fetchall()
    if rows:
        event.pk = rows[0][0]
        event._state.adding = False
    return bool(rows)


def _record_charge_result(*, payment: Payment, result: ChargeResult) -> Payment:
    """Write the gateway's answer to a charge on the ``payment`` this request created (as it is: pending). If a
    webhook already settled the payment (it may overtake the answer), the settled state stays.

    One conditional UPDATE, which takes the payment's row lock, writes the answer while the payment is still
    pending and unanswered; when it finds it otherwise, the payment is read under its lock and returned as it is.
    """
    status = result.status if result.status in (SUCCEEDED, FAILED) else payment.status
    decline_code = result.decline_code if result.status == FAILED else ""
    now = timezone.now()
    answer = PaymentEvent(
        payment=payment,
        kind=Kind.CHARGE,
        status=status,
        data={
            "result": result.status,
            "gateway_reference": result.gateway_reference,
            "decline_code": result.decline_code,
            **result.data,
        },
    )
    unanswered = Payment.objects.filter(pk=payment.pk, status=Status.PENDING).filter(
        Q(gateway_reference__isnull=True) | Q(gateway_reference="")
    )
    changes = {"gateway_reference": result.gateway_reference, "status": status, "decline_code": decline_code}
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":  # the answer and its history row in one statement
        update_sql, update_params = shop_sql.update(
            connection, unanswered, {**changes, "updated_at": now}, returning=("id",)
        )
        answered = _write_with_event(connection, update_sql, update_params, answer)
    else:
        answered = unanswered.update(**changes, updated_at=now)
        if answered:
            answer.save(force_insert=True)
    if not answered:
        return lock_payment(payment_id=payment.pk)
    payment.transition(status)  # pending -> succeeded or failed, as written (pending stays: False)
    payment.gateway_reference, payment.decline_code, payment.updated_at = result.gateway_reference, decline_code, now
    if payment.status == Status.SUCCEEDED:
        # Announced like a webhook's success, so the order is settled by its subscriber even when the
        # caller's own settling step never runs (a crash, an error): a captured payment is never left.
        _publish_settled(payment)
    get_gateway(payment.gateway).charge_recorded(result=result, reference=payment.id)
    return payment


# --- Refund -------------------------------------------------------------------------------------


def refund(*, payment_id: str, amount: Decimal, reason: str = "") -> Refund:
    """Refund part of a captured payment; refunds add up and never exceed what was captured.

    Must be called outside any transaction. The amount is reserved under a row lock on the payment
    before the gateway is called (so concurrent refunds cannot overshoot) and given back if the
    gateway refuses (the Refund is then ``failed``). Raises InvalidAmount, PaymentNotFound,
    PaymentNotCaptured and RefundExceedsCaptured.
    """
    amount = quantize(amount)
    if amount <= 0:
        raise InvalidAmount()
    with transaction.atomic(durable=True):
        payment = lock_payment(payment_id=payment_id)
        if payment.status != Status.SUCCEEDED:
            raise PaymentNotCaptured()
        if amount > payment.refundable_amount:
            raise RefundExceedsCaptured(
                f"At most {payment.refundable_amount} {payment.currency} of this payment can still be refunded.",
                refundable=str(payment.refundable_amount),
                requested=str(amount),
            )
        payment.refunded_amount += amount
        payment.save(update_fields=["refunded_amount", "updated_at"])
        pending = Refund.objects.create(payment=payment, amount=amount, reason=reason[:200])
        PaymentEvent.objects.create(
            payment=payment,
            kind=Kind.REFUND_REQUESTED,
            status=payment.status,
            data={"refund_id": pending.id, "amount": str(amount), "reason": pending.reason},
        )

    result = get_gateway(payment.gateway).refund(
        gateway_reference=payment.gateway_reference, amount=amount, reference=pending.id
    )

    with transaction.atomic(durable=True):
        return _record_refund_result(refund_id=pending.id, result=result)


def _record_refund_result(*, refund_id: str, result: RefundResult) -> Refund:
    """Write the gateway's answer to a refund (locks the payment row, then the refund's)."""
    payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
    payment = lock_payment(payment_id=payment_id)
    pending = lock_refund(refund_id=refund_id)
    if pending.status != Refund.Status.PENDING:
        return pending
    succeeded = result.status == SUCCEEDED
    pending.transition(Refund.Status.SUCCEEDED if succeeded else Refund.Status.FAILED)
    pending.gateway_reference = result.gateway_reference
    pending.save(update_fields=["status", "gateway_reference", "updated_at"])
    if not succeeded:
        payment.refunded_amount -= pending.amount  # the reservation is given back
        payment.save(update_fields=["refunded_amount", "updated_at"])
    PaymentEvent.objects.create(
        payment=payment,
        kind=Kind.REFUND_SUCCEEDED if succeeded else Kind.REFUND_FAILED,
        status=payment.status,
        data={"refund_id": pending.id, "amount": str(pending.amount), "gateway_reference": result.gateway_reference},
    )
    if succeeded:
        events.publish(
            "payment.refunded",
            payment_id=payment.id,
            order_id=payment.order_id,
            refund_id=pending.id,
            amount=str(pending.amount),
        )
    return pending


# --- Webhooks -----------------------------------------------------------------------------------


def handle_webhook(*, gateway: str, body: bytes, headers: Mapping[str, str]) -> None:
    """Verify a gateway's webhook and apply its event once.

    Raises UnknownGateway, and InvalidWebhook (nothing changes) for a bad or stale signature or one
    already used. Another delivery of an event already received (a fresh signature) changes nothing.
    A payment moving out of pending publishes "payment.succeeded" or "payment.failed", once.
    """
    verified = get_gateway(gateway).verify_webhook(body=body, headers=headers)
    with transaction.atomic(durable=True):
        duplicate = webhooks.record_delivery(
            receipts=WebhookReceipt,
            sender_field="gateway",
            sender=gateway,
            event_id=verified.id,
            signature=verified.signature,
            replayed=InvalidWebhook,
            event_type=verified.type[:64],
        )
        if duplicate:
            logger.info("payments.webhook_duplicate", gateway=gateway, event_id=verified.id)
            return
        _apply_event(gateway=gateway, event=verified)


def _apply_event(*, gateway: str, event: WebhookEvent) -> None:
    if event.type not in ("payment.succeeded", "payment.failed"):
        logger.info("payments.webhook_ignored", gateway=gateway, event_id=event.id, event_type=event.type)
        return
    payment = lock_payment_for_webhook(
        gateway=gateway, gateway_reference=event.gateway_reference, reference=event.reference or ""
    )
    if payment is None:
        logger.warning("payments.webhook_unknown_payment", gateway=gateway, event_id=event.id)
        return
    if payment.status != Status.PENDING:
        if payment.status != event.type.removeprefix("payment."):
            logger.warning(
                "payments.webhook_contradicts_payment",
                payment_id=payment.id,
                status=payment.status,
                event_type=event.type,
            )
        return
    succeeded = event.type == "payment.succeeded"
    payment.transition(Status.SUCCEEDED if succeeded else Status.FAILED)
    payment.gateway_reference = event.gateway_reference
    decline_code = event.data.get("decline_code")
    payment.decline_code = "" if succeeded else (decline_code if isinstance(decline_code, str) else "")[:64]
    payment.save(update_fields=["status", "gateway_reference", "decline_code", "updated_at"])
    PaymentEvent.objects.create(
        payment=payment, kind=Kind.WEBHOOK, status=payment.status, data={"event_id": event.id, "type": event.type}
    )
    if succeeded:
        _publish_settled(payment)
    else:
        events.publish("payment.failed", decline_code=payment.decline_code, **_payload(payment))


def _publish_settled(payment: Payment) -> None:
    """Announce a captured payment, whichever way it settled (the gateway's answer or its webhook)."""
    events.publish("payment.succeeded", **_payload(payment))


def _payload(payment: Payment) -> dict[str, str]:
    return {"payment_id": payment.id, "order_id": payment.order_id, "amount": str(payment.amount)}
