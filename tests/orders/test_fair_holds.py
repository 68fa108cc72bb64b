"""Fair holds (orders.services.fairness): one buyer cannot hold more than the caps while others still buy.

Each cap at its edge (allowed at the limit, refused one past), the share of a small stock, the back-off
after orders left to expire, and how the API, the checkout page and the staff admin show them.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
import pytest

from orders import services
from orders.errors import CheckoutBackoff, CheckoutRateLimited, HoldLimitExceeded, TooManyOpenOrders
from orders.models import Order
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import ADDRESS, checkout, client_for, fill_cart, pay, stock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caps(settings):
    """The caps these tests count against, whatever the environment says."""
    settings.HOLD_MAX_OPEN_ORDERS = 3
    settings.HOLD_MAX_UNITS_PER_VARIANT = 10
    settings.HOLD_MAX_SHARE_OF_STOCK = 0.5
    settings.CHECKOUTS_PER_MINUTE = 5
    settings.CHECKOUT_BACKOFF_AFTER = 3
    settings.CHECKOUT_BACKOFF_BASE_SECONDS = 30
    settings.CHECKOUT_BACKOFF_MAX_SECONDS = 900
    return settings


@pytest.fixture
def plenty():
    """A variant with 100 units: only the per-buyer caps bind."""
    return VariantFactory(stock=100)


def place(user, variant, quantity: int = 1) -> Order:
    fill_cart(user, (variant, quantity))
    return services.place_order(user=user, shipping_method="standard", shipping_address=ADDRESS)


def move_back(order: Order, *, placed: timedelta = timedelta(0), expires: timedelta | None = None) -> None:
    """Pretend the order was placed ``placed`` earlier (and its hold ends ``expires`` before now)."""
    now = timezone.now()
    changes = {"placed_at": order.placed_at - placed}
    if expires is not None:
        changes["expires_at"] = now - expires
    Order.objects.filter(pk=order.pk).update(**changes)


def abandon(order: Order, *, ago: timedelta) -> None:
    """The order's hold ran out ``ago`` unpaid, and the sweep expired it."""
    move_back(order, placed=timedelta(minutes=10) + ago, expires=ago)
    assert services.expire_order(order_id=order.pk)


# --- Open unpaid orders ---------------------------------------------------------------------------


def test_a_buyer_may_have_three_orders_awaiting_payment_but_not_a_fourth(plenty):
    buyer = UserFactory()
    open_orders = [place(buyer, plenty) for _ in range(3)]
    fill_cart(buyer, (plenty, 1))

    with pytest.raises(TooManyOpenOrders) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    assert refused.value.status == 409
    assert refused.value.message == "You have 3 orders waiting for payment; pay or cancel one first."
    assert [o["order_id"] for o in refused.value.extra["open_orders"]] == [o.pk for o in open_orders]
    assert stock(plenty) == (100, 3)  # nothing more held
    assert Order.objects.filter(buyer=buyer).count() == 3


def test_a_paid_order_does_not_count_as_open(plenty):
    buyer = UserFactory()
    first, *_ = [place(buyer, plenty) for _ in range(3)]
    assert pay(client_for(buyer), first.pk).status_code == 200

    assert place(buyer, plenty).status == "pending_payment"


@pytest.mark.parametrize("closed", ["expired", "cancelled", "past its hold"])
def test_an_order_expired_cancelled_or_past_its_hold_frees_its_slot(plenty, closed):
    buyer = UserFactory()
    first, *_ = [place(buyer, plenty) for _ in range(3)]
    if closed == "expired":
        abandon(first, ago=timedelta(seconds=1))
    elif closed == "cancelled":
        services.cancel_item(user=buyer, order_id=first.pk, product_id=plenty.product_id, reason="Changed my mind")
    else:
        move_back(first, expires=timedelta(seconds=1))

    assert place(buyer, plenty).status == "pending_payment"


# --- Units of one variant -------------------------------------------------------------------------


def test_a_buyer_may_hold_ten_units_of_a_variant_across_orders_but_not_eleven(plenty):
    buyer = UserFactory()
    place(buyer, plenty, 6)
    place(buyer, plenty, 4)
    fill_cart(buyer, (plenty, 1))

    with pytest.raises(HoldLimitExceeded) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    [line] = refused.value.extra["lines"]
    assert line == {
        "variant_id": plenty.pk,
        "name": plenty.product.name,
        "sku": plenty.sku,
        "requested": 1,
        "held": 10,
        "limit": 10,
        "max_now": 0,
    }
    assert plenty.product.name in refused.value.message
    assert stock(plenty) == (100, 10)


def test_eleven_units_at_once_are_refused_saying_ten_can_be_taken(plenty):
    buyer = UserFactory()
    fill_cart(buyer, (plenty, 11))

    with pytest.raises(HoldLimitExceeded) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    assert refused.value.extra["lines"][0]["max_now"] == 10
    assert place(UserFactory(), plenty, 10).status == "pending_payment"  # exactly the cap is fine


