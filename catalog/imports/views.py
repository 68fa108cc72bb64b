"""The seller's import and export pages: upload a file, read its dry run, confirm, watch it apply; download.

Views parse, call catalog.services and the import selectors, and render; a refusal is shown on the page
with its status, and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog import services
from catalog.imports import files, formats, selectors
from catalog.imports.forms import ImportUploadForm
from catalog.models import ProductImport
from sellers import selectors as seller_selectors
from shop.errors import DomainError

ERRORS_PER_PAGE = 100
PREVIEW_ROWS = 100
RECENT_IMPORTS = 10
IN_PROGRESS = (ProductImport.Status.VALIDATING, ProductImport.Status.QUEUED, ProductImport.Status.RUNNING)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def seller_import(request: HttpRequest) -> HttpResponse:
    """Upload a catalogue file (its dry run follows), with the format explained and the recent imports."""
    seller = seller_selectors.seller_of(user=request.user)
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = services.start_import(
                    seller=seller, actor=request.user, file_name=upload.name, content=files.uploaded_bytes(upload)
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
                status = exc.status
            else:
                return redirect("catalog:seller-import-detail", import_id=record.pk)
        else:
            status = 400
    else:
        form = ImportUploadForm()
    recent = list(selectors.imports_for_seller(seller_id=seller.pk)[:RECENT_IMPORTS])
    return render(
        request,
        "catalog/seller_import.html",
        {"seller": seller, "form": form, "recent": recent, "columns": formats.COLUMNS, "required": formats.REQUIRED},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """One import: its dry run (counts, errors by line and column, a preview), the confirm button, its
    progress while it runs and its result."""
    seller = seller_selectors.seller_of(user=request.user)
    record = selectors.import_for_seller(seller_id=seller.pk, import_id=import_id)
    return _detail(request, seller=seller, record=record)


@never_cache
@login_required
@require_http_methods(["POST"])
def seller_import_confirm(request: HttpRequest, import_id: int) -> HttpResponse:
    """Apply a checked import without errors (queued; it runs in the background)."""
    seller = seller_selectors.seller_of(user=request.user)
    try:
        services.confirm_import(seller=seller, import_id=import_id)
    except DomainError as exc:
        record = selectors.import_for_seller(seller_id=seller.pk, import_id=import_id)
        return _detail(request, seller=seller, record=record, refusal=exc.message, status=exc.status)
    messages.success(request, "Import started: nothing is visible in your store until every row is written.")
    return redirect("catalog:seller-import-detail", import_id=import_id)


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_import_progress(request: HttpRequest, import_id: int) -> JsonResponse:
    """The import's status and rows done, for the page's progress bar to poll."""
    seller = seller_selectors.seller_of(user=request.user)
    record = selectors.import_for_seller(seller_id=seller.pk, import_id=import_id)
    return JsonResponse(
        {
            "status": record.status,
            "total_rows": record.total_rows,
            "rows_done": selectors.rows_done(record),
            "finished": record.status not in IN_PROGRESS,
        }
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def seller_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """Download every variant of the seller's products in the import format (CSV or XLSX)."""
    seller = seller_selectors.seller_of(user=request.user)
    if file_format not in files.CONTENT_TYPES:
        raise Http404("Export as .csv or .xlsx.")
    return files.export_response(seller=seller, file_format=file_format)


def _detail(request, *, seller, record: ProductImport, refusal: str = "", status: int = 200) -> HttpResponse:
    report = record.report or {}
    errors = Paginator(report.get("errors", []), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    preview = report.get("preview", [])
    return render(
        request,
        "catalog/seller_import_detail.html",
        {
            "seller": seller,
            "record": record,
            "report": report,
            "counts": report.get("counts", {}),
            "errors": errors,
            "error_count": report.get("error_count", 0),
            "preview": preview[:PREVIEW_ROWS],
            "preview_more": record.total_rows - min(len(preview), PREVIEW_ROWS),
            "rows_done": selectors.rows_done(record),
            "in_progress": record.status in IN_PROGRESS,
            "confirmable": record.status == ProductImport.Status.VALIDATED and not report.get("error_count"),
            "refusal": refusal,
        },
        status=status,
    )
