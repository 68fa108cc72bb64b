"""Storefront pages after the purchase: "Your orders", the order page with shipments and tracking,
cancelling and returning an item, and the buyer's returns list."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from orders import services as order_services
from orders.models import Order, OrderLine, ReturnRequest
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

# Pinned query budgets for a signed-in buyer: the user, the header's seller check and cart badge first.
ORDER_LIST_QUERIES = 6  # + count, the page of orders, their lines
PAID_ORDER_QUERIES = 9  # + order, lines with sellers, shipments with their lines and events, returns


# --- Test data ------------------------------------------------------------------------------------------


@pytest.fixture
def buyer(client):
    user = UserFactory(name="Ann Buyer")
    client.force_login(user)
    return user


def add_to_cart(client, product, quantity=1):
    response = client.post(f"/api/v1/cart/{product.pk}", {"quantity": quantity}, content_type="application/json")
    assert response.status_code == 201, response.content


def place_and_pay(client, buyer, *items) -> Order:
    """Buy ``(product, quantity)`` items through the pages and pay with the test Visa."""
    for product, quantity in items:
        add_to_cart(client, product, quantity)
    response = client.post("/checkout/", {"shipping_method": "standard", "address": str(AddressFactory(user=buyer).pk)})
    assert response.status_code == 302, response.content.decode()[:2000]
    order_id = response["Location"].removeprefix("/orders/").removesuffix("/pay/")
    paid = client.post(f"/orders/{order_id}/pay/", {"payment_token": "tok_visa"})
    assert paid.status_code == 302, paid.content.decode()[:2000]
    order = Order.objects.get(pk=order_id, buyer=buyer)
    assert order.status == "paid"
    return order


def make_shipments(order: Order) -> list:
    """The shipments "order.paid" gives rise to (idempotent: a no-op when its subscriber already ran)."""
    lines = [
        {
            "line_id": line.pk,
            "seller_id": line.seller_id,
            "product_name": line.product_name,
            "sku": line.sku,
            "quantity": line.quantity,
        }
        for line in order.lines.all()
    ]
    logistics_services.create_shipments(
        order_id=order.id,
        buyer_id=order.buyer_id,
        shipping_method=order.shipping_method,
        paid_at=order.paid_at,
        lines=lines,
        shipping_address=order.shipping_address,
    )
    return logistics_selectors.shipments_for_order(order_id=order.id)


def shipment_of(order: Order, product) -> object:
    line = order.lines.get(product=product)
    for shipment in logistics_selectors.shipments_for_order(order_id=order.id):
        if any(item.order_line_id == line.pk for item in shipment.lines.all()):
            return shipment
    raise AssertionError(f"no shipment carries {product}")


def ship(order: Order, product, *, carrier="ups", tracking_number="1Z999AA10123456784") -> object:
    shipment = shipment_of(order, product)
    return logistics_services.ship(
        seller=shipment.seller, shipment_id=shipment.id, carrier=carrier, tracking_number=tracking_number
    )


def deliver(order: Order, product, *, at: datetime | None = None) -> None:
    """Ship the product's parcel and carry it to the door; the order lines follow (idempotently, as the
    "shipment.delivered" subscriber does)."""
    shipment = ship(order, product)
    at = at or timezone.now()
    logistics_services.advance(shipment_id=shipment.id, to_status="in_transit", location="Memphis, TN", at=at)
    logistics_services.advance(shipment_id=shipment.id, to_status="delivered", location="Springfield, IL", at=at)
    line_ids = [item.order_line_id for item in shipment.lines.all() if not item.cancelled]
    order_services.mark_lines_shipped(order_id=order.id, line_ids=line_ids, shipment_id=shipment.id)
    order_services.mark_lines_delivered(
        order_id=order.id, line_ids=line_ids, shipment_id=shipment.id, delivered_at=at.isoformat()
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return len(queries)


class FormAudit(HTMLParser):
    """Every visible form control has a <label for=…>; radios sit in fieldsets with legends."""

    def __init__(self):
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[tuple[str, str]] = []
        self.fieldsets = 0
        self.legends = 0
        self.radios_outside_fieldset = 0
        self.headings: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag == "fieldset":
            self.fieldsets += 1
            self._depth += 1
        if tag == "legend":
            self.legends += 1
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(tag)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append((attrs.get("name", ""), attrs.get("id", "")))
            if attrs.get("type") == "radio" and not self._depth:
                self.radios_outside_fieldset += 1

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._depth -= 1

    def unlabelled(self) -> list[str]:
        return [name for name, id_ in self.controls if name != "q" and id_ not in self.labels]


def audit(html: str) -> FormAudit:
    parser = FormAudit()
    parser.feed(html)
    return parser


@pytest.fixture
def mug():
    return ProductFactory(name="Blue Mug", price=Decimal("10.00"), default_variant__stock=10)


@pytest.fixture
def lamp():
    """Sold by another seller than the mug."""
    return ProductFactory(name="Desk Lamp", price=Decimal("30.00"), default_variant__stock=10)


# --- Your orders ------------------------------------------------------------------------------------------


def make_order(buyer, mug, *, placed_at: datetime) -> Order:
    """An order placed at ``placed_at`` (the list's date filter is about placing, not paying)."""
    order = Order.objects.create(
        buyer=buyer,
        status="expired",
        shipping_address={"name": "Ann"},
        shipping_method="standard",
        subtotal=Decimal("10.00"),
        shipping=Decimal("5.00"),
        tax=Decimal("0.80"),
        total=Decimal("15.80"),
        currency="USD",
        expires_at=placed_at + timedelta(minutes=15),
        placed_at=placed_at,
        closed_at=placed_at + timedelta(minutes=15),
    )
    variant = mug.variants.first()
    OrderLine.objects.create(
        order=order,
        variant=variant,
        product=mug,
        seller=mug.seller,
        product_name=mug.name,
        sku=variant.sku,
        unit_price=Decimal("10.00"),
        quantity=1,
        line_total=Decimal("10.00"),
    )
    return order


def at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T12:00:00"))


def listed_ids(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-order-id="')[1:]]


def test_your_orders_lists_only_the_buyers_orders_newest_first(client, buyer, mug):
    old = make_order(buyer, mug, placed_at=at("2026-01-05"))
    new = make_order(buyer, mug, placed_at=at("2026-03-05"))
    middle = make_order(buyer, mug, placed_at=at("2026-02-05"))
    someone_elses = make_order(UserFactory(), mug, placed_at=at("2026-02-10"))

    response = client.get("/orders/")

    assert response.status_code == 200
    assert listed_ids(response) == [new.id, middle.id, old.id]
    assert someone_elses.id not in response.content.decode()
    assert "3 orders" in response.content.decode()


def test_your_orders_date_filter_includes_both_end_days(client, buyer, mug):
    make_order(buyer, mug, placed_at=at("2026-01-31"))
    first_day = make_order(buyer, mug, placed_at=timezone.make_aware(datetime(2026, 2, 1, 0, 5)))
    last_day = make_order(buyer, mug, placed_at=timezone.make_aware(datetime(2026, 2, 28, 23, 55)))
    make_order(buyer, mug, placed_at=at("2026-03-01"))

    response = client.get("/orders/", {"start": "2026-02-01", "end": "2026-02-28"})

    assert listed_ids(response) == [last_day.id, first_day.id]
    assert "2 orders in these dates" in response.content.decode()


def test_your_orders_with_only_a_start_date_lists_from_then_on(client, buyer, mug):
    make_order(buyer, mug, placed_at=at("2026-01-31"))
    later = make_order(buyer, mug, placed_at=at("2026-02-01"))

    assert listed_ids(client.get("/orders/", {"start": "2026-02-01"})) == [later.id]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "31/01/2026"}, "Enter a date like 2026-01-31."),
        ({"start": "2026-02-02", "end": "2026-02-01"}, "The end date must be on or after the start date."),
    ],
)
def test_your_orders_says_what_is_wrong_with_a_bad_date(client, buyer, mug, query, error):
    make_order(buyer, mug, placed_at=at("2026-02-01"))

    response = client.get("/orders/", query)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'role="alert"' in html


