"""Once the seller approves a return, the buyer sees where to send it: the seller's return address (or,
without one, that the seller will send instructions and how to reach them) on the order page, the
returns page, the approval message and the returns API."""

from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
import pytest

from notifications import messages as notification_messages
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, deliver_lines, place_paid
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Corner Shop Returns\n5 Dock Road\nSpringfield"


def requested_return(buyer, *, address=ADDRESS, email="shop@example.com", store_name="Corner Shop"):
    """A delivered mug from a seller with this return address, and the buyer's return request (API answer)."""
    seller = SellerFactory(store_name=store_name, return_address=address, contact_email=email)
    mug = VariantFactory(stock=5, price=Decimal("10.00"), product__seller=seller)
    order = place_paid(buyer, (mug, 1))
    deliver_lines(order, order.lines.get())
    body = {"order": order.pk, "product": mug.product_id, "quantity": 1, "reason": "broken"}
    response = client_for(buyer).post("/api/v1/returns", body, format="json")
    assert response.status_code == 201, response.content
    return order, seller, response.json()["return"]


def approve(seller, ret) -> dict:
    response = client_for(seller.user).post(f"/api/v1/seller/returns/{ret['id']}/approve", {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["return"]


def test_the_address_is_not_shown_before_approval(buyer, client):
    order, _, ret = requested_return(buyer)
    client.force_login(buyer)

    assert (ret["return_address"], ret["return_instructions"]) == (None, None)
    assert "5 Dock Road" not in client.get(f"/orders/{order.pk}/").content.decode()
    assert "5 Dock Road" not in client.get("/returns/").content.decode()


def test_the_returns_api_shows_the_address_of_an_approved_return(buyer):
    _, seller, ret = requested_return(buyer)

    approved = approve(seller, ret)
    listed = client_for(buyer).get("/api/v1/returns").json()["returns"]

    assert approved["return_address"] == ADDRESS
    assert [(r["status"], r["return_address"], r["return_instructions"]) for r in listed] == [
        ("approved", ADDRESS, ADDRESS)
    ]


def test_the_order_and_returns_pages_show_the_address_once_approved(buyer, client):
    order, seller, ret = requested_return(buyer)
    approve(seller, ret)
    client.force_login(buyer)

    for page in (f"/orders/{order.pk}/", "/returns/"):
        html = client.get(page).content.decode()
        assert "Send it to: Corner Shop Returns<br>5 Dock Road<br>Springfield" in html


def test_without_an_address_the_buyer_is_told_the_seller_sends_instructions(buyer, client):
    order, seller, ret = requested_return(buyer, address="")

    approved = approve(seller, ret)
    client.force_login(buyer)

    expected = "The seller will send you return instructions; you can reach them at shop@example.com."
    assert (approved["return_address"], approved["return_instructions"]) == (None, expected)
    assert expected in client.get(f"/orders/{order.pk}/").content.decode()
    assert expected in client.get("/returns/").content.decode()


def test_the_approval_message_carries_the_address(buyer):
    _, seller, ret = requested_return(buyer)
    approved = approve(seller, ret)

    (message,) = notification_messages.return_approved(
        return_id=ret["id"], order_id=ret["order"], buyer_id=buyer.pk, return_code=approved["return_code"]
    )

    assert f"send it back to:\n{ADDRESS}\n" in message.body
    assert approved["return_code"] in message.body
    assert message.context["return_instructions"] == ADDRESS


def test_the_approval_message_without_an_address_says_who_will_tell(buyer):
    _, seller, ret = requested_return(buyer, address="")
    approved = approve(seller, ret)

    (message,) = notification_messages.return_approved(
        return_id=ret["id"], order_id=ret["order"], buyer_id=buyer.pk, return_code=approved["return_code"]
    )

    assert "The seller will send you return instructions; you can reach them at shop@example.com." in message.body


def test_the_address_is_no_longer_shown_once_received(buyer):
    _, seller, ret = requested_return(buyer)
    approve(seller, ret)
    client_for(seller.user).post(f"/api/v1/seller/returns/{ret['id']}/receive", {"resellable": True}, format="json")

    (listed,) = client_for(buyer).get("/api/v1/returns").json()["returns"]

    assert (listed["status"], listed["return_address"]) == ("received", None)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/returns", "/returns/"])
def test_the_returns_lists_query_count_does_not_grow_with_approved_returns(buyer, url):
    _, seller, ret = requested_return(buyer, address="1 First Street", store_name="First")
    approve(seller, ret)
    api, page = client_for(buyer), Client()
    page.force_login(buyer)
    client = api if url.startswith("/api/") else page
    one = count_queries(client, url)
    for n in range(3):
        _, seller, ret = requested_return(buyer, address=f"{n} Other Street", store_name=f"Other {n}")
        approve(seller, ret)

    assert count_queries(client, url) == one
