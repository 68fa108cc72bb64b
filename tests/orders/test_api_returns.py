"""Returns: the buyer asks within the window for at most what was delivered; the line's seller (and only
they) approves or rejects, then receives: resellable units go back on sale and the buyer is refunded."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
import pytest

from orders.models import Order, OrderLine, ReturnRequest
from payments.models import Payment
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import assert_ledger_balances, client_for, deliver_lines, place_paid, seller_client, stock
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unlimited_holds")]  # most of a small stock


@pytest.fixture
def mug():
    return VariantFactory(stock=5, product__price=Decimal("10.00"), price=Decimal("10.00"))


@pytest.fixture
def delivered(buyer, mug):
    """A paid order of 3 mugs, delivered now."""
    order = place_paid(buyer, (mug, 3))
    deliver_lines(order, order.lines.get())
    return order


def ask(client, order, product_id, quantity=1, reason="broken"):
    body = {"order": order.pk, "product": product_id, "quantity": quantity, "reason": reason}
    return client.post("/api/v1/returns", body, format="json")


def act(client, return_id, action, **body):
    return client.post(f"/api/v1/seller/returns/{return_id}/{action}", body, format="json")


@pytest.fixture
def requested(buyer, delivered, mug):
    response = ask(client_for(buyer), delivered, mug.product_id, quantity=2)
    assert response.status_code == 201, response.content
    return response.json()["return"]


@pytest.fixture
def seller(delivered):
    return seller_client(delivered.lines.get())


# --- Asking ---------------------------------------------------------------------------------------


def test_a_delivered_item_can_be_returned_within_the_window(buyer, delivered, mug):
    response = ask(client_for(buyer), delivered, mug.product_id, quantity=2)

    assert response.status_code == 201
    ret = response.json()["return"]
    assert (ret["order"], ret["product"], ret["quantity"], ret["status"]) == (
        delivered.pk,
        mug.product_id,
        2,
        "requested",
    )
    assert ret["id"].startswith("ret_")
    listed = client_for(buyer).get("/api/v1/returns").json()["returns"]
    assert [r["id"] for r in listed] == [ret["id"]]


def test_the_window_closes_return_window_days_after_delivery(buyer, mug, settings):
    settings.RETURN_WINDOW_DAYS = 30
    order = place_paid(buyer, (mug, 1))
    deliver_lines(order, order.lines.get(), at=timezone.now() - timedelta(days=30, minutes=1))

    response = ask(client_for(buyer), order, mug.product_id)

    assert response.status_code == 409
    assert response.json()["code"] == "return_window_closed"


def test_the_last_day_of_the_window_is_still_open(buyer, mug, settings):
    settings.RETURN_WINDOW_DAYS = 30
    order = place_paid(buyer, (mug, 1))
    deliver_lines(order, order.lines.get(), at=timezone.now() - timedelta(days=29, hours=23))

    assert ask(client_for(buyer), order, mug.product_id).status_code == 201


def test_no_more_than_delivered_minus_already_requested(buyer, delivered, mug, requested):
    client = client_for(buyer)

    too_many = ask(client, delivered, mug.product_id, quantity=2)
    the_rest = ask(client, delivered, mug.product_id, quantity=1)

    assert too_many.status_code == 409
    assert too_many.json()["code"] == "return_quantity_exceeded"
    assert (too_many.json()["returnable"], too_many.json()["requested"]) == (1, 2)
    assert the_rest.status_code == 201


def test_rejected_units_can_be_asked_for_again(buyer, delivered, mug, requested, seller):
    act(seller, requested["id"], "reject", reason="no damage visible")

    assert ask(client_for(buyer), delivered, mug.product_id, quantity=3).status_code == 201


def test_an_item_not_yet_delivered_cannot_be_returned(buyer, mug):
    order = place_paid(buyer, (mug, 1))

    response = ask(client_for(buyer), order, mug.product_id)

    assert response.status_code == 409
    assert response.json()["code"] == "item_not_delivered"


def test_another_buyer_gets_404_asking_to_return_my_item(delivered, mug):
    response = ask(client_for(UserFactory()), delivered, mug.product_id)

    assert response.status_code == 404
    assert not ReturnRequest.objects.exists()


def test_another_buyer_does_not_see_my_returns(requested):
    assert client_for(UserFactory()).get("/api/v1/returns").json()["returns"] == []


# --- The seller deciding --------------------------------------------------------------------------


def test_the_seller_approves_with_a_return_code(requested, seller):
    response = act(seller, requested["id"], "approve")

    assert response.status_code == 200
    ret = response.json()["return"]
    assert ret["status"] == "approved"
    assert ret["return_code"].startswith("RMA-")
    assert [r["id"] for r in seller.get("/api/v1/seller/returns").json()["returns"]] == [requested["id"]]


def test_the_seller_rejects_saying_why(requested, seller):
    ret = act(seller, requested["id"], "reject", reason="worn").json()["return"]

    assert (ret["status"], ret["rejection_reason"]) == ("rejected", "worn")


@pytest.mark.parametrize(
    ("action", "body"), [("approve", {}), ("reject", {"reason": "x"}), ("receive", {"resellable": True})]
)
def test_another_seller_gets_404_and_a_buyer_403(requested, buyer, action, body):
    other_seller = client_for(SellerFactory().user)

    assert act(other_seller, requested["id"], action, **body).status_code == 404
    refused = act(client_for(buyer), requested["id"], action, **body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert ReturnRequest.objects.get().status == "requested"
    assert other_seller.get("/api/v1/seller/returns").json()["returns"] == []


@pytest.mark.parametrize(
    ("steps", "action", "body"),
    [
        ([], "receive", {"resellable": True}),  # receive before approval
        (["approve"], "approve", {}),
        (["approve"], "reject", {"reason": "x"}),
        (["reject"], "approve", {}),
    ],
)
def test_illegal_return_transitions_are_409(requested, seller, steps, action, body):
    for step in steps:
        act(seller, requested["id"], step, **({"reason": "r"} if step == "reject" else {}))

    response = act(seller, requested["id"], action, **body)

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


# --- Receiving ------------------------------------------------------------------------------------


def test_receiving_resellable_units_restocks_and_refunds_their_price_and_tax(
    buyer, mug, requested, seller, settings, delivered
):
    act(seller, requested["id"], "approve")

    response = act(seller, requested["id"], "receive", resellable=True)

    assert response.status_code == 200
    body = response.json()
    assert body["return"]["status"] == "received"
    assert body["refund"] == {"amount": "20.00", "status": "succeeded"}
    assert body["return"]["refund"]["amount"] == "20.00"
    assert body["return"]["refund"]["id"]
    assert stock(mug) == (4, 0)  # 5 - 3 sold + 2 back
    assert_ledger_balances(mug)
    assert Payment.objects.get(pk=delivered.payment_id).refunded_amount == Decimal("20.00")
    line = OrderLine.objects.get(order=delivered)
    assert (line.returned_quantity, line.status) == (2, "delivered")


def test_units_that_cannot_be_resold_are_refunded_but_not_restocked(mug, requested, seller):
    act(seller, requested["id"], "approve")

    body = act(seller, requested["id"], "receive", resellable=False).json()

    assert body["refund"]["amount"] == "20.00"
    assert stock(mug) == (2, 0)


def test_the_refund_includes_the_units_tax_share(buyer, mug, settings):
    settings.TAX_RATE = "0.08"
    order = place_paid(buyer, (mug, 3))  # 30.00 + 2.40 tax + 4.99
    deliver_lines(order, order.lines.get())
    ret = ask(client_for(buyer), order, mug.product_id, quantity=1).json()["return"]
    seller = seller_client(order.lines.get())
    act(seller, ret["id"], "approve")

    assert act(seller, ret["id"], "receive", resellable=True).json()["refund"]["amount"] == "10.80"


def test_a_fully_returned_line_is_returned_and_the_order_stays_delivered(buyer, delivered, mug, seller):
    ret = ask(client_for(buyer), delivered, mug.product_id, quantity=3).json()["return"]
    act(seller, ret["id"], "approve")

    act(seller, ret["id"], "receive", resellable=True)

    assert OrderLine.objects.get(order=delivered).status == "returned"
    assert Order.objects.get(pk=delivered.pk).status == "delivered"
    assert ask(client_for(buyer), delivered, mug.product_id).json()["code"] == "return_quantity_exceeded"


def test_receiving_twice_refunds_once(mug, requested, seller, delivered):
    act(seller, requested["id"], "approve")
    act(seller, requested["id"], "receive", resellable=True)

    again = act(seller, requested["id"], "receive", resellable=True)

    assert again.status_code == 409
    assert Payment.objects.get(pk=delivered.payment_id).refunded_amount == Decimal("20.00")
    assert stock(mug) == (4, 0)


def test_the_seller_lists_the_lines_of_their_paid_orders(buyer, delivered, seller, mug):
    place_paid(UserFactory(), (VariantFactory(stock=5), 1))  # another seller's sale

    body = seller.get("/api/v1/seller/orders").json()

    assert [(line["order"]["id"], line["sku"], line["status"]) for line in body["lines"]] == [
        (delivered.pk, mug.sku, "delivered")
    ]
    assert body["count"] == 1


def test_a_buyer_is_not_a_seller(buyer_client):
    assert buyer_client.get("/api/v1/seller/orders").status_code == 403
    assert buyer_client.get("/api/v1/seller/returns").status_code == 403


def test_seller_and_buyer_lists_run_constant_queries(buyer, delivered, mug, seller, requested):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, path) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = [count(seller, "/api/v1/seller/orders"), count(seller, "/api/v1/seller/returns")]
    before.append(count(client_for(buyer), "/api/v1/returns"))
    for _ in range(2):  # the last two mugs
        order = place_paid(buyer, (mug, 1))
        deliver_lines(order, order.lines.get())
        ask(client_for(buyer), order, mug.product_id)

    after = [count(seller, "/api/v1/seller/orders"), count(seller, "/api/v1/seller/returns")]
    after.append(count(client_for(buyer), "/api/v1/returns"))
    assert after == before


def test_the_same_return_request_with_one_idempotency_key_creates_one(buyer, delivered, mug):
    client = client_for(buyer)
    body = {"order": delivered.pk, "product": mug.product_id, "quantity": 1, "reason": "broken"}

    first = client.post("/api/v1/returns", body, format="json", headers={"Idempotency-Key": "r1"})
    again = client.post("/api/v1/returns", body, format="json", headers={"Idempotency-Key": "r1"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert ReturnRequest.objects.count() == 1
