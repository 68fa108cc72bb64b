"""Celery tasks of the logistics app: thin, safe to run twice."""

from celery import shared_task

from logistics import services


@shared_task(name="logistics.tasks.advance_simulated_shipment", ignore_result=True)
def advance_simulated_shipment(*, shipment_id: str, to_status: str) -> bool:
    """One step of the simulated carrier; a step already reached or overtaken does nothing."""
    return services.advance_simulated(shipment_id=shipment_id, to_status=to_status)