def test_every_line_over_its_cap_is_named_and_lines_within_it_are_not(plenty):
    small = VariantFactory(stock=8)
    buyer = UserFactory()
    fill_cart(buyer, (plenty, 11), (small, 5), (VariantFactory(stock=100), 2))

    with pytest.raises(HoldLimitExceeded) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    assert {line["variant_id"]: line["max_now"] for line in refused.value.extra["lines"]} == {
        plenty.pk: 10,
        small.pk: 4,
    }


@pytest.mark.parametrize(("on_hand", "allowed"), [(9, 5), (7, 4), (30, 10)])
def test_a_buyer_holds_at_most_half_of_a_stock_rounded_up(on_hand, allowed):
    variant = VariantFactory(stock=on_hand)
    fill_cart(greedy := UserFactory(), (variant, allowed + 1))

    with pytest.raises(HoldLimitExceeded) as refused:
        services.place_order(user=greedy, shipping_method="standard", shipping_address=ADDRESS)

    assert refused.value.extra["lines"][0]["limit"] == allowed
    assert place(UserFactory(), variant, allowed).lines.get().quantity == allowed


@pytest.mark.parametrize("on_hand", [2, 3, 4])
def test_a_buyer_may_always_take_the_last_few_units(on_hand):
    variant = VariantFactory(stock=on_hand)
    allowed = min(on_hand, 3)

    assert place(UserFactory(), variant, allowed).lines.get().quantity == allowed


def test_the_last_unit_of_a_variant_can_always_be_bought():
    variant = VariantFactory(stock=1)

    assert place(UserFactory(), variant, 1).lines.get().quantity == 1


def test_others_still_buy_the_rest_while_one_buyer_holds_their_cap():
    variant = VariantFactory(stock=40)
    greedy = UserFactory()
    place(greedy, variant, 6)
    place(greedy, variant, 4)
    fill_cart(greedy, (variant, 1))
    with pytest.raises(HoldLimitExceeded):
        services.place_order(user=greedy, shipping_method="standard", shipping_address=ADDRESS)

    others = [place(UserFactory(), variant, 10) for _ in range(3)]

    assert all(order.status == "pending_payment" for order in others)
    assert stock(variant) == (40, 40)


# --- Checkouts per minute -------------------------------------------------------------------------


def test_five_checkouts_a_minute_pass_and_the_sixth_waits_until_the_first_leaves_the_minute(caps, plenty):
    caps.HOLD_MAX_OPEN_ORDERS = 100
    buyer = UserFactory()
    orders = [place(buyer, plenty) for _ in range(5)]
    move_back(orders[0], placed=timedelta(seconds=45))
    fill_cart(buyer, (plenty, 1))

    with pytest.raises(CheckoutRateLimited) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    assert refused.value.status == 429
    assert 14 <= refused.value.retry_after <= 16
    move_back(orders[0], placed=timedelta(seconds=61))
    assert services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)


# --- Back-off after abandoned orders --------------------------------------------------------------


def test_two_abandoned_orders_cost_no_wait(plenty):
    buyer = UserFactory()
    for _ in range(2):
        abandon(place(buyer, plenty), ago=timedelta(seconds=1))

    assert place(buyer, plenty).status == "pending_payment"


def test_the_third_abandoned_order_pauses_checkout_thirty_seconds_after_it(plenty):
    buyer = UserFactory()
    orders = [place(buyer, plenty) for _ in range(3)]
    for order in orders:
        abandon(order, ago=timedelta(seconds=10))
    fill_cart(buyer, (plenty, 1))

    with pytest.raises(CheckoutBackoff) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    assert refused.value.status == 429
    assert 19 <= refused.value.retry_after <= 21
    assert refused.value.extra["abandoned_orders"] == 3
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(expires_at=timezone.now() - timedelta(seconds=31))
    assert services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)


def test_each_further_abandoned_order_doubles_the_wait(plenty):
    buyer = UserFactory()
    for _ in range(4):
        abandon(place(buyer, plenty), ago=timedelta(seconds=40))
    fill_cart(buyer, (plenty, 1))

    with pytest.raises(CheckoutBackoff) as refused:
        services.place_order(user=buyer, shipping_method="standard", shipping_address=ADDRESS)

    assert 19 <= refused.value.retry_after <= 21  # 60 s after the latest, 40 s ago


def test_orders_abandoned_more_than_a_day_ago_no_longer_count(plenty):
    buyer = UserFactory()
    for _ in range(5):
        abandon(place(buyer, plenty), ago=timedelta(hours=24, seconds=1))

    assert place(buyer, plenty).status == "pending_payment"


# --- API ------------------------------------------------------------------------------------------


def test_the_api_answers_too_many_open_orders_as_a_409_problem_listing_them(plenty):
    buyer = UserFactory()
    client = client_for(buyer)
    placed = [place(buyer, plenty) for _ in range(3)]
    fill_cart(buyer, (plenty, 1))

    response = checkout(client)

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "too_many_open_orders"
    assert body["limit"] == 3
    assert [o["order_id"] for o in body["open_orders"]] == [o.pk for o in placed]


