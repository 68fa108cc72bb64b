"""The seller's money pages: the balance with its statement (filtered by date, paginated, downloadable as CSV),
the payouts and each payout's printable statement (and its CSV).

Read only: every figure comes from ledger.selectors; a payout of another seller is the 404 page.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ledger import selectors
from ledger.forms import StatementFilterForm
from sellers import selectors as seller_selectors

SELLER_PAGE_SIZE = 30
# The seller accounts a statement entry sits on, as pages, downloads and the API name them.
ACCOUNT_NAMES = {"seller_pending": "pending", "seller_available": "available"}
# A text cell starting with one of these is a formula to a spreadsheet: it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATEMENT_HEADER = ["date", "kind", "order", "line", "reason", "amount", "account", "payout"]
PAYOUT_HEADER = ["date", "kind", "order", "line", "reason", "amount"]


def account_name(entry) -> str:
    """``pending`` or ``available``: the seller account of a statement entry (its account is selected with it)."""
    return ACCOUNT_NAMES.get(entry.account.kind, entry.account.kind)


def spreadsheet_text(value: object) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_response(*, filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _entry_cells(entry) -> list[str]:
    """Date, kind, order, line, reason, amount: the columns a statement and a payout statement share."""
    tx = entry.transaction
    return [
        timezone.localtime(entry.occurred_at).isoformat(),
        tx.kind,
        spreadsheet_text(tx.order_id),
        "" if tx.line_id is None else str(tx.line_id),
        spreadsheet_text(tx.reason),
        str(entry.amount),  # a plain decimal string, sign included: never a formula to guard
    ]


@never_cache
@login_required
@require_http_methods(["GET"])
def money(request: HttpRequest) -> HttpResponse:
    """The signed-in seller's balance (pending, available, paid out) and statement, newest first, between two
    optional dates (a malformed range is a 400 that lists nothing); a buyer gets 403."""
    seller = seller_selectors.seller_of(user=request.user)
    form = StatementFilterForm(request.GET or None)
    context = {"seller": seller, "form": form, "balance": selectors.seller_balance(seller_id=seller.pk)}
    if form.is_bound and not form.is_valid():
        return render(request, "ledger/money.html", {**context, "page": None}, status=HTTPStatus.BAD_REQUEST)
    since, until = form.bounds() if form.is_bound else (None, None)
    page = Paginator(selectors.statement(seller_id=seller.pk, since=since, until=until), SELLER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    filters = {"start": "from", "end": "to"}
    return render(
        request,
        "ledger/money.html",
        {
            **context,
            "page": page,
            "entries": [{"entry": entry, "account": account_name(entry)} for entry in page.object_list],
            "filtered": form.is_bound and any(form.cleaned_data.get(name) for name in filters),
            "filter_query": urlencode({name: form.data[name] for name in form.fields if form.data.get(name)}),
            "download_query": urlencode(
                {param: form.data[name] for name, param in filters.items() if form.data.get(name)}
            ),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def statement_csv(request: HttpRequest) -> HttpResponse:
    """The seller's statement for ``?from=&to=`` (inclusive days, each optional) as CSV, newest first."""
    seller = seller_selectors.seller_of(user=request.user)
    form = StatementFilterForm.from_download_query(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponse(
            f"Invalid date range ({problems})", status=HTTPStatus.BAD_REQUEST, content_type="text/plain; charset=utf-8"
        )
    since, until = form.bounds()
    entries = selectors.statement(seller_id=seller.pk, since=since, until=until).iterator(chunk_size=500)
    rows = ([*_entry_cells(entry), account_name(entry), entry.payout_id or ""] for entry in entries)
    return _csv_response(filename="statement.csv", header=STATEMENT_HEADER, rows=rows)


@never_cache
@login_required
@require_http_methods(["GET"])
def payouts(request: HttpRequest) -> HttpResponse:
    """The seller's payouts, newest first, each linking to its statement."""
    seller = seller_selectors.seller_of(user=request.user)
    page = Paginator(selectors.payouts_of(seller_id=seller.pk), SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/payouts.html",
        {"seller": seller, "page": page, "payouts": list(page.object_list)},
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def payout_detail(request: HttpRequest, payout_id: str) -> HttpResponse:
    """One payout's printable statement: every entry it paid, summing to its amount; another seller's is a 404."""
    seller = seller_selectors.seller_of(user=request.user)
    payout = selectors.payout_of(seller_id=seller.pk, payout_id=payout_id)
    entries = selectors.payout_statement(payout=payout)
    return render(
        request,
        "ledger/payout.html",
        {
            "seller": seller,
            "payout": payout,
            "entries": entries,
            "total": sum((entry.amount for entry in entries), Decimal("0.00")),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def payout_statement_csv(request: HttpRequest, payout_id: str) -> HttpResponse:
    """One payout's statement as CSV, oldest first."""
    seller = seller_selectors.seller_of(user=request.user)
    payout = selectors.payout_of(seller_id=seller.pk, payout_id=payout_id)
    rows = [_entry_cells(entry) for entry in selectors.payout_statement(payout=payout)]
    return _csv_response(filename=f"payout-{payout.pk}.csv", header=PAYOUT_HEADER, rows=rows)
