"""The ledger's admin: the books read-only and staff only, every list in a pinned number of queries (account
balances summed in the query, not per row), commission rates validated, and the seller-level acts (hold and
release payouts, adjust a balance) going through ledger.services with the staff member and their reason."""

from decimal import Decimal

import pytest

from ledger import selectors, services
from ledger.models import Account, CommissionRate, PayoutHold, Transaction
from ledger.services import PaidLine
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

D = Decimal
LISTS = [
    "/admin/ledger/transaction/",
    "/admin/ledger/entry/",
    "/admin/ledger/account/",
    "/admin/ledger/linefunds/",
    "/admin/ledger/payout/",
    "/admin/ledger/payouthold/",
    "/admin/ledger/commissionrate/",
    "/admin/ledger/account/adjust-balance/",
]


@pytest.fixture
def books():
    """Three sellers' paid orders, a payout run and a hold: enough rows that an N+1 would show."""
    sellers = [SellerFactory() for _ in range(3)]
    for n, seller in enumerate(sellers):
        services.book_capture(payment_id=f"pay_{n}", order_id=f"ord_{n}", amount=D("110.00"))
        services.book_order_paid(
            order_id=f"ord_{n}", lines=[PaidLine(n + 1, seller.pk, D("100.00"), D("10.00"))], tax=D("10.00"),
            shipping=D("0.00"), total=D("110.00"),
        )  # fmt: skip
        services.adjust_balance(seller_id=seller.pk, amount=D("5.00"), reason="Welcome credit")
    services.run_payouts(period="2026-W49")
    services.hold_payouts(seller_id=sellers[0].pk, reason="Dispute")
    CommissionRate.objects.create(seller=sellers[1], rate=D("0.0800"))
    return sellers


@pytest.mark.parametrize("url", LISTS)
def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client, url):
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", LISTS)
def test_every_ledger_page_renders_in_a_pinned_number_of_queries(
    admin_client, books, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert admin_client.get(url).status_code == 200


def test_a_transaction_page_shows_its_entries(admin_client, books):
    posted = Transaction.objects.filter(kind=Transaction.Kind.ORDER_PAID).first()
    page = admin_client.get(f"/admin/ledger/transaction/{posted.pk}/change/").content.decode()
    assert posted.key in page
    assert "90.00" in page  # the seller's share, less the commission: one of its entries


def test_the_account_list_shows_each_balance(admin_client, books):
    response = admin_client.get("/admin/ledger/account/")
    balances = {(a.kind, a.seller_id): a.total for a in response.context["cl"].result_list}
    expected = selectors.account_balances()
    assert {key: value for key, value in balances.items() if value is not None} == expected


def test_the_books_cannot_be_edited(admin_client, books):
    entry_id = Transaction.objects.first().entries.first().pk
    assert admin_client.get("/admin/ledger/entry/add/").status_code == 403
    assert admin_client.post(f"/admin/ledger/entry/{entry_id}/delete/", {"post": "yes"}).status_code == 403


# --- Commission rates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", ["1", "1.5000", "-0.0100"])
def test_a_commission_rate_outside_0_to_1_is_refused(admin_client, rate):
    seller = SellerFactory()
    response = admin_client.post("/admin/ledger/commissionrate/add/", {"seller": seller.pk, "rate": rate})
    assert response.status_code == 200  # the form again, with its error
    assert not CommissionRate.objects.exists()


def test_a_commission_rate_for_a_seller_in_a_category_is_saved(admin_client):
    seller, category = SellerFactory(), CategoryFactory()
    admin_client.post(
        "/admin/ledger/commissionrate/add/", {"seller": seller.pk, "category": category.pk, "rate": "0.1200"}
    )
    assert selectors.commission_rates(pairs=[(seller.pk, category.pk)]) == {(seller.pk, category.pk): D("0.1200")}


def test_a_commission_rate_needs_a_seller_or_a_category(admin_client):
    admin_client.post("/admin/ledger/commissionrate/add/", {"rate": "0.1200"})
    assert not CommissionRate.objects.exists()


# --- Holds, releases, adjustments ----------------------------------------------------------------------


def test_staff_hold_a_sellers_payouts_with_a_reason(admin_client, admin_user):
    seller = SellerFactory()
    response = admin_client.post("/admin/ledger/payouthold/add/", {"seller": seller.pk, "reason": "Chargebacks"})
    assert response.status_code == 302
    hold = PayoutHold.objects.get(seller=seller)
    assert (hold.reason, hold.held_by) == ("Chargebacks", admin_user)
    assert selectors.seller_balance(seller_id=seller.pk).payouts_held


def test_a_hold_without_a_reason_is_refused(admin_client):
    seller = SellerFactory()
    admin_client.post("/admin/ledger/payouthold/add/", {"seller": seller.pk, "reason": ""})
    assert not PayoutHold.objects.exists()


def test_staff_release_held_payouts(admin_client):
    seller = SellerFactory()
    services.hold_payouts(seller_id=seller.pk, reason="Check")
    hold = PayoutHold.objects.get()
    admin_client.post("/admin/ledger/payouthold/", {"action": "release", "_selected_action": [hold.pk]})
    assert not selectors.seller_balance(seller_id=seller.pk).payouts_held


def test_staff_adjust_a_balance_with_balanced_entries_their_name_and_reason(admin_client, admin_user):
    seller = SellerFactory()
    response = admin_client.post(
        "/admin/ledger/account/adjust-balance/", {"seller": seller.pk, "amount": "-12.50", "reason": "Damaged stock"}
    )
    assert response.status_code == 302
    posted = Transaction.objects.get(kind=Transaction.Kind.ADJUSTMENT)
    assert (posted.actor, posted.reason, posted.seller_id) == (admin_user, "Damaged stock", seller.pk)
    assert sum(entry.amount for entry in posted.entries.all()) == 0
    assert selectors.seller_balance(seller_id=seller.pk).available == D("-12.50")


@pytest.mark.parametrize(("amount", "reason"), [("0", "Nothing"), ("5.00", ""), ("abc", "Typo")])
def test_an_adjustment_without_an_amount_or_a_reason_changes_nothing(admin_client, amount, reason):
    seller = SellerFactory()
    response = admin_client.post(
        "/admin/ledger/account/adjust-balance/", {"seller": seller.pk, "amount": amount, "reason": reason}
    )
    assert response.status_code == 400
    assert not Transaction.objects.exists()
    assert not Account.objects.filter(seller=seller).exists()


def test_staff_who_may_only_view_cannot_adjust(client):
    client.force_login(UserFactory(is_staff=True))
    seller = SellerFactory()
    response = client.post(
        "/admin/ledger/account/adjust-balance/", {"seller": seller.pk, "amount": "5.00", "reason": "Try"}
    )
    assert response.status_code == 403
    assert not Transaction.objects.exists()