def test_your_orders_is_for_signed_in_buyers(client):
    response = client.get("/orders/")

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert "next=/orders/" in response["Location"]


def test_your_orders_filter_is_labelled_in_a_fieldset(client, buyer, mug):
    make_order(buyer, mug, placed_at=at("2026-02-01"))

    page = audit(client.get("/orders/").content.decode())

    assert page.unlabelled() == []
    assert page.fieldsets >= 1
    assert page.legends >= page.fieldsets
    assert page.headings[0] == "h1"


def test_your_orders_query_count_does_not_grow_with_orders(client, buyer, mug, django_assert_max_num_queries):
    make_order(buyer, mug, placed_at=at("2026-02-01"))
    few = queries_for(client, "/orders/")
    for day in range(2, 9):
        make_order(buyer, mug, placed_at=at(f"2026-02-0{day}"))

    with django_assert_max_num_queries(ORDER_LIST_QUERIES):
        many = queries_for(client, "/orders/")
    assert many == few


# --- The order page: shipments, tracking, ETA -------------------------------------------------------------


def test_order_page_shows_one_shipment_per_seller_with_its_eta(client, buyer, mug, lamp):
    order = place_and_pay(client, buyer, (mug, 1), (lamp, 2))
    shipments = make_shipments(order)
    assert len(shipments) == 2

    html = client.get(f"/orders/{order.id}/").content.decode()

    assert "Shipments (2)" in html
    for shipment in shipments:
        assert f'data-shipment-id="{shipment.id}"' in html
        assert shipment.eta.isoformat() in html
    latest = max(shipment.eta for shipment in shipments)
    assert f'data-testid="eta"><time datetime="{latest.isoformat()}"' in html
    assert mug.seller.store_name in html
    assert lamp.seller.store_name in html


