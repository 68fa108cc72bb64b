"""Celery tasks of the ledger: thin wrappers that call a service, safe to run twice."""

from celery import shared_task

from ledger import services


@shared_task
def release_funds() -> int:
    """Release delivered lines' money past their return window (beat, hourly); how many lines."""
    return services.release_funds()


@shared_task
def run_weekly_payouts() -> int:
    """Pay every seller for the week just ended (beat, Mondays); how many payouts were created."""
    services.release_funds()
    return len(services.run_payouts(period=services.previous_period()))
