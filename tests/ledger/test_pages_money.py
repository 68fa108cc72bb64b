"""The seller's money pages: the balance and its statement (filtered, paginated, as CSV), the payouts and each
payout's printable statement; only the seller sees their own money."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from decimal import Decimal
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from ledger import selectors, services
from ledger.models import Payout
from ledger.services import PaidLine
from tests.accounts.factories import UserFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

D = Decimal
PERIOD = "2026-W49"
MONEY = "/seller/money/"
CSV = "/seller/money/statement.csv"
PAYOUTS = "/seller/payouts/"
# Paid 60 days ago (delivered the next day, released since) and 30 days ago (not delivered: still pending).
PAID_AT = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=60), time(10, 0)))
LATER = PAID_AT + timedelta(days=30)
AROUND_PAID = {
    "start": (PAID_AT - timedelta(days=1)).date().isoformat(),
    "end": (PAID_AT + timedelta(days=1)).date().isoformat(),
}


def sell(seller, *, order_id: str, line_id: int, total: str, commission: str, at=None) -> None:
    """One paid order of a single line of the seller's."""
    services.book_capture(payment_id=f"pay_{order_id}", order_id=order_id, amount=D(total), occurred_at=at)
    services.book_order_paid(
        order_id=order_id,
        lines=[PaidLine(line_id, seller.pk, D(total), D(commission))],
        tax=D(0),
        shipping=D(0),
        total=D(total),
        occurred_at=at,
    )


def paid_out(seller) -> Payout:
    """A 90.00 payout (order ord_1, delivered long ago and released) and 45.00 still pending (order ord_2)."""
    sell(seller, order_id="ord_1", line_id=1, total="100.00", commission="10.00", at=PAID_AT)
    sell(seller, order_id="ord_2", line_id=2, total="50.00", commission="5.00", at=LATER)
    services.record_delivery(seller_id=seller.pk, line_ids=[1], delivered_at=PAID_AT + timedelta(days=1))
    services.release_funds()
    (payout,) = services.run_payouts(period=PERIOD)
    payout.refresh_from_db()
    return payout


@pytest.fixture
def seller():
    return SellerFactory(store_name="Lamp Works", return_window_days=14, user__name="Lena Lamp")


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller.user)
    return client


@pytest.fixture
def payout(seller) -> Payout:
    return paid_out(seller)


def statement_rows(html: str) -> list[str]:
    body = html.split('data-testid="statement"')[1].split("</table>")[0]
    return body.split("<tr data-entry-id=")[1:]


# --- Balance and statement -------------------------------------------------------------------------------------


def test_the_balance_shows_pending_available_and_paid_out(seller_client, seller, payout):
    services.adjust_balance(seller_id=seller.pk, amount=D("12.50"), reason="Goodwill")

    html = seller_client.get(MONEY).content.decode()

    assert 'data-testid="pending">$45.00<' in html
    assert 'data-testid="available">$12.50<' in html
    assert 'data-testid="paid-out">$90.00<' in html
    assert "return window" in html
    assert "every Monday" in html
    assert "netted by the next payout" in html
    assert 'data-testid="payouts-held"' not in html


def test_held_payouts_are_announced(seller_client, seller):
    services.hold_payouts(seller_id=seller.pk, reason="Dispute")

    assert 'data-testid="payouts-held"' in seller_client.get(MONEY).content.decode()


def test_the_statement_lists_every_entry_newest_first(seller_client, seller, payout):
    services.adjust_balance(seller_id=seller.pk, amount=D("-3.00"), reason="Damaged parcel")

    rows = statement_rows(seller_client.get(MONEY).content.decode())

    # Adjustment, payout, release (two entries: out of pending, into available), ord_2 paid, ord_1 paid.
    assert len(rows) == 6
    assert "Adjustment by staff" in rows[0]
    assert "Damaged parcel" in rows[0]
    assert "-$3.00" in rows[0]
    assert "Available" in rows[0]
    assert "Payout" in rows[1]
    assert "-$90.00" in rows[1]
    assert "Order paid" in rows[-1]
    assert "ord_1" in rows[-1]
    assert "+$90.00" in rows[-1]
    assert "Pending" in rows[-1]


