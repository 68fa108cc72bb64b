"""Celery tasks of the logistics app: thin, safe to run twice; and the simulated carrier's own scheduling."""

from celery import shared_task
from django.conf import settings
import structlog

from logistics import services

logger = structlog.get_logger(__name__)


@shared_task(name="logistics.tasks.advance_simulated_shipment", ignore_result=True)
def advance_simulated_shipment(*, shipment_id: str, to_status: str) -> bool:
    """One step of the simulated carrier; a step already reached or overtaken does nothing."""
    return services.advance_simulated(shipment_id=shipment_id, to_status=to_status)


def schedule_simulated_steps(*, shipment_id: str) -> None:
    """Send the simulated carrier's next steps, one every SIMULATED_CARRIER_STEP_SECONDS (``ship`` hands this to
    ``shop.side_effects.after_commit``); a step the broker refuses is logged and the parcel waits for a webhook.
    With SIMULATED_CARRIER_CATCH_UP (eager Celery in development) nothing is sent: the countdowns would be
    ignored and the parcel delivered at once."""
    if settings.SIMULATED_CARRIER_CATCH_UP:
        return  # no worker to wait for the countdowns: the pages catch the steps up (services.advance_due_simulated)
    step = settings.SIMULATED_CARRIER_STEP_SECONDS
    for index, status in enumerate(services.TRACKING_STATUSES, start=1):
        try:
            advance_simulated_shipment.apply_async(
                kwargs={"shipment_id": shipment_id, "to_status": str(status)}, countdown=step * index
            )
        except Exception:  # one refused step must not keep the others from being tried
            logger.exception("logistics.simulated_step_not_scheduled", shipment_id=shipment_id, to_status=status)
