"""The back office's acts on an order (orders.services.staff through the order admin): cancel the order or one
line, refund an amount, retry a refund the gateway refused. Staff only; each writes the order's history with the
staff member and their reason; a refused request changes nothing."""

from decimal import Decimal

from django.contrib.auth.models import Permission
import pytest

from orders import errors
from orders.models import Order, OrderEvent, OrderLine, OrderRefund
from orders.services import staff
from payments.gateways.base import FAILED, RefundResult
from payments.gateways.test import TestGateway
from payments.models import Payment, Refund
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import place_paid, stock

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def order(buyer):
    """A paid order of two lines: 2 x 10.00 and 1 x 10.00 (two sellers)."""
    return place_paid(buyer, (VariantFactory(stock=5), 2), (VariantFactory(stock=5), 1))


@pytest.fixture
def staff_user(admin_user):
    return admin_user


def lines(order) -> list[OrderLine]:
    return list(order.lines.order_by("id"))


def cancel_url(order) -> str:
    return f"/admin/orders/order/{order.pk}/staff-cancel/"


def refund_url(order) -> str:
    return f"/admin/orders/order/{order.pk}/staff-refund/"


def refused_gateway(monkeypatch):
    monkeypatch.setattr(
        TestGateway, "refund", lambda self, **kw: RefundResult(status=FAILED, gateway_reference="re_refused")
    )


def refunded_at_gateway(order) -> Decimal:
    return Payment.objects.get(pk=order.payment_id).refunded_amount


# --- Who may act --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [cancel_url, refund_url])
def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client, order, url):
    client.force_login(UserFactory())
    response = client.get(url(order))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_who_may_only_view_orders_cannot_refund(client, order):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer)
    response = client.post(refund_url(order), {"amount": "5.00", "line": "", "reason": "goodwill"})
    assert response.status_code == 403
    assert not OrderRefund.objects.filter(order=order).exists()


def test_the_order_page_offers_cancel_and_refund_to_staff_who_may_act(admin_client, order):
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert cancel_url(order) in page
    assert refund_url(order) in page


# --- Cancel -------------------------------------------------------------------------------------------


def test_staff_cancel_of_a_line_refunds_it_and_writes_history_with_actor_and_reason(admin_client, staff_user, order):
    first, _second = lines(order)
    response = admin_client.post(cancel_url(order), {"line": str(first.pk), "reason": "Seller out of stock"})
    assert response.status_code == 302

    first.refresh_from_db()
    assert first.status == OrderLine.Status.CANCELLED
    row = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.ITEM_CANCELLED)
    assert (row.actor, row.data["reason"], row.data["line_ids"]) == (staff_user, "Seller out of stock", [first.pk])
    claim = OrderRefund.objects.get(order=order)
    assert (claim.status, claim.line_id, claim.goods_amount) == ("succeeded", first.pk, first.line_total)
    assert refunded_at_gateway(order) == claim.amount


def test_staff_cancel_of_the_whole_order_refunds_its_total(admin_client, order):
    admin_client.post(cancel_url(order), {"line": "", "reason": "Fraud check failed"})

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total
    assert refunded_at_gateway(order) == order.total
    assert set(OrderRefund.objects.filter(order=order).values_list("status", flat=True)) == {"succeeded"}


def test_a_cancel_without_a_reason_is_refused_and_changes_nothing(admin_client, order):
    response = admin_client.post(cancel_url(order), {"line": "", "reason": "  "})

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.ITEM_CANCELLED).exists()


# --- Refund an amount ---------------------------------------------------------------------------------


def test_a_refund_on_a_line_is_its_goods_and_tax_share_adding_up_to_the_amount(admin_client, staff_user, order):
    first, _ = lines(order)
    response = admin_client.post(refund_url(order), {"amount": "7.00", "line": str(first.pk), "reason": "Scratched"})
    assert response.status_code == 302

    claim = OrderRefund.objects.get(order=order)
    assert claim.status == "succeeded"
    assert (claim.amount, claim.line_id) == (D("7.00"), first.pk)
    assert claim.goods_amount + claim.tax_amount == D("7.00")
    assert claim.goods_amount <= first.line_total
    row = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.REFUND_REQUESTED)
    assert (row.actor, row.data["note"], row.data["order_refund_id"]) == (staff_user, "Scratched", claim.id)
    assert refunded_at_gateway(order) == D("7.00")


def test_a_refund_without_a_line_is_goodwill_goods(admin_client, order):
    admin_client.post(refund_url(order), {"amount": "3.50", "line": "", "reason": "Late parcel"})

    claim = OrderRefund.objects.get(order=order)
    assert (claim.reason, claim.line_id, claim.goods_amount, claim.tax_amount) == ("goodwill", None, D("3.50"), 0)