def test_the_statement_is_filtered_by_date(seller_client, seller, payout):
    html = seller_client.get(MONEY, AROUND_PAID).content.decode()

    rows = statement_rows(html)
    assert len(rows) == 1
    assert "ord_1" in rows[0]
    assert f'href="/seller/money/statement.csv?from={AROUND_PAID["start"]}&amp;to={AROUND_PAID["end"]}"' in html


def test_a_malformed_date_range_is_a_400_that_lists_nothing(seller_client, payout):
    response = seller_client.get(MONEY, {"start": "2026-11-05", "end": "2026-11-01"})

    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert 'data-testid="statement"' not in response.content.decode()


def test_the_statement_is_paginated_and_the_pager_keeps_the_dates(seller_client, seller):
    for n in range(31):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"Credit {n}")
    today = timezone.localdate().isoformat()

    first = seller_client.get(MONEY, {"start": today}).content.decode()
    second = seller_client.get(MONEY, {"start": today, "page": 2}).content.decode()

    assert len(statement_rows(first)) == 30
    assert f'href="?start={today}&amp;page=2"' in first
    assert len(statement_rows(second)) == 1
    assert "Credit 0" in statement_rows(second)[0]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_money_page_costs_the_same_queries_for_3_entries_as_for_30(
    seller_client, seller, django_assert_max_num_queries
):
    for n in range(3):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"Credit {n}")
    few = count_queries(seller_client, MONEY)
    for n in range(27):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"More {n}")

    with django_assert_max_num_queries(few):
        seller_client.get(MONEY)
    assert few == 7  # the session, the user with their seller; two for the balance; the count and the page; base.html


# --- CSV download ----------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_statement_downloads_as_csv_for_the_chosen_range(seller_client, payout):
    rows = read_csv(seller_client.get(CSV, {"from": AROUND_PAID["start"], "to": AROUND_PAID["end"]}))

    assert rows[0] == ["date", "kind", "order", "line", "reason", "amount", "account", "payout"]
    assert len(rows) == 2
    date, kind, order, line, reason, amount, account, paid_by = rows[1]
    assert (kind, order, line, reason, amount, account) == ("order_paid", "ord_1", "", "", "90.00", "pending")
    assert date == timezone.localtime(PAID_AT).isoformat()
    assert paid_by == ""


def test_the_whole_statement_downloads_without_a_range(seller_client, payout):
    rows = read_csv(seller_client.get(CSV))

    assert len(rows) == 1 + 5
    amounts = {row[5] for row in rows[1:]}
    assert {"-90.00", "90.00", "45.00"} <= amounts  # plain decimals, signed, no symbol
    assert [row[7] for row in rows[1:] if row[1] == "payout"] == [payout.pk]