def test_order_page_shows_the_tracking_timeline_and_history(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    shipment = ship(order, mug, tracking_number="1ZTRACK42")
    logistics_services.advance(shipment_id=shipment.id, to_status="in_transit", location="Memphis, TN")

    html = client.get(f"/orders/{order.id}/").content.decode()

    assert "1ZTRACK42" in html
    assert "UPS" in html
    assert "Memphis, TN" in html  # the tracking history
    timeline = html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert timeline.index("Preparing") < timeline.index("Shipped") < timeline.index("In transit")
    assert timeline.count("is-done") == 2  # preparing, shipped
    assert 'class="timeline-step is-current" aria-current="step"' in timeline
    assert 'In transit<span class="visually-hidden"> (current)' in timeline
    assert timeline.count("is-todo") == 2  # out for delivery, delivered


def test_paid_order_page_query_count_does_not_grow_with_lines_or_shipments(
    client, buyer, django_assert_max_num_queries
):
    one = place_and_pay(client, buyer, (ProductFactory(default_variant__stock=5), 1))
    make_shipments(one)
    few = queries_for(client, f"/orders/{one.id}/")
    products = [ProductFactory(default_variant__stock=5) for _ in range(3)]
    products += [ProductFactory(seller=products[0].seller, default_variant__stock=5) for _ in range(2)]
    many_order = place_and_pay(client, buyer, *[(product, 1) for product in products])
    make_shipments(many_order)
    ship(many_order, products[0])
    ship(many_order, products[1])

    with django_assert_max_num_queries(PAID_ORDER_QUERIES):
        many = queries_for(client, f"/orders/{many_order.id}/")
    assert many == few


def test_another_buyers_order_and_its_item_pages_are_not_found(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    line = order.lines.get()
    client.force_login(UserFactory())

    for url in (
        f"/orders/{order.id}/",
        f"/orders/{order.id}/items/{line.pk}/cancel/",
        f"/orders/{order.id}/items/{line.pk}/return/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/orders/{order.id}/items/{line.pk}/cancel/", {"reason": "changed_mind"}).status_code == 404
    line.refresh_from_db()
    assert line.status == "open"


# --- Cancel this item ---------------------------------------------------------------------------------------


def test_cancel_form_asks_for_a_reason_in_a_labelled_fieldset(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    line = order.lines.get()
    order_page = client.get(f"/orders/{order.id}/").content.decode()
    assert f"/orders/{order.id}/items/{line.pk}/cancel/" in order_page

    html = client.get(f"/orders/{order.id}/items/{line.pk}/cancel/").content.decode()

    page = audit(html)
    assert page.unlabelled() == []
    assert page.radios_outside_fieldset == 0
    assert "Reason for cancelling" in html
    assert "and the shipping too" in html  # the only item: cancelling it refunds the shipping as well
    assert page.headings[:2] == ["h1", "h2"]


def test_cancelling_without_a_reason_cancels_nothing(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    line = order.lines.get()

    response = client.post(f"/orders/{order.id}/items/{line.pk}/cancel/", {})

    assert response.status_code == 400
    assert "Choose a reason." in response.content.decode()
    line.refresh_from_db()
    assert line.status == "open"


def test_cancelling_an_item_before_it_ships_shows_its_refund(client, buyer, mug, lamp):
    order = place_and_pay(client, buyer, (mug, 1), (lamp, 1))
    make_shipments(order)
    line = order.lines.get(product=mug)
    refund = Decimal("10.00") + (order.tax * Decimal("10.00") / order.subtotal).quantize(Decimal("0.01"))

    response = client.post(
        f"/orders/{order.id}/items/{line.pk}/cancel/",
        {"reason": "other", "details": "Bought two by mistake"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/orders/{order.id}/", 302)]
    (message,) = messages_of(response)
    assert message.startswith("Blue Mug is cancelled.")
    assert f"${refund}" in message
    line.refresh_from_db()
    assert line.status == "cancelled"
    html = response.content.decode()
    assert f'data-testid="refunded">${refund}' in html
    assert "line-status-cancelled" in html
    # the other item is still on its way, and still cancellable
    assert f"/items/{order.lines.get(product=lamp).pk}/cancel/" in html
    assert f"/items/{line.pk}/cancel/" not in html


def test_cancelling_the_only_item_cancels_the_order_and_refunds_everything(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 2))
    make_shipments(order)
    line = order.lines.get()

    response = client.post(f"/orders/{order.id}/items/{line.pk}/cancel/", {"reason": "too_slow"}, follow=True)

    (message,) = messages_of(response)
    assert f"${order.total}" in message  # goods, tax and shipping
    order.refresh_from_db()
    assert order.status == "cancelled"
    html = response.content.decode()
    assert 'class="status status-cancelled"' in html
    assert f'data-testid="refunded">${order.total}' in html
    assert "every item was cancelled" in html  # its shipment, left empty


def test_an_item_that_shipped_cannot_be_cancelled_and_points_to_returns(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    ship(order, mug)
    line = order.lines.get()

    assert f"/items/{line.pk}/cancel/" not in client.get(f"/orders/{order.id}/").content.decode()
    response = client.post(f"/orders/{order.id}/items/{line.pk}/cancel/", {"reason": "changed_mind"}, follow=True)

    assert response.redirect_chain[-1] == (f"/orders/{order.id}/", 302)
    assert any("can no longer be cancelled" in text for text in messages_of(response))
    assert not order.refunds.exists()


# --- Return this item -----------------------------------------------------------------------------------------


def test_delivered_item_can_be_returned_with_quantity_and_reason(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 3))
    make_shipments(order)
    deliver(order, mug)
    line = order.lines.get()
    order_page = client.get(f"/orders/{order.id}/").content.decode()
    assert f"/orders/{order.id}/items/{line.pk}/return/" in order_page
    timeline = order_page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert timeline.count("is-done") == 5  # delivered: the journey is over

    form = client.get(f"/orders/{order.id}/items/{line.pk}/return/").content.decode()
    page = audit(form)
    assert page.unlabelled() == []
    assert page.radios_outside_fieldset == 0
    assert "Up to 3." in form

    response = client.post(
        f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "2", "reason": "doesnt_fit"}, follow=True
    )

    assert response.redirect_chain == [("/returns/", 302)]
    (request,) = ReturnRequest.objects.filter(order=order)
    assert (request.quantity, request.status, request.reason) == (2, "requested", "It does not fit")
    html = response.content.decode()
    assert f'data-return-id="{request.id}"' in html
    assert "Requested" in html


def test_returning_more_than_is_left_is_refused_on_the_quantity_field(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 2))
    make_shipments(order)
    deliver(order, mug)
    line = order.lines.get()
    client.post(f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "1", "reason": "damaged"})

    response = client.post(f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "2", "reason": "damaged"})

    assert response.status_code == 400
    assert "You can return at most 1 of this item." in response.content.decode()
    assert ReturnRequest.objects.filter(order=order).count() == 1


def test_an_item_not_delivered_yet_cannot_be_returned(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    ship(order, mug)
    line = order.lines.get()

    response = client.post(
        f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "1", "reason": "damaged"}, follow=True
    )

    assert any("has not been delivered yet" in text for text in messages_of(response))
    assert not ReturnRequest.objects.exists()


def test_the_return_window_closes_after_the_set_days(client, buyer, mug, settings):
    settings.RETURN_WINDOW_DAYS = 30
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    deliver(order, mug, at=timezone.now() - timedelta(days=31))
    line = order.lines.get()

    assert f"/items/{line.pk}/return/" not in client.get(f"/orders/{order.id}/").content.decode()
    response = client.post(
        f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "1", "reason": "damaged"}, follow=True
    )

    assert any("30-day return window has closed" in text for text in messages_of(response))
    assert not ReturnRequest.objects.exists()