def test_the_api_answers_hold_limit_exceeded_naming_the_line_and_what_can_be_taken(plenty):
    buyer = UserFactory()
    fill_cart(buyer, (plenty, 12))

    response = checkout(client_for(buyer))

    assert response.status_code == 409
    assert response.json()["code"] == "hold_limit_exceeded"
    assert response.json()["lines"][0]["max_now"] == 10


def test_the_api_answers_a_rate_limit_as_429_with_retry_after(caps, plenty):
    caps.HOLD_MAX_OPEN_ORDERS = 100
    buyer = UserFactory()
    for _ in range(5):
        place(buyer, plenty)
    fill_cart(buyer, (plenty, 1))

    response = checkout(client_for(buyer))

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "checkout_rate_limited"
    assert response["Retry-After"] == str(body["retry_after"])
    assert 1 <= body["retry_after"] <= 60


def test_the_api_answers_the_back_off_as_429_with_retry_after_saying_why(plenty):
    buyer = UserFactory()
    for _ in range(3):
        abandon(place(buyer, plenty), ago=timedelta(seconds=5))
    fill_cart(buyer, (plenty, 1))

    response = checkout(client_for(buyer))

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "checkout_backoff"
    assert "3 orders unpaid" in body["detail"]
    assert 24 <= int(response["Retry-After"]) <= 26


def test_a_replayed_checkout_is_answered_again_not_refused_by_the_caps(plenty):
    buyer = UserFactory()
    client = client_for(buyer)
    fill_cart(buyer, (plenty, 1))
    first = checkout(client, headers={"Idempotency-Key": "checkout-1"})
    assert first.status_code == 201
    place(buyer, plenty)
    place(buyer, plenty)  # three open orders now: a new checkout would be refused

    again = checkout(client, headers={"Idempotency-Key": "checkout-1"})

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["order"]["id"] == first.json()["order"]["id"]


def test_a_checkout_refused_as_too_soon_runs_when_sent_again_later_with_the_same_key(caps, plenty):
    caps.HOLD_MAX_OPEN_ORDERS = 100
    buyer = UserFactory()
    client = client_for(buyer)
    orders = [place(buyer, plenty) for _ in range(5)]
    fill_cart(buyer, (plenty, 1))
    assert checkout(client, headers={"Idempotency-Key": "later"}).status_code == 429

    Order.objects.filter(pk__in=[o.pk for o in orders]).update(placed_at=timezone.now() - timedelta(minutes=2))
    response = checkout(client, headers={"Idempotency-Key": "later"})

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


# --- Storefront checkout page ---------------------------------------------------------------------


def post_checkout(client, buyer):
    return client.post("/checkout/", {"shipping_method": "standard", "address": str(AddressFactory(user=buyer).pk)})


def test_the_checkout_page_shows_the_open_orders_refusal_with_a_409(client, plenty):
    buyer = UserFactory()
    client.force_login(buyer)
    for _ in range(3):
        place(buyer, plenty)
    fill_cart(buyer, (plenty, 1))

    response = post_checkout(client, buyer)

    assert response.status_code == 409
    assert "You have 3 orders waiting for payment; pay or cancel one first." in response.content.decode()


def test_the_checkout_page_shows_the_back_off_with_a_429_and_retry_after(client, plenty):
    buyer = UserFactory()
    client.force_login(buyer)
    for _ in range(3):
        abandon(place(buyer, plenty), ago=timedelta(seconds=5))
    fill_cart(buyer, (plenty, 1))

    response = post_checkout(client, buyer)

    assert response.status_code == 429
    assert 24 <= int(response["Retry-After"]) <= 26
    assert "you can check out again in" in response.content.decode()


# --- Staff ----------------------------------------------------------------------------------------


ABANDONED_URL = "/admin/orders/order/abandoned-checkouts/"


def test_staff_see_who_abandons_checkouts_and_until_when_they_are_paused(
    admin_client, plenty, django_assert_max_num_queries
):
    serial = UserFactory(email="serial@example.com")
    for _ in range(3):
        abandon(place(serial, plenty), ago=timedelta(seconds=5))
    once = UserFactory(email="once@example.com")
    abandon(place(once, plenty), ago=timedelta(days=2))
    for _ in range(3):
        abandon(place(UserFactory(), plenty), ago=timedelta(days=8))  # too long ago to show

    with django_assert_max_num_queries(8):
        response = admin_client.get(ABANDONED_URL)

    assert response.status_code == 200
    rows = response.context["buyers"]
    assert [(b["row"].email, b["row"].last_day, b["row"].last_week) for b in rows] == [
        ("serial@example.com", 3, 3),
        ("once@example.com", 0, 1),
    ]
    assert rows[0]["paused_until"] is not None
    assert rows[0]["paused_until"] > timezone.now()
    assert rows[1]["paused_until"] is None


def test_the_order_list_links_to_the_abandoned_checkouts_and_buyers_cannot_see_them(admin_client, client):
    assert ABANDONED_URL in admin_client.get("/admin/orders/order/").content.decode()
    client.force_login(UserFactory())
    assert client.get(ABANDONED_URL).status_code == 302  # to the admin sign-in
