"""The store's project package: settings, root URLs, the Celery app and shared API plumbing."""

from shop.celery import app as celery_app

__all__ = ["celery_app"]
