"""A seller's return window replaces RETURN_WINDOW_DAYS for their items: longer or shorter, 0 for no
returns; a late return is refused (409 return_window_closed) with a message naming the window."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.messages import get_messages
from django.utils import timezone
import pytest

from notifications import messages as notification_messages
from orders import selectors
from orders.models import ReturnRequest
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import client_for, deliver_lines, place_paid
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_window(settings):
    settings.RETURN_WINDOW_DAYS = 30


def delivered_order(buyer, *, window, days_ago, store_name="Corner Shop"):
    """A paid order of one mug from a seller with this return window, delivered ``days_ago`` days ago."""
    seller = SellerFactory(store_name=store_name, return_window_days=window)
    mug = VariantFactory(stock=5, price=Decimal("10.00"), product__seller=seller)
    order = place_paid(buyer, (mug, 1))
    deliver_lines(order, order.lines.get(), at=timezone.now() - timedelta(days=days_ago))
    return order, mug


def ask(buyer, order, mug):
    body = {"order": order.pk, "product": mug.product_id, "quantity": 1, "reason": "broken"}
    return client_for(buyer).post("/api/v1/returns", body, format="json")


def test_a_longer_window_than_the_default_still_takes_the_return(buyer):
    order, mug = delivered_order(buyer, window=60, days_ago=45)

    assert ask(buyer, order, mug).status_code == 201


def test_a_shorter_window_than_the_default_refuses_it_naming_the_window(buyer):
    order, mug = delivered_order(buyer, window=14, days_ago=20)

    response = ask(buyer, order, mug)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "return_window_closed"
    delivered = timezone.localtime(order.lines.get().delivered_at)
    assert body["detail"] == (
        "Returns to Corner Shop are accepted within 14 days of delivery; "
        f"this item was delivered on {delivered.day} {delivered:%b}."
    )
    assert not ReturnRequest.objects.exists()


def test_the_refusal_says_when_the_window_closed(buyer):
    order, mug = delivered_order(buyer, window=14, days_ago=20)

    body = ask(buyer, order, mug).json()

    closed = datetime.fromisoformat(body["closed_at"])
    assert closed == order.lines.get().delivered_at + timedelta(days=14)


def test_no_window_set_uses_the_store_default(buyer):
    inside, mug = delivered_order(buyer, window=None, days_ago=29, store_name="Default One")
    outside, other = delivered_order(buyer, window=None, days_ago=31, store_name="Default Two")

    late = ask(buyer, outside, other).json()["detail"]

    assert ask(buyer, inside, mug).status_code == 201
    assert late.startswith("Returns to Default Two are accepted within 30 days of delivery")


def test_a_window_of_0_takes_no_returns_even_on_the_day_of_delivery(buyer):
    order, mug = delivered_order(buyer, window=0, days_ago=0)

    response = ask(buyer, order, mug)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail"]) == (
        "return_window_closed",
        "Corner Shop does not accept returns.",
    )


def test_the_order_page_offers_no_return_outside_the_sellers_window(client, buyer):
    open_order, _ = delivered_order(buyer, window=60, days_ago=45, store_name="Generous")
    shut_order, _ = delivered_order(buyer, window=7, days_ago=10, store_name="Strict")
    none_order, _ = delivered_order(buyer, window=0, days_ago=0, store_name="Final Sale")
    client.force_login(buyer)

    assert "Return this item" in client.get(f"/orders/{open_order.pk}/").content.decode()
    assert "Return this item" not in client.get(f"/orders/{shut_order.pk}/").content.decode()
    assert "Return this item" not in client.get(f"/orders/{none_order.pk}/").content.decode()


def test_the_return_page_names_the_sellers_window_when_it_has_closed(client, buyer):
    order, _ = delivered_order(buyer, window=7, days_ago=10)
    line = order.lines.get()
    client.force_login(buyer)

    response = client.post(f"/orders/{order.pk}/items/{line.pk}/return/", {"quantity": "1", "reason": "x"}, follow=True)

    assert any("the 7-day return window has closed" in str(m) for m in get_messages(response.wsgi_request))
    assert not ReturnRequest.objects.exists()


def test_the_return_page_says_when_the_seller_takes_no_returns(client, buyer):
    order, _ = delivered_order(buyer, window=0, days_ago=0, store_name="Final Sale")
    line = order.lines.get()
    client.force_login(buyer)

    response = client.post(f"/orders/{order.pk}/items/{line.pk}/return/", {"quantity": "1", "reason": "x"}, follow=True)

    assert any("Final Sale does not accept returns." in str(m) for m in get_messages(response.wsgi_request))


def test_the_deadline_on_the_order_page_is_the_sellers(buyer):
    order, _ = delivered_order(buyer, window=60, days_ago=1)

    view = selectors.order_view_for_buyer(user=buyer, order_id=order.pk)

    line = view.lines[0]
    assert line.return_deadline == line.line.delivered_at + timedelta(days=60)
    assert line.can_return


def test_the_delivered_message_names_the_sellers_window(buyer):
    order, _ = delivered_order(buyer, window=14, days_ago=0)

    (message,) = notification_messages.delivered(order_id=order.pk, buyer_id=buyer.pk, line_ids=[order.lines.get().pk])

    assert "You can return items within 14 days." in message.body


def test_the_delivered_message_says_when_the_seller_takes_no_returns(buyer):
    order, _ = delivered_order(buyer, window=0, days_ago=0, store_name="Final Sale")

    (message,) = notification_messages.delivered(order_id=order.pk, buyer_id=buyer.pk, line_ids=[order.lines.get().pk])

    assert "Final Sale does not accept returns." in message.body


def test_the_refusal_names_the_day_of_delivery(buyer):
    order, mug = delivered_order(buyer, window=1, days_ago=3)
    line = order.lines.get()
    line.delivered_at = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    line.save(update_fields=["delivered_at"])

    assert ask(buyer, order, mug).json()["detail"].endswith("this item was delivered on 3 Nov.")