def test_a_refund_above_what_is_left_is_refused_with_a_message_and_changes_nothing(admin_client, order):
    over = order.total + D("0.01")
    response = admin_client.post(refund_url(order), {"amount": str(over), "line": "", "reason": "Too much"})

    assert response.status_code == 400
    assert "can still be refunded" in response.content.decode()
    order.refresh_from_db()
    assert order.refunded_amount == 0
    assert not OrderRefund.objects.filter(order=order).exists()
    assert refunded_at_gateway(order) == 0


def test_a_refund_above_what_the_line_has_left_is_refused(staff_user, order):
    first, _ = lines(order)
    with pytest.raises(errors.RefundExceedsRemaining):
        staff.staff_refund(actor=staff_user, order_id=order.pk, amount=first.line_total * 2, line_id=first.pk,
                           reason="Too much for the line")  # fmt: skip
    assert not OrderRefund.objects.filter(order=order).exists()


@pytest.mark.parametrize("amount", [D("0"), D("-1.00")])
def test_a_refund_that_is_not_positive_is_refused(staff_user, order, amount):
    with pytest.raises(errors.InvalidRefundAmount):
        staff.staff_refund(actor=staff_user, order_id=order.pk, amount=amount, reason="nothing")
    assert not OrderRefund.objects.filter(order=order).exists()


def test_the_refund_form_refuses_a_zero_amount(admin_client, order):
    response = admin_client.post(refund_url(order), {"amount": "0", "line": "", "reason": "zero"})
    assert response.status_code == 400
    assert not OrderRefund.objects.filter(order=order).exists()


def test_refunds_up_to_the_total_then_nothing_is_left(staff_user, order):
    staff.staff_refund(actor=staff_user, order_id=order.pk, amount=order.total - D("1.00"), reason="Most")
    staff.staff_refund(actor=staff_user, order_id=order.pk, amount=D("1.00"), reason="The rest")

    with pytest.raises(errors.RefundExceedsRemaining):
        staff.staff_refund(actor=staff_user, order_id=order.pk, amount=D("0.01"), reason="More")
    assert refunded_at_gateway(order) == order.total


# --- Retry a refused refund ---------------------------------------------------------------------------


def test_retrying_a_refused_refund_pays_it_once_and_keeps_the_reservation(admin_client, staff_user, order, monkeypatch):
    refused_gateway(monkeypatch)
    failed = staff.staff_refund(actor=staff_user, order_id=order.pk, amount=D("5.00"), reason="Goodwill")
    assert failed.status == "failed"
    monkeypatch.undo()

    response = admin_client.post(
        "/admin/orders/orderrefund/", {"action": "retry", "_selected_action": [failed.pk]}, follow=True
    )
    assert "retried as" in response.content.decode()
    admin_client.post("/admin/orders/orderrefund/", {"action": "retry", "_selected_action": [failed.pk]})

    order.refresh_from_db()
    retried = OrderRefund.objects.exclude(pk=failed.pk).get(order=order)
    assert retried.status == "succeeded"
    assert retried.amount == D("5.00")
    assert order.refunded_amount == D("5.00")
    assert refunded_at_gateway(order) == D("5.00")
    assert Refund.objects.filter(payment_id=order.payment_id, status="succeeded").count() == 1
    row = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.REFUND_REQUESTED, data__retry_of=failed.pk)
    assert row.actor == staff_user


def test_a_refund_that_did_not_fail_cannot_be_retried(staff_user, order):
    paid = staff.staff_refund(actor=staff_user, order_id=order.pk, amount=D("2.00"), reason="Goodwill")
    with pytest.raises(errors.RefundNotRetryable):
        staff.retry_refund(actor=staff_user, order_refund_id=paid.pk)
    assert OrderRefund.objects.filter(order=order).count() == 1


# --- Pages --------------------------------------------------------------------------------------------


def test_order_admin_pages_render_in_a_pinned_number_of_queries(admin_client, order, django_assert_max_num_queries):
    staff.staff_refund(actor=None, order_id=order.pk, amount=D("1.00"), reason="For the list")
    for url in ("/admin/orders/order/", "/admin/orders/orderrefund/", cancel_url(order), refund_url(order)):
        with django_assert_max_num_queries(15):
            assert admin_client.get(url).status_code == 200


def test_staff_cancel_of_an_unpaid_order_releases_its_holds_and_refunds_nothing(staff_user, placed, variant):
    result = staff.staff_cancel(actor=staff_user, order_id=placed["id"], reason="Duplicate order")

    assert result.order.status == Order.Status.CANCELLED
    assert result.refunds == []
    assert stock(variant) == (5, 0)
