"""Celery tasks of the inventory app: thin wrappers that call a service, safe to run twice."""

from celery import shared_task

from inventory import services


# The low-stock e-mail is now an outbox subscriber (inventory.events); this task stays registered for the messages
# an earlier release left on the broker, which still e-mail once per alert.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_low_stock_email(*, alert_id: int) -> bool:
    """E-mail the seller about a low-stock alert (once; an SMTP failure is retried)."""
    return services.send_low_stock_email(alert_id=alert_id)
