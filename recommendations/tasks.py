"""Celery tasks of the recommendations: thin wrappers that call a service, safe to run twice."""

from celery import shared_task

from recommendations import services


@shared_task
def flush_signals() -> int:
    """Apply the shoppers' signals waiting in Redis (beat, every few seconds); the number applied."""
    return services.flush_signals()


@shared_task
def refresh_trending() -> int:
    """Recompute the trending scores (beat); the number of trending products."""
    return services.refresh_trending()
