"""The daily reconciliation report (payments' admin): the gateway's captures less refunds per day against the
ledger's clearing account, after real orders paid and refunded (the ledger books from their events, delivered
after commit: these tests commit), and the difference shown when a clearing booking is missing."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
import pytest

from ledger.models import Entry, Transaction
from orders.models import OrderRefund
from orders.services import staff
from payments import selectors
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import place_paid

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal
URL = "/admin/payments/payment/reconciliation/"


@pytest.fixture
def trade(admin_user):
    """Two orders paid today; one refunded in part by staff, the other cancelled by staff: (captured, refunded)."""
    first = place_paid(UserFactory(), (VariantFactory(stock=5), 2))
    second = place_paid(UserFactory(), (VariantFactory(stock=5), 1), (VariantFactory(stock=5), 1))
    staff.staff_refund(actor=admin_user, order_id=first.pk, amount=D("4.00"), reason="Late parcel")
    staff.staff_cancel(actor=admin_user, order_id=second.pk, reason="Out of stock")
    return first.total + second.total, D("4.00") + second.total


def test_the_report_shows_no_difference_after_orders_paid_and_refunded(admin_client, trade):
    captured, refunded = trade
    today = timezone.localdate()

    response = admin_client.get(URL, {"from": today.isoformat(), "to": today.isoformat()})

    assert response.status_code == 200
    (day,) = response.context["days"]
    assert (day.day, day.gateway, day.ledger, day.difference) == (today, captured - refunded, captured - refunded, 0)
    assert response.context["totals"]["difference"] == 0
    assert "every day agrees" in response.content.decode()


def test_a_missing_clearing_booking_shows_as_a_difference(admin_client, trade):
    captured, refunded = trade
    booking = Transaction.objects.filter(kind=Transaction.Kind.GATEWAY_REFUND).first()
    missing = Entry.objects.get(transaction=booking, account__kind="gateway_clearing").amount  # credited back
    Entry.objects.filter(transaction=booking).delete()
    booking.delete()

    response = admin_client.get(URL)

    (day,) = response.context["days"]
    assert day.difference == -missing  # the gateway refunded it; the ledger does not know
    assert day.ledger == captured - refunded + missing
    assert 'class="mismatch"' in response.content.decode()
    assert "1 day(s) differ" in response.content.decode()


def test_the_gateway_figures_come_from_the_payments_records(trade):
    captured, refunded = trade
    today = timezone.localdate()
    assert selectors.gateway_movements_by_day(since=today, until=today) == {today: captured - refunded}


def test_the_report_is_for_staff_only(client):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_span_that_ends_before_it_starts_is_refused(admin_client):
    response = admin_client.get(URL, {"from": "2026-12-07", "to": "2026-12-01"})
    assert response.status_code == 400


def test_staff_refunds_are_booked_once_each_and_every_transaction_balances(trade):
    claims = set(OrderRefund.objects.values_list("pk", flat=True))
    booked = set(Transaction.objects.filter(kind=Transaction.Kind.REFUND).values_list("key", flat=True))
    assert booked == {f"refund:{pk}" for pk in claims}
    assert not Transaction.objects.annotate(total=Sum("entries__amount")).exclude(total=0).exists()
    goodwill = Transaction.objects.get(key__in=[f"refund:{pk}" for pk in claims], line_id__isnull=True)
    assert goodwill.entries.get(account__kind="adjustments").amount == D("-4.00")
