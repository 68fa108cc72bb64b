"""The seller's money in the API: balance, statement (ledger entries by date, paginated), payouts and one payout
with the entries it paid; only the seller sees their own money."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from ledger import services
from ledger.models import Payout
from ledger.services import PaidLine
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

D = Decimal
PERIOD = "2026-W49"
BALANCE = "/api/v1/seller/balance"
LEDGER = "/api/v1/seller/ledger"
PAYOUTS = "/api/v1/seller/payouts"
PAID_AT = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=60), time(10, 0)))
PAID_DAY = PAID_AT.date().isoformat()


def sell(seller, *, order_id: str, line_id: int, total: str, commission: str, at=None) -> None:
    services.book_capture(payment_id=f"pay_{order_id}", order_id=order_id, amount=D(total), occurred_at=at)
    services.book_order_paid(
        order_id=order_id,
        lines=[PaidLine(line_id, seller.pk, D(total), D(commission))],
        tax=D(0),
        shipping=D(0),
        total=D(total),
        occurred_at=at,
    )


@pytest.fixture
def seller():
    return SellerFactory(return_window_days=14)


@pytest.fixture
def seller_client(api_client, seller):
    api_client.force_authenticate(seller.user)
    return api_client


@pytest.fixture
def payout(seller) -> Payout:
    """90.00 paid out (order ord_1, released), 45.00 pending (order ord_2, not delivered)."""
    sell(seller, order_id="ord_1", line_id=1, total="100.00", commission="10.00", at=PAID_AT)
    sell(seller, order_id="ord_2", line_id=2, total="50.00", commission="5.00", at=PAID_AT + timedelta(days=30))
    services.record_delivery(seller_id=seller.pk, line_ids=[1], delivered_at=PAID_AT + timedelta(days=1))
    services.release_funds()
    (payout,) = services.run_payouts(period=PERIOD)
    payout.refresh_from_db()
    return payout


def test_a_new_seller_has_a_zero_balance(seller_client):
    assert seller_client.get(BALANCE).json() == {
        "currency": "USD",
        "pending": "0.00",
        "available": "0.00",
        "paid_out": "0.00",
        "payouts_held": False,
    }


def test_the_balance_shows_pending_available_paid_out_and_a_hold(seller_client, seller, payout):
    services.adjust_balance(seller_id=seller.pk, amount=D("-2.50"), reason="Fee")
    services.hold_payouts(seller_id=seller.pk, reason="Dispute")

    assert seller_client.get(BALANCE).json() == {
        "currency": "USD",
        "pending": "45.00",
        "available": "-2.50",
        "paid_out": "90.00",
        "payouts_held": True,
    }


def test_the_ledger_lists_entries_newest_first_with_their_transaction(seller_client, seller, payout):
    body = seller_client.get(LEDGER).json()

    assert body["count"] == 5
    assert body["next_offset"] is None
    assert [(e["kind"], e["account"], e["amount"]) for e in body["entries"]] == [
        ("payout", "available", "-90.00"),
        ("release", "available", "90.00"),
        ("release", "pending", "-90.00"),
        ("order_paid", "pending", "45.00"),
        ("order_paid", "pending", "90.00"),
    ]
    release = body["entries"][1]
    assert release["order_id"] == "ord_1"
    assert release["line_id"] == 1
    assert release["reason"] == "Return window closed"
    assert release["currency"] == "USD"
    assert release["payout_id"] == payout.pk
    assert body["entries"][0]["order_id"] is None
    assert set(release) == {
        "id", "occurred_at", "kind", "account", "amount", "currency", "order_id", "line_id", "reason", "payout_id",
    }  # fmt: skip


def test_the_ledger_is_paginated_by_offset_and_limit(seller_client, payout):
    first = seller_client.get(LEDGER, {"limit": 2}).json()
    last = seller_client.get(LEDGER, {"offset": 4, "limit": 2}).json()

    assert (first["offset"], first["limit"], first["count"], first["next_offset"]) == (0, 2, 5, 2)
    assert len(first["entries"]) == 2
    assert [e["amount"] for e in last["entries"]] == ["90.00"]
    assert last["next_offset"] is None


def test_the_ledger_is_filtered_by_inclusive_days(seller_client, payout):
    body = seller_client.get(LEDGER, {"from": PAID_DAY, "to": PAID_DAY}).json()

    assert [(e["kind"], e["order_id"]) for e in body["entries"]] == [("order_paid", "ord_1")]


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-13-01"}, {"to": "yesterday"}, {"from": "2026-11-05", "to": "2026-11-01"}, {"limit": 0}],
)
def test_a_bad_range_is_a_400_validation_problem(seller_client, query):
    response = seller_client.get(LEDGER, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"


def test_the_payouts_list_pages_the_sellers_payouts(seller_client, payout):
    body = seller_client.get(PAYOUTS).json()

    assert (body["count"], body["offset"], body["next_offset"]) == (1, 0, None)
    (listed,) = body["payouts"]
    assert listed["id"] == payout.pk
    assert listed["period"] == PERIOD
    assert listed["amount"] == "90.00"
    assert listed["currency"] == "USD"
    assert listed["status"] == "paid"
    assert listed["reference"] == payout.reference
    assert listed["failure_reason"] == ""
    assert listed["settled_at"] is not None


def test_a_payout_comes_with_the_entries_it_paid_summing_to_its_amount(seller_client, seller, payout):
    services.book_refund(
        order_refund_id="orf_1", order_id="ord_1", goods=D("20.00"), tax=D(0), shipping=D(0), line_id=1
    )
    services.adjust_balance(seller_id=seller.pk, amount=D("30.00"), reason="Bonus")
    (second,) = services.run_payouts(period="2026-W50")

    body = seller_client.get(f"{PAYOUTS}/{second.pk}").json()

    assert body["amount"] == "12.00"
    assert [(e["kind"], e["amount"]) for e in body["entries"]] == [("refund", "-18.00"), ("adjustment", "30.00")]
    assert sum(D(e["amount"]) for e in body["entries"]) == D(body["amount"])
    assert {e["account"] for e in body["entries"]} == {"available"}
    assert {e["payout_id"] for e in body["entries"]} == {second.pk}


def test_another_sellers_payout_is_a_404(api_client, payout):
    api_client.force_authenticate(SellerFactory().user)

    response = api_client.get(f"{PAYOUTS}/{payout.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_client.get(PAYOUTS).json()["count"] == 0
    assert api_client.get(LEDGER).json()["count"] == 0


@pytest.mark.parametrize("path", [BALANCE, LEDGER, PAYOUTS, f"{PAYOUTS}/po_0000000000000000"])
def test_a_buyer_gets_403_and_a_visitor_401(api_client, path):
    assert api_client.get(path).status_code == 401
    api_client.force_authenticate(UserFactory())
    response = api_client.get(path)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, {"limit": 100}).status_code == 200
    return len(captured)


def test_the_ledger_costs_the_same_queries_for_3_entries_as_for_30(seller_client, seller):
    for n in range(3):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"Credit {n}")
    few = count_queries(seller_client, LEDGER)
    for n in range(27):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"More {n}")

    assert count_queries(seller_client, LEDGER) == few
    assert few == 3  # seller, count, page (entries with transaction and account)


def test_a_payout_costs_the_same_queries_for_3_entries_as_for_30(seller_client, seller):
    for n in range(3):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"Credit {n}")
    (few,) = services.run_payouts(period="2026-W01")
    for n in range(30):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"More {n}")
    (many,) = services.run_payouts(period="2026-W02")

    assert count_queries(seller_client, f"{PAYOUTS}/{few.pk}") == count_queries(seller_client, f"{PAYOUTS}/{many.pk}")
    assert count_queries(seller_client, PAYOUTS) == 3  # seller, count, page
