"""The seller's order pages: "Your orders" with "Mark shipped", and returns to approve, reject and receive."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.models import StockLevel
from logistics.models import Shipment
from orders.models import ReturnRequest
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.test_pages_orders import (
    audit,
    deliver,
    make_shipments,
    messages_of,
    place_and_pay,
    queries_for,
    shipment_of,
)
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

# Pinned query budgets for a signed-in seller: the user, the header's seller check and cart badge, the seller.
SELLER_ORDERS_QUERIES = 8  # + count, shipments, their lines, their events (each keeps its address)
SELLER_RETURNS_QUERIES = 6  # + count, returns with their lines


@pytest.fixture
def mug():
    return ProductFactory(name="Blue Mug", price=Decimal("10.00"), default_variant__stock=10)


@pytest.fixture
def lamp():
    return ProductFactory(name="Desk Lamp", price=Decimal("30.00"), default_variant__stock=10)


@pytest.fixture
def order(client, mug, lamp):
    """A paid order of a mug and a lamp (two sellers), its shipments made; the client then signs out."""
    buyer = UserFactory()
    client.force_login(buyer)
    order = place_and_pay(client, buyer, (mug, 1), (lamp, 1))
    make_shipments(order)
    client.logout()
    return order


def returned(client, order, product, quantity=1) -> ReturnRequest:
    """The buyer has the product delivered and asks to return it (through the pages)."""
    deliver(order, product)
    client.force_login(order.buyer)
    line = order.lines.get(product=product)
    response = client.post(f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": quantity, "reason": "damaged"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return ReturnRequest.objects.get(line=line)


# --- Your orders (seller) ---------------------------------------------------------------------------------


def test_seller_orders_list_only_the_sellers_shipments(client, order, mug, lamp):
    client.force_login(mug.seller.user)

    html = client.get("/seller/orders/").content.decode()

    mine = shipment_of(order, mug)
    theirs = shipment_of(order, lamp)
    assert f'data-shipment-id="{mine.id}"' in html
    assert theirs.id not in html
    assert "Blue Mug" in html
    assert "Desk Lamp" not in html
    assert order.shipping_address["line1"] in html  # where to send it


def test_seller_pages_are_for_sellers_only(client):
    client.force_login(UserFactory())

    assert client.get("/seller/orders/").status_code == 403
    assert client.get("/seller/returns/").status_code == 403


def test_mark_shipped_form_is_labelled(client, order, mug):
    client.force_login(mug.seller.user)

    page = audit(client.get("/seller/orders/").content.decode())

    assert page.unlabelled() == []
    assert page.fieldsets >= 1
    assert page.legends >= page.fieldsets


def test_marking_shipped_with_carrier_and_tracking_number_reaches_the_buyers_page(client, order, mug):
    client.force_login(mug.seller.user)
    shipment = shipment_of(order, mug)

    response = client.post(
        f"/seller/shipments/{shipment.id}/ship/", {"carrier": "ups", "tracking_number": "1Z999AA1"}, follow=True
    )

    assert response.redirect_chain == [("/seller/orders/", 302)]
    assert any("marked shipped" in text for text in messages_of(response))
    shipment.refresh_from_db()
    assert (shipment.status, shipment.carrier, shipment.tracking_number) == ("shipped", "ups", "1Z999AA1")
    client.force_login(order.buyer)
    buyer_page = client.get(f"/orders/{order.id}/").content.decode()
    assert "1Z999AA1" in buyer_page


def test_marking_shipped_needs_a_tracking_number_except_with_the_simulated_carrier(client, order, mug):
    client.force_login(mug.seller.user)
    shipment = shipment_of(order, mug)

    response = client.post(
        f"/seller/shipments/{shipment.id}/ship/", {"carrier": "ups", "tracking_number": ""}, follow=True
    )

    assert any("Enter the tracking number" in text for text in messages_of(response))
    shipment.refresh_from_db()
    assert shipment.status == "pending"


def test_another_sellers_shipment_cannot_be_marked_shipped(client, order, mug, lamp):
    client.force_login(mug.seller.user)
    theirs = shipment_of(order, lamp)

    response = client.post(f"/seller/shipments/{theirs.id}/ship/", {"carrier": "ups", "tracking_number": "1Z"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_seller_orders_query_count_does_not_grow_with_shipments(client, mug, django_assert_max_num_queries):
    buyer = UserFactory()
    client.force_login(buyer)
    make_shipments(place_and_pay(client, buyer, (mug, 1)))
    client.force_login(mug.seller.user)
    few = queries_for(client, "/seller/orders/")
    client.force_login(buyer)
    for _ in range(3):
        products = [ProductFactory(seller=mug.seller, default_variant__stock=5) for _ in range(2)]
        make_shipments(place_and_pay(client, buyer, *[(product, 1) for product in products]))
    client.force_login(mug.seller.user)

    with django_assert_max_num_queries(SELLER_ORDERS_QUERIES):
        many = queries_for(client, "/seller/orders/")
    assert many == few
    assert Shipment.objects.filter(seller=mug.seller).count() == 4


# --- Returns (seller) ----------------------------------------------------------------------------------------


def test_seller_returns_lists_only_the_sellers_returns(client, order, mug, lamp):
    mine = returned(client, order, mug)
    theirs = returned(client, order, lamp)
    client.force_login(mug.seller.user)

    html = client.get("/seller/returns/").content.decode()

    assert f'data-return-id="{mine.id}"' in html
    assert theirs.id not in html
    page = audit(html)
    assert page.unlabelled() == []
    assert page.fieldsets >= 1
    assert page.legends >= page.fieldsets


def test_approving_a_return_gives_the_buyer_a_return_code(client, order, mug):
    ret = returned(client, order, mug)
    client.force_login(mug.seller.user)

    response = client.post(f"/seller/returns/{ret.id}/approve/", follow=True)

    ret.refresh_from_db()
    assert ret.status == "approved"
    assert ret.return_code
    assert any(ret.return_code in text for text in messages_of(response))
    client.force_login(order.buyer)
    assert ret.return_code in client.get("/returns/").content.decode()


def test_rejecting_a_return_needs_a_reason_the_buyer_then_sees(client, order, mug):
    ret = returned(client, order, mug)
    client.force_login(mug.seller.user)

    client.post(f"/seller/returns/{ret.id}/reject/", {"reason": ""})
    ret.refresh_from_db()
    assert ret.status == "requested"

    client.post(f"/seller/returns/{ret.id}/reject/", {"reason": "Used and scratched"})
    ret.refresh_from_db()
    assert (ret.status, ret.rejection_reason) == ("rejected", "Used and scratched")
    client.force_login(order.buyer)
    assert "Used and scratched" in client.get("/returns/").content.decode()


def test_receiving_a_resellable_return_restocks_and_refunds(client, order, mug):
    ret = returned(client, order, mug)
    client.force_login(mug.seller.user)
    client.post(f"/seller/returns/{ret.id}/approve/")
    level = StockLevel.objects.get(variant=order.lines.get(product=mug).variant)
    on_hand = level.on_hand

    response = client.post(f"/seller/returns/{ret.id}/receive/", {"resellable": "yes"}, follow=True)

    ret.refresh_from_db()
    assert ret.status == "received"
    assert ret.resellable is True
    refund = Decimal("10.00") + (order.tax * Decimal("10.00") / order.subtotal).quantize(Decimal("0.01"))
    assert ret.refund_amount == refund
    assert any(f"${refund}" in text for text in messages_of(response))
    level.refresh_from_db()
    assert level.on_hand == on_hand + 1
    client.force_login(order.buyer)
    assert f"${refund}" in client.get("/returns/").content.decode()


def test_receiving_an_unsellable_return_refunds_without_restocking(client, order, mug):
    ret = returned(client, order, mug)
    client.force_login(mug.seller.user)
    client.post(f"/seller/returns/{ret.id}/approve/")
    level = StockLevel.objects.get(variant=order.lines.get(product=mug).variant)
    on_hand = level.on_hand

    client.post(f"/seller/returns/{ret.id}/receive/", {"resellable": "no"})

    ret.refresh_from_db()
    assert (ret.status, ret.resellable) == ("received", False)
    level.refresh_from_db()
    assert level.on_hand == on_hand


def test_a_return_cannot_be_received_before_it_is_approved(client, order, mug):
    ret = returned(client, order, mug)
    client.force_login(mug.seller.user)

    response = client.post(f"/seller/returns/{ret.id}/receive/", {"resellable": "yes"}, follow=True)

    ret.refresh_from_db()
    assert ret.status == "requested"
    assert any(f"Return {ret.id}:" in text for text in messages_of(response))


@pytest.mark.parametrize("action", ["approve", "reject", "receive"])
def test_only_the_owning_seller_decides_a_return(client, order, mug, action):
    ret = returned(client, order, mug)
    client.force_login(SellerFactory().user)

    response = client.post(f"/seller/returns/{ret.id}/{action}/", {"reason": "No", "resellable": "yes"})

    assert response.status_code == 404
    ret.refresh_from_db()
    assert ret.status == "requested"


def test_seller_returns_query_count_does_not_grow_with_returns(client, mug, django_assert_max_num_queries):
    def bought_and_returned():
        buyer = UserFactory()
        client.force_login(buyer)
        order = place_and_pay(client, buyer, (mug, 1))
        make_shipments(order)
        client.logout()
        return returned(client, order, mug)

    bought_and_returned()
    client.force_login(mug.seller.user)
    few = queries_for(client, "/seller/returns/")
    for _ in range(3):
        bought_and_returned()
    client.force_login(mug.seller.user)

    with django_assert_max_num_queries(SELLER_RETURNS_QUERIES):
        many = queries_for(client, "/seller/returns/")
    assert many == few
