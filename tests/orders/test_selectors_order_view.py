"""order_view_for_buyer: what each line of a buyer's order allows (cancel, return how many until when) and the
ETA, read once for the order page and the API, by the same rules the services enforce."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
import pytest

from orders import selectors, services
from orders.errors import ItemShipped, OrderNotFound, ReturnWindowClosed
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.orders.test_pages_orders import deliver, make_shipments, place_and_pay, ship, shipment_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    user = UserFactory(name="Ann Buyer")
    client.force_login(user)
    return user


@pytest.fixture
def mug():
    return ProductFactory(name="Blue Mug", price=Decimal("10.00"), default_variant__stock=10)


@pytest.fixture
def lamp():
    return ProductFactory(name="Desk Lamp", price=Decimal("30.00"), default_variant__stock=10)


def rules_of(buyer, order, product, **kwargs):
    view = selectors.order_view_for_buyer(user=buyer, order_id=order.id, **kwargs)
    return view.line(order.lines.get(product=product).pk)


def test_an_open_line_whose_parcel_waits_can_be_cancelled_and_the_service_agrees(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)

    assert rules_of(buyer, order, mug).can_cancel

    services.cancel_item(user=buyer, order_id=order.id, product_id=mug.pk, reason="changed_mind")
    assert not rules_of(buyer, order, mug).can_cancel  # cancelled now


def test_a_line_whose_parcel_left_cannot_be_cancelled_and_the_service_refuses(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    ship(order, mug)

    rules = rules_of(buyer, order, mug)

    assert not rules.can_cancel
    assert rules.shipment.status == "shipped"
    with pytest.raises(ItemShipped):
        services.cancel_item(user=buyer, order_id=order.id, product_id=mug.pk, reason="changed_mind")


@pytest.mark.parametrize(
    ("order_status", "allowed"),
    [(Order.Status.EXPIRED, False), (Order.Status.CANCELLED, False), (Order.Status.PENDING_PAYMENT, True)],
)
def test_a_closed_order_allows_no_cancelling(order_status, allowed):
    assert selectors.line_cancellable(order_status=order_status, line_status="open", shipment_status=None) is allowed


def test_an_unpaid_order_has_no_shipments_no_eta_and_nothing_returnable(client, buyer, mug):
    client.post(f"/api/v1/cart/{mug.pk}", {"quantity": 1}, content_type="application/json")
    order = services.place_order(
        user=buyer,
        shipping_method="standard",
        shipping_address={
            "name": "Ann",
            "line1": "1 Main St",
            "city": "Springfield",
            "postal_code": "62701",
            "country": "US",
        },
    )

    view = selectors.order_view_for_buyer(user=buyer, order_id=order.id)

    assert (view.shipments, view.returns, view.eta) == ([], [], None)
    (rules,) = view.lines
    assert rules.can_cancel  # the service cancels an unpaid line too (its hold is released)
    assert (rules.returnable, rules.return_deadline, rules.can_return) == (0, None, False)


def test_a_delivered_line_is_returnable_until_the_window_closes(client, buyer, mug, settings):
    order = place_and_pay(client, buyer, (mug, 2))
    make_shipments(order)
    delivered_at = timezone.now() - timedelta(days=1)
    deliver(order, mug, at=delivered_at)

    rules = rules_of(buyer, order, mug)
    deadline = delivered_at + timedelta(days=settings.RETURN_WINDOW_DAYS)

    assert (rules.returnable, rules.return_deadline, rules.can_return) == (2, deadline, True)
    closed = rules_of(buyer, order, mug, now=deadline)
    assert (closed.returnable, closed.can_return) == (2, False)


def test_past_the_window_nothing_can_be_returned_and_the_service_refuses(client, buyer, mug, settings):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    deliver(order, mug, at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS, seconds=1))

    assert not rules_of(buyer, order, mug).can_return
    with pytest.raises(ReturnWindowClosed):
        services.request_return(user=buyer, order_id=order.id, product_id=mug.pk, quantity=1, reason="damaged")


def test_requested_units_are_no_longer_returnable_and_a_rejection_gives_them_back(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 2))
    make_shipments(order)
    deliver(order, mug)
    ret = services.request_return(user=buyer, order_id=order.id, product_id=mug.pk, quantity=1, reason="damaged")

    rules = rules_of(buyer, order, mug)
    assert (rules.returnable, [r.pk for r in rules.return_requests]) == (1, [ret.pk])

    services.reject_return(user=mug.seller.user, return_id=ret.pk, reason="Used")
    assert rules_of(buyer, order, mug).returnable == 2


def test_the_eta_is_the_latest_of_the_parcels_not_cancelled_and_the_api_says_the_same(client, buyer, mug, lamp):
    order = place_and_pay(client, buyer, (mug, 1), (lamp, 1))
    make_shipments(order)
    mine, other = shipment_of(order, mug), shipment_of(order, lamp)
    type(other).objects.filter(pk=other.pk).update(eta=mine.eta + timedelta(days=3))

    assert selectors.order_view_for_buyer(user=buyer, order_id=order.id).eta == mine.eta + timedelta(days=3)

    services.cancel_item(user=buyer, order_id=order.id, product_id=lamp.pk, reason="changed_mind")  # its parcel goes
    view = selectors.order_view_for_buyer(user=buyer, order_id=order.id)
    assert view.eta == mine.eta
    assert client.get(f"/api/v1/track/{order.id}").json()["ETA"] == mine.eta.isoformat()
    assert f'datetime="{mine.eta:%Y-%m-%d}"' in client.get(f"/orders/{order.id}/").content.decode()


def test_someone_elses_order_is_not_found(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))

    with pytest.raises(OrderNotFound):
        selectors.order_view_for_buyer(user=UserFactory(), order_id=order.id)
