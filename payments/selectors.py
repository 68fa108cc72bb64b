"""Read functions of the payments app, for the orders app, the pages and the gateways' tasks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate

from ledger import selectors as ledger_selectors
from payments.errors import PaymentNotFound
from payments.models import Payment, PaymentEvent, WebhookReceipt

ZERO = Decimal("0.00")


def payments_for_order(*, order_id: str) -> list[Payment]:
    """Every payment attempt of an order, oldest first (one query)."""
    return list(Payment.objects.filter(order_id=order_id).order_by("created_at", "id"))


def payments_for_orders(*, order_ids: Iterable[str]) -> dict[str, list[Payment]]:
    """``payments_for_order`` for many orders in one query; orders without payments are absent."""
    grouped: dict[str, list[Payment]] = defaultdict(list)
    for payment in Payment.objects.filter(order_id__in=list(order_ids)).order_by("created_at", "id"):
        grouped[payment.order_id].append(payment)
    return dict(grouped)


def payment(*, payment_id: str) -> Payment:
    """The payment with this id; raises PaymentNotFound."""
    try:
        return Payment.objects.get(pk=payment_id)
    except Payment.DoesNotExist:
        raise PaymentNotFound() from None


def webhook_event_received(*, gateway: str, event_id: str) -> bool:
    """Whether the store has accepted a delivery of this event."""
    return WebhookReceipt.objects.filter(gateway=gateway, event_id=event_id).exists()


# --- Reconciliation with the ledger -----------------------------------------------------------------


def gateway_movements_by_day(*, since: date, until: date) -> dict[date, Decimal]:
    """What went through the gateway per day, captured less refunded, from the payments' own history, for days in
    [since, until] (the current time zone's days, as ledger.selectors.clearing_by_day). A capture counts on the day
    its payment's event recorded it succeeded (the gateway's answer or its webhook: one per payment), a refund on
    the day its success was recorded. Two queries."""
    captured = (
        PaymentEvent.objects.filter(
            kind__in=(PaymentEvent.Kind.CHARGE, PaymentEvent.Kind.WEBHOOK),
            status=Payment.Status.SUCCEEDED,
            created_at__date__gte=since,
            created_at__date__lte=until,
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(total=Sum("payment__amount"))
        .order_by("day")
    )
    refunded = (
        PaymentEvent.objects.filter(
            kind=PaymentEvent.Kind.REFUND_SUCCEEDED, created_at__date__gte=since, created_at__date__lte=until
        )
        .annotate(
            day=TruncDate("created_at"),
            amount=Cast(KeyTextTransform("amount", "data"), DecimalField(max_digits=12, decimal_places=2)),
        )
        .values_list("day")
        .annotate(total=Sum("amount"))
        .order_by("day")
    )
    movements: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for day, total in captured:
        movements[day] += total
    for day, total in refunded:
        movements[day] -= total
    return dict(sorted(movements.items()))


@dataclass(frozen=True)
class ReconciliationDay:
    day: date
    gateway: Decimal
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        """The gateway's figure less the ledger's: 0 when they agree."""
        return self.gateway - self.ledger


def reconciliation(*, since: date, until: date) -> list[ReconciliationDay]:
    """Each day in [since, until] with money moved, the gateway's figure (captured less refunded, from payments)
    against the ledger's clearing account (ledger.selectors.clearing_by_day), oldest first."""
    gateway = gateway_movements_by_day(since=since, until=until)
    ledger = ledger_selectors.clearing_by_day(since=since, until=until)
    days = sorted(gateway.keys() | ledger.keys())
    return [ReconciliationDay(day=day, gateway=gateway.get(day, ZERO), ledger=ledger.get(day, ZERO)) for day in days]
