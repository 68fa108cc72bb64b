"""Turning an upload or an export into bytes and answers: shared by the import pages and the API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from catalog.imports import formats, selectors
from catalog.imports.errors import ImportFileError

CONTENT_TYPES = {
    formats.CSV: "text/csv; charset=utf-8",
    formats.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def uploaded_bytes(upload) -> bytes:
    """The content of an uploaded file; ImportFileError when it is larger than the limit (not read then)."""
    limit = settings.CATALOG_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportFileError(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is {limit // (1024 * 1024)} MB. "
            "Split it into several files."
        )
    return upload.read()


def export_response(*, seller, file_format: str) -> HttpResponse:
    """The seller's catalogue as a download in the import format: CSV streamed, XLSX built at once."""
    name = f"{seller.slug or 'catalogue'}-products-{timezone.now():%Y%m%d}.{file_format}"
    records = selectors.export_records(seller_id=seller.pk)
    if file_format == formats.XLSX:
        response = HttpResponse(formats.xlsx_bytes(records), content_type=CONTENT_TYPES[formats.XLSX])
    else:
        response = StreamingHttpResponse(formats.csv_lines(records), content_type=CONTENT_TYPES[formats.CSV])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
