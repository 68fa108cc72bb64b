"""Catalogue files for the import tests: CSV bytes from rows, and a seller's whole import in one call."""

from __future__ import annotations

import csv
import io

from django.test import TestCase

from catalog import services
from catalog.imports import formats
from catalog.models import ProductImport

HEADER = [header for _, header in formats.COLUMNS]


def row(sku: str, name: str = "Linen Shirt", **cells: str) -> dict[str, str]:
    """A file row with sensible defaults; ``cells`` override them by column key (``colour="blue"``)."""
    return {"sku": sku, "name": name, "price": "20.00", "quantity": "5", "status": "active"} | cells


def csv_bytes(rows: list[dict[str, str]], *, header: list[str] | None = None) -> bytes:
    """A CSV file of ``rows`` (keys are column keys) under ``header`` (every column by default)."""
    header = header or HEADER
    keys = [formats.column_key(name) or name for name in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for cells in rows:
        writer.writerow([cells.get(key, "") for key in keys])
    return buffer.getvalue().encode()


def import_file(seller, content: bytes, *, name: str = "products.csv") -> ProductImport:
    """Upload ``content`` for ``seller``: the import as the upload left it (its dry run runs, the tasks it
    queues after commit too)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.start_import(seller=seller, actor=seller.user, file_name=name, content=content)


def confirm(seller, record: ProductImport) -> ProductImport:
    """Confirm the import and run the task it queues (eager Celery, after commit): the import as it ends."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.confirm_import(seller=seller, import_id=record.pk)
    record.refresh_from_db()
    return record


def import_and_apply(seller, content: bytes, *, name: str = "products.csv") -> ProductImport:
    """Upload, confirm and apply: the import as it ends."""
    return confirm(seller, import_file(seller, content, name=name))