def test_returns_list_shows_only_the_buyers_returns_newest_first(client, buyer, mug, lamp):
    order = place_and_pay(client, buyer, (mug, 1), (lamp, 1))
    make_shipments(order)
    deliver(order, mug)
    deliver(order, lamp)
    for product in (mug, lamp):
        line = order.lines.get(product=product)
        client.post(f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "1", "reason": "no_longer_needed"})
    someone = UserFactory()
    other = ReturnRequest.objects.create(
        order=order, line=order.lines.first(), buyer=someone, seller=mug.seller, quantity=1, reason="not mine"
    )

    html = client.get("/returns/").content.decode()

    first, second = (r.id for r in ReturnRequest.objects.filter(buyer=buyer).order_by("-created_at", "-id"))
    assert html.index(f'data-return-id="{first}"') < html.index(f'data-return-id="{second}"')
    assert other.id not in html
    assert "2 return requests" in html


def test_an_approved_return_shows_its_code_to_the_buyer(client, buyer, mug):
    order = place_and_pay(client, buyer, (mug, 1))
    make_shipments(order)
    deliver(order, mug)
    line = order.lines.get()
    client.post(f"/orders/{order.id}/items/{line.pk}/return/", {"quantity": "1", "reason": "damaged"})
    request = ReturnRequest.objects.get()
    approved = order_services.approve_return(user=mug.seller.user, return_id=request.id)

    assert approved.return_code in client.get("/returns/").content.decode()
    assert approved.return_code in client.get(f"/orders/{order.id}/").content.decode()
