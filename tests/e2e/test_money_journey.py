"""Marketplace money end to end, in Chromium: a buyer pays one order from two sellers (each with their own
commission rate, tax charged on the goods), both sellers ship with the simulated carrier and the parcels are
delivered; one of seller B's lines is returned, approved, received and refunded by the test gateway. Once the
return window and the funds hold are over, the operator's ``payouts`` command pays each seller exactly their
goods less commission less the refunded goods (whose commission the platform gives back). Each seller sees the
payout on their money page, statement and payout statement; staff's reconciliation report shows no difference.

Every expected figure is computed here from the prices and rates, never read back from the ledger.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO
import re

from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
import pytest

from catalog import services as catalog_services
from ledger import selectors as ledger_selectors
from ledger import services as ledger_services
from ledger.models import CommissionRate, LineFunds, Payout
from orders.models import Order
from payments.models import Refund
from shop.money import format_money, quantize
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.orders.conftest import fill_cart
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

D = Decimal
PERIOD = "2026-W49"
TAX_RATE = D("0.08")
SHIPPING = D("4.99")  # standard delivery

# Seller A: two kettles at 10 % commission. Seller B: a lamp and a bulb at 15 %; the bulb is returned.
RATE_A, RATE_B = D("0.10"), D("0.15")
KETTLE_PRICE, KETTLES = D("40.00"), 2
LAMP_PRICE, BULB_PRICE = D("60.00"), D("20.00")

# What the money should come to, from the prices alone.
KETTLE_GOODS = KETTLE_PRICE * KETTLES
KETTLE_COMMISSION = quantize(KETTLE_GOODS * RATE_A)
LAMP_COMMISSION, BULB_COMMISSION = quantize(LAMP_PRICE * RATE_B), quantize(BULB_PRICE * RATE_B)
SUBTOTAL = KETTLE_GOODS + LAMP_PRICE + BULB_PRICE
TAX = quantize(SUBTOTAL * TAX_RATE)
TOTAL = SUBTOTAL + TAX + SHIPPING  # 160.00 + 12.80 + 4.99 = 177.79
BULB_REFUND = BULB_PRICE + quantize(TAX * BULB_PRICE / SUBTOTAL)  # the goods and their tax share: 21.60

PAYOUT_A = KETTLE_GOODS - KETTLE_COMMISSION  # 80.00 - 8.00 = 72.00
# B's goods less 15 %, less the clawback: the returned goods less the commission given back on them.
# 80.00 - 12.00 - (20.00 - 3.00) = 51.00
PAYOUT_B = (LAMP_PRICE + BULB_PRICE) - (LAMP_COMMISSION + BULB_COMMISSION) - (BULB_PRICE - BULB_COMMISSION)
PLATFORM_COMMISSION = KETTLE_COMMISSION + LAMP_COMMISSION  # the bulb's was given back

SALE, REFUND, RELEASE, PAYOUT = (
    "Order paid: shares allocated",
    "Refund: shares taken back",
    "Funds released after the return window",
    "Payout",
)


def money(amount: Decimal, *, signed: bool = False) -> str:
    """An amount as the pages write it (``$72.00``; ``+$72.00`` / ``-$72.00`` on statements)."""
    return f"{'+' if signed and amount > 0 else ''}{format_money(amount)}"


def sign_in(page: Page, base: str, user, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}{next_path}")


def new_page(browser: Browser) -> Page:
    """A page in a context of its own: its own cookies, so its own signed-in user."""
    return browser.new_context().new_page()


def two_sellers_and_a_filled_cart(buyer):
    seller_a = SellerFactory(store_name="Kettle Works")
    seller_b = SellerFactory(store_name="Lamp House")
    CommissionRate.objects.create(seller=seller_a, rate=RATE_A)
    CommissionRate.objects.create(seller=seller_b, rate=RATE_B)
    kettle = catalog_services.create_product(seller=seller_a, name="Copper Kettle", price=KETTLE_PRICE, quantity=20)
    lamp = catalog_services.create_product(seller=seller_b, name="Desk Lamp", price=LAMP_PRICE, quantity=20)
    bulb = catalog_services.create_product(seller=seller_b, name="Spare Bulb", price=BULB_PRICE, quantity=20)
    fill_cart(buyer, (kettle.variants.get(), KETTLES), (lamp.variants.get(), 1), (bulb.variants.get(), 1))
    return seller_a, seller_b


def check_out_and_pay(page: Page, base: str, buyer) -> Order:
    """The buyer's checkout in the browser: a new address, standard delivery, the test Visa card."""
    sign_in(page, base, buyer, "/cart/")
    page.get_by_role("link", name=re.compile("checkout", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_label("Full name").fill("Robin Buyer")
    page.get_by_label("Address line 1").fill("12 Harbour Road")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("Postal code").fill("97201")
    page.get_by_role("radio", name=re.compile("^Standard")).check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment")
    page.get_by_role("radio", name=re.compile("^Visa")).check()
    page.get_by_role("button", name=re.compile(r"^Pay \$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your order is confirmed")
    return Order.objects.get(buyer=buyer)


def ship_with_the_simulated_carrier(page: Page, base: str, seller) -> None:
    """The seller marks their parcel shipped; the simulated carrier (eager tasks) delivers it at once."""
    sign_in(page, base, seller.user, "/seller/orders/")
    page.get_by_role("button", name=re.compile("^Mark shipped")).click()
    expect(page.get_by_text(re.compile("shipped", re.IGNORECASE)).first).to_be_visible()


def statement_rows(page: Page) -> list[tuple[str, str, str]]:
    """(what happened, amount, account) of every row of the statement on /seller/money/, sorted."""
    rows = page.get_by_test_id("statement").locator("tbody tr")
    cells = rows.evaluate_all(
        """rows => rows.map(row => [
            row.querySelector('th').textContent.trim(),
            row.querySelector('td.amount').textContent.trim(),
            row.querySelector('td:last-child').textContent.trim(),
        ])"""
    )
    return sorted(tuple(row) for row in cells)


def check_money_pages(page: Page, base: str, *, paid: Decimal, statement: list[tuple[str, Decimal, str]]) -> None:
    """The seller's balance (all paid out), statement, and payout statement totalling the payout."""
    page.goto(f"{base}/seller/money/")
    expect(page.get_by_test_id("paid-out")).to_have_text(money(paid))
    expect(page.get_by_test_id("available")).to_have_text(money(D("0")))
    expect(page.get_by_test_id("pending")).to_have_text(money(D("0")))
    expect(page.get_by_test_id("statement").locator("tbody tr")).to_have_count(len(statement))
    expected = sorted((kind, money(amount, signed=True), account) for kind, amount, account in statement)
    assert statement_rows(page) == expected

    page.goto(f"{base}/seller/payouts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payouts")
    page.get_by_role("link", name=PERIOD).click()
    expect(page.get_by_role("heading", name="Payout statement")).to_be_visible()
    expect(page.get_by_test_id("payout-amount")).to_have_text(money(paid))
    expect(page.get_by_test_id("payout-total")).to_have_text(money(paid))


def test_two_sellers_paid_their_share_less_commission_and_the_refund(page: Page, browser: Browser, base: str, settings):
    settings.TAX_RATE = str(TAX_RATE)
    buyer = UserFactory(name="Robin Buyer")
    seller_a, seller_b = two_sellers_and_a_filled_cart(buyer)

    # The buyer checks out and pays in the browser.
    order = check_out_and_pay(page, base, buyer)
    assert (order.subtotal, order.tax, order.shipping, order.total) == (SUBTOTAL, TAX, SHIPPING, TOTAL)

    # Both sellers ship; the simulated carrier delivers both parcels.
    page_a, page_b = new_page(browser), new_page(browser)
    ship_with_the_simulated_carrier(page_a, base, seller_a)
    ship_with_the_simulated_carrier(page_b, base, seller_b)
    page.goto(f"{base}/orders/{order.id}/")
    expect(page.get_by_text(re.compile("Delivered")).first).to_be_visible()

    # The buyer returns the bulb; seller B approves, receives it, and the test gateway refunds it.
    page.get_by_role("link", name=re.compile(r"^Return this item\W+Spare Bulb")).click()
    page.get_by_role("radio", name="It does not fit").check()
    page.get_by_role("button", name="Request the return").click()
    page_b.goto(f"{base}/seller/returns/")
    page_b.get_by_role("button", name=re.compile("^Approve")).click()
    page_b.get_by_role("radio", name=re.compile("^Resellable")).check()
    page_b.get_by_role("button", name="Mark received and refund").click()
    page.goto(f"{base}/returns/")
    expect(page.get_by_text(str(BULB_REFUND)).first).to_be_visible()
    assert [r.amount for r in Refund.objects.filter(status="succeeded")] == [BULB_REFUND]

    # Until the return window and the hold are over the money stays pending, less the refund.
    assert ledger_selectors.seller_balance(seller_id=seller_a.pk).pending == PAYOUT_A
    assert ledger_selectors.seller_balance(seller_id=seller_b.pk).pending == PAYOUT_B
    funds = list(LineFunds.objects.filter(order_id=order.id))
    assert len(funds) == 3
    assert all(f.delivered_at is not None for f in funds)
    window = max(seller_a.return_window, seller_b.return_window)  # the store's RETURN_WINDOW_DAYS here
    hold = timedelta(days=window + django_settings.FUNDS_HOLD_DAYS)
    last_delivery = max(f.delivered_at for f in funds)
    assert ledger_services.release_funds(now=last_delivery + hold - timedelta(hours=1)) == 0
    assert ledger_services.release_funds(now=last_delivery + hold + timedelta(days=1)) == 3

    # The weekly payout run, as the operator starts it.
    out = StringIO()
    call_command("payouts", period=PERIOD, stdout=out)
    assert "2 payouts" in out.getvalue()
    payouts = {p.seller_id: p for p in Payout.objects.filter(period=PERIOD)}
    assert {seller: (p.amount, p.status) for seller, p in payouts.items()} == {
        seller_a.pk: (PAYOUT_A, Payout.Status.PAID),
        seller_b.pk: (PAYOUT_B, Payout.Status.PAID),
    }
    balances = ledger_selectors.account_balances()
    assert balances[("platform_revenue", None)] == PLATFORM_COMMISSION
    assert balances[("gateway_clearing", None)] == -(TOTAL - BULB_REFUND)  # a debit: captured less refunded

    # Each seller sees it: balance all paid out, the statement's rows, the payout statement's total.
    check_money_pages(
        page_a,
        base,
        paid=PAYOUT_A,
        statement=[
            (SALE, PAYOUT_A, "Pending"),
            (RELEASE, -PAYOUT_A, "Pending"),
            (RELEASE, PAYOUT_A, "Available"),
            (PAYOUT, -PAYOUT_A, "Available"),
        ],
    )
    lamp_share, bulb_share = LAMP_PRICE - LAMP_COMMISSION, BULB_PRICE - BULB_COMMISSION
    check_money_pages(
        page_b,
        base,
        paid=PAYOUT_B,
        statement=[
            (SALE, lamp_share, "Pending"),
            (SALE, bulb_share, "Pending"),
            (REFUND, -bulb_share, "Pending"),
            (RELEASE, -lamp_share, "Pending"),  # the bulb's share is nothing: no release of it
            (RELEASE, lamp_share, "Available"),
            (PAYOUT, -PAYOUT_B, "Available"),
        ],
    )

    # Staff's reconciliation: the gateway's captured less refunded equals the ledger's clearing, today.
    staff = UserFactory(name="Sam Staff", is_staff=True, is_superuser=True)
    staff_page = new_page(browser)
    sign_in(staff_page, base, staff, "/admin/payments/payment/reconciliation/")
    expect(staff_page.get_by_text("every day agrees")).to_be_visible()
    today = staff_page.locator(f'tr[data-day="{timezone.localdate():%Y-%m-%d}"]')
    expect(today.locator("td.money")).to_have_text([str(TOTAL - BULB_REFUND), str(TOTAL - BULB_REFUND), "0.00"])
    expect(staff_page.locator("#total-difference")).to_have_text("0.00")
    expect(staff_page.locator("tr.mismatch")).to_have_count(0)
