"""Each order line keeps the commission rate and amount of the moment it was placed, and "order.paid" carries the
order's money (its lines' totals and commission, tax, shipping, total) so that the ledger can book it."""

from decimal import Decimal

import pytest

from ledger.models import CommissionRate
from orders import services
from orders.models import Order, OrderLine
from shop.models import OutboxEvent
from tests.catalog.factories import CategoryFactory, VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart, pay, place_paid
from tests.sellers.factories import SellerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unlimited_holds")]


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.COMMISSION_RATE = "0.10"
    settings.TAX_RATE = "0.0825"


def place(buyer, *lines) -> Order:
    fill_cart(buyer, *lines)
    response = checkout(client_for(buyer))
    assert response.status_code == 201, response.content
    return Order.objects.get(pk=response.json()["order"]["id"])


def line_of(order: Order, variant) -> OrderLine:
    return order.lines.get(variant=variant)


def test_a_sellers_own_rate_is_fixed_on_its_lines(buyer):
    seller = SellerFactory()
    CommissionRate.objects.create(seller=seller, category=None, rate=Decimal("0.15"))
    variant = VariantFactory(stock=5, product__seller=seller, product__price=Decimal("19.99"))

    line = line_of(place(buyer, (variant, 3)), variant)

    assert (line.commission_rate, line.line_total, line.commission) == (
        Decimal("0.1500"),
        Decimal("59.97"),
        Decimal("9.00"),  # 8.9955 rounded once, half up
    )


def test_a_category_rate_applies_to_a_product_of_a_sub_category(buyer):
    home = CategoryFactory(name="Home")
    kitchen = CategoryFactory(name="Kitchen", parent=home)
    CommissionRate.objects.create(seller=None, category=home, rate=Decimal("0.12"))
    variant = VariantFactory(stock=5, product__category=kitchen, product__price=Decimal("10.00"))

    line = line_of(place(buyer, (variant, 2)), variant)

    assert (line.commission_rate, line.commission) == (Decimal("0.1200"), Decimal("2.40"))


def test_a_line_without_a_rule_takes_the_stores_default_rate(buyer):
    variant = VariantFactory(stock=5, product__price=Decimal("10.05"))

    line = line_of(place(buyer, (variant, 1)), variant)

    assert (line.commission_rate, line.commission) == (Decimal("0.1000"), Decimal("1.01"))  # 1.005 half up


def test_each_line_of_one_order_gets_its_own_rate(buyer):
    seller = SellerFactory()
    CommissionRate.objects.create(seller=seller, category=None, rate=Decimal("0.15"))
    toys = CategoryFactory(name="Toys")
    CommissionRate.objects.create(seller=None, category=toys, rate=Decimal("0.05"))
    own, toy, plain = (
        VariantFactory(stock=5, product__seller=seller),
        VariantFactory(stock=5, product__category=toys),
        VariantFactory(stock=5),
    )

    order = place(buyer, (own, 1), (toy, 1), (plain, 1))

    assert [line_of(order, v).commission_rate for v in (own, toy, plain)] == [
        Decimal("0.1500"),
        Decimal("0.0500"),
        Decimal("0.1000"),
    ]


def test_a_later_rate_change_does_not_alter_a_placed_order(buyer):
    seller = SellerFactory()
    rule = CommissionRate.objects.create(seller=seller, category=None, rate=Decimal("0.15"))
    variant = VariantFactory(stock=5, product__seller=seller, product__price=Decimal("10.00"))
    order = place_paid(buyer, (variant, 1))

    rule.rate = Decimal("0.30")
    rule.save()
    later = place_paid(buyer, (variant, 1))

    assert (line_of(order, variant).commission_rate, line_of(order, variant).commission) == (
        Decimal("0.1500"),
        Decimal("1.50"),
    )
    assert line_of(later, variant).commission == Decimal("3.00")


def paid_payload(order: Order) -> dict:
    return OutboxEvent.objects.get(name="order.paid", payload__order_id=order.pk).payload


def test_order_paid_carries_the_money_and_it_adds_up(buyer):
    first, second = VariantFactory(stock=5, product__price=Decimal("19.99")), VariantFactory(stock=5)
    order = place_paid(buyer, (first, 3), (second, 1))

    payload = paid_payload(order)

    lines = payload["lines"]
    line_totals = sum((Decimal(line["line_total"]) for line in lines), Decimal(0))
    assert Decimal(payload["subtotal"]) == line_totals
    assert line_totals + Decimal(payload["tax"]) + Decimal(payload["shipping"]) == Decimal(payload["total"])
    assert (payload["payment_id"], payload["currency"], payload["total"]) == (
        order.payment_id,
        order.currency,
        str(order.total),
    )
    assert Decimal(payload["tax"]) > 0


def test_order_paid_lines_carry_their_total_commission_and_rate(buyer):
    variant = VariantFactory(stock=5, product__price=Decimal("19.99"))
    order = place_paid(buyer, (variant, 3))

    (line,) = paid_payload(order)["lines"]

    assert {key: line[key] for key in ("line_total", "commission", "commission_rate")} == {
        "line_total": "59.97",
        "commission": "6.00",  # 5.997
        "commission_rate": "0.1000",
    }


def test_order_paid_leaves_out_lines_cancelled_before_payment_and_still_adds_up(buyer):
    kept, dropped = VariantFactory(stock=5), VariantFactory(stock=5, product__price=Decimal("7.50"))
    order = place(buyer, (kept, 1), (dropped, 2))
    services.cancel_item(user=buyer, order_id=order.pk, product_id=dropped.product_id, reason="changed my mind")
    assert pay(client_for(buyer), order.pk).status_code == 200

    payload = paid_payload(order)

    assert [line["line_id"] for line in payload["lines"]] == [line_of(order, kept).pk]
    assert Decimal(payload["lines"][0]["line_total"]) + Decimal(payload["tax"]) + Decimal(
        payload["shipping"]
    ) == Decimal(payload["total"])
