"""Celery tasks of the orders app: thin, safe to run twice."""

from celery import shared_task

from orders import services
from shop.api import idempotency


@shared_task(name="orders.tasks.expire_overdue_orders", ignore_result=True)
def expire_overdue_orders() -> int:
    """Beat runs this every 30 s: unpaid orders past their hold expire and their stock returns."""
    return services.expire_overdue_orders()


@shared_task(name="orders.tasks.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget Idempotency-Key answers older than IDEMPOTENCY_KEY_HOURS (checkout and pay use them)."""
    return idempotency.purge_expired_records()


@shared_task(name="orders.tasks.pay_pending_refunds", ignore_result=True)
def pay_pending_refunds() -> int:
    """Beat runs this every few minutes: refunds claimed but not paid (a crash, a gateway outage) are paid, once."""
    return services.pay_pending_refunds()
