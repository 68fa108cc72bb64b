"""Celery tasks of the catalog: thin wrappers that call a service, safe to run twice."""

from celery import shared_task

from catalog.services import imports


@shared_task
def check_import(*, import_id: int) -> None:
    """The dry run of a large import (a second run does nothing)."""
    imports.check_import(import_id=import_id)


@shared_task
def apply_import(*, import_id: int) -> None:
    """Apply a confirmed import, all rows or none (a second run does nothing)."""
    imports.apply_import(import_id=import_id)