@pytest.mark.parametrize("reason", ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"])
def test_a_reason_that_looks_like_a_formula_is_written_as_text(seller_client, seller, reason):
    services.adjust_balance(seller_id=seller.pk, amount=D("-1.00"), reason=reason)

    rows = read_csv(seller_client.get(CSV))

    assert rows[1][4] == "'" + reason
    assert rows[1][5] == "-1.00"  # an amount is a number, never escaped


def test_a_bad_range_in_the_download_is_a_400(seller_client):
    assert seller_client.get(CSV, {"from": "yesterday"}).status_code == 400
    assert seller_client.get(CSV, {"from": "2026-11-05", "to": "2026-11-01"}).status_code == 400


# --- Payouts ---------------------------------------------------------------------------------------------------


def test_the_payouts_list_links_each_payout_to_its_statement(seller_client, payout):
    html = seller_client.get(PAYOUTS).content.decode()

    assert f'<a href="/seller/payouts/{payout.pk}/">{PERIOD}</a>' in html
    assert "$90.00" in html
    assert payout.reference in html
    assert "Paid" in html


def test_a_failed_payout_says_why(seller_client, seller, settings):
    settings.PAYOUT_TEST_FAILING_SELLERS = [seller.pk]
    paid_out(seller)

    html = seller_client.get(PAYOUTS).content.decode()

    assert "Failed" in html
    assert "The seller&#x27;s account is closed." in html


def test_a_payout_statement_lists_what_it_paid_and_sums_to_its_amount(seller_client, seller, payout):
    html = seller_client.get(f"{PAYOUTS}{payout.pk}/").content.decode()

    entries = selectors.payout_statement(payout=payout)
    assert sum(entry.amount for entry in entries) == payout.amount == D("90.00")
    assert 'data-testid="payout-total">$90.00<' in html
    assert 'data-testid="payout-amount">$90.00<' in html
    body = html.split('data-testid="payout-entries"')[1].split("</table>")[0]
    assert body.count("<tr data-entry-id=") == len(entries) == 1
    assert "Funds released after the return window" in body
    assert "ord_1" in body
    assert "Lamp Works" in html
    assert "Lena Lamp" in html
    assert PERIOD in html
    assert "css/ledger" in html
    assert "<style" not in html


def test_a_payout_statement_nets_a_refund_of_money_already_paid(seller_client, seller, payout):
    services.book_refund(
        order_refund_id="orf_1", order_id="ord_1", goods=D("20.00"), tax=D(0), shipping=D(0), line_id=1
    )  # 18.00 back from available funds (20.00 less its 2.00 commission)
    services.adjust_balance(seller_id=seller.pk, amount=D("30.00"), reason="Bonus")
    (second,) = services.run_payouts(period="2026-W50")

    html = seller_client.get(f"{PAYOUTS}{second.pk}/").content.decode()

    assert second.amount == D("12.00")
    assert 'data-testid="payout-total">$12.00<' in html
    assert "-$18.00" in html
    assert "+$30.00" in html


def test_a_payout_statement_downloads_as_csv(seller_client, payout):
    rows = read_csv(seller_client.get(f"{PAYOUTS}{payout.pk}/statement.csv"))

    assert rows[0] == ["date", "kind", "order", "line", "reason", "amount"]
    assert rows[1][1:] == ["release", "ord_1", "1", "Return window closed", "90.00"]
    assert sum(D(row[5]) for row in rows[1:]) == payout.amount


def test_the_payout_page_costs_the_same_queries_for_3_entries_as_for_30(seller_client, seller):
    for n in range(3):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"Credit {n}")
    (few,) = services.run_payouts(period="2026-W01")
    for n in range(30):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason=f"More {n}")
    (many,) = services.run_payouts(period="2026-W02")

    assert count_queries(seller_client, f"{PAYOUTS}{few.pk}/") == count_queries(seller_client, f"{PAYOUTS}{many.pk}/")


def test_the_payouts_page_costs_the_same_queries_for_1_payout_as_for_3(seller_client, seller):
    services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason="Credit")
    services.run_payouts(period="2026-W01")
    one = count_queries(seller_client, PAYOUTS)
    for week in (2, 3):
        services.adjust_balance(seller_id=seller.pk, amount=D("1.00"), reason="Credit")
        services.run_payouts(period=f"2026-W{week:02d}")

    assert count_queries(seller_client, PAYOUTS) == one


# --- Who may see it --------------------------------------------------------------------------------------------


def pages(payout) -> list[str]:
    return [MONEY, CSV, PAYOUTS, f"{PAYOUTS}{payout.pk}/", f"{PAYOUTS}{payout.pk}/statement.csv"]


def test_every_money_page_opens_for_its_seller(seller_client, payout):
    assert [seller_client.get(url).status_code for url in pages(payout)] == [200] * 5


def test_a_buyer_gets_403_on_every_money_page(client, payout):
    client.force_login(UserFactory())

    assert [client.get(url).status_code for url in pages(payout)] == [403] * 5


def test_a_visitor_is_sent_to_sign_in(client, payout):
    for url in pages(payout):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_another_sellers_payout_is_a_404(client, payout):
    other = SellerFactory()
    client.force_login(other.user)

    assert client.get(f"{PAYOUTS}{payout.pk}/").status_code == 404
    assert client.get(f"{PAYOUTS}{payout.pk}/statement.csv").status_code == 404
    assert 'data-testid="statement"' not in client.get(MONEY).content.decode()  # none of the first seller's
    assert read_csv(client.get(CSV)) == [["date", "kind", "order", "line", "reason", "amount", "account", "payout"]]
