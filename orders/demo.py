"""The demo buyer's and demo seller's order history, for seed_demo: something to look at on every page.

Every order is made through the real use cases, as a shopper and the seller would: the cart, checkout,
payment with the test gateway's card, shipping with a carrier, the carrier's tracking updates, a cancelled
item (refunded), a return request; and a stock count that opens a low-stock alert. Only then, as a last
documented step, is each order's whole history dated back to the day it "happened", so that the seller's
sales chart (which counts the days orders were paid) spreads over the past two weeks.

Runs once: when the demo buyer has orders, it adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import datetime as dt

from django.db import transaction
from django.db.models import F

from accounts import selectors as account_selectors
from cart import services as cart_services
from catalog import selectors as catalog_selectors
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from logistics import demo as logistics_demo
from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from orders import services
from orders.models import Order, OrderEvent, OrderLine, OrderRefund, ReturnRequest

CARD = "tok_visa"  # the test gateway's card that always pays
CARRIER = "ups"  # a real carrier's name: its parcels move only when told (the simulated one moves by itself)


@dataclass(frozen=True)
class Story:
    """One demo order: who buys how many of which of the seller's products, ``days_ago``, and how far it gets.

    ``fate``: "paid" (waiting to be shipped), "shipped" (on its way), "delivered", "returned" (delivered, then
    a return requested of its first product) or "cancelled" (its last product cancelled after payment,
    refunded; the rest delivered).
    """

    buyer: str  # "buyer" (the demo buyer) or a shopper's e-mail
    products: tuple[int, ...]  # indexes into the seller's chosen products
    days_ago: int
    fate: str
    quantity: int = 1


STORIES = (
    Story("buyer", (0,), days_ago=0, fate="paid"),
    Story("buyer", (1,), days_ago=2, fate="shipped"),
    Story("buyer", (2, 3), days_ago=5, fate="cancelled"),
    Story("buyer", (0,), days_ago=9, fate="returned"),
    Story("shopper001@example.com", (3,), days_ago=1, fate="delivered", quantity=2),
    Story("shopper002@example.com", (1, 2), days_ago=3, fate="delivered"),
    Story("shopper003@example.com", (0,), days_ago=4, fate="shipped"),
    Story("shopper004@example.com", (3,), days_ago=7, fate="delivered", quantity=3),
    Story("shopper005@example.com", (2, 1), days_ago=11, fate="delivered"),
    Story("shopper006@example.com", (1,), days_ago=13, fate="delivered"),
)
# The generated shoppers (seed_demo's) who buy from the demo seller too.
SHOPPER_EMAILS = tuple(sorted({story.buyer for story in STORIES if story.buyer != "buyer"}))
# The stories' products, and one more whose stock runs low.
PRODUCTS_NEEDED = 2 + max(index for story in STORIES for index in story.products)
# The chosen products keep enough units for every story (and the checkout's fair-hold share of stock).
MIN_UNITS = 12
SHOPPER_ADDRESS = {
    "line1": "20 Elm Avenue",
    "city": "Portland",
    "region": "OR",
    "postal_code": "97201",
    "country": "US",
}


@dataclass(frozen=True)
class Chosen:
    """One of the seller's products in the stories, by the variant bought."""

    product_id: int
    sku: str
    variant_id: int


def seed_order_history(*, buyer, seller, shoppers: Mapping[str, object]) -> int:
    """Play ``STORIES`` between the demo buyer (``buyer``, with an address in their book), ``shoppers`` (users
    by e-mail) and ``seller``, then open a low-stock alert for the seller. Returns the number of orders made:
    0 when the buyer already has orders or the seller has too few products in stock (a tiny catalog)."""
    if Order.objects.filter(buyer=buyer).exists():
        return 0
    chosen = _products_of(seller=seller)
    if len(chosen) < PRODUCTS_NEEDED:
        return 0
    address_id = account_selectors.addresses_for(user=buyer).values_list("pk", flat=True).first()
    for story in STORIES:
        user = buyer if story.buyer == "buyer" else shoppers[story.buyer]
        products = [chosen[index] for index in story.products]
        if user == buyer:
            where = {"address_id": address_id}
        else:
            where = {"shipping_address": {"name": user.name, **SHOPPER_ADDRESS}}
        order = _play(story, user=user, seller=seller, products=products, where=where)
        _move_back(order_id=order.id, by=dt.timedelta(days=story.days_ago))
    _open_low_stock_alert(seller=seller, variant=chosen[PRODUCTS_NEEDED - 1])
    return len(STORIES)


def _products_of(*, seller) -> list[Chosen]:
    """One well-stocked variant of each of the seller's listed products, the same ones every run."""
    levels = (
        inventory_selectors.stock_for_seller(seller_id=seller.pk)
        .filter(variant__product__in=catalog_selectors.listed_products(), units__gte=MIN_UNITS)
        .order_by("variant__product_id", "variant__position")
        .values_list("variant__product_id", "variant__sku", "variant_id")
    )
    chosen: dict[int, Chosen] = {}
    for product_id, sku, variant_id in levels:
        chosen.setdefault(product_id, Chosen(product_id=product_id, sku=sku, variant_id=variant_id))
    return list(chosen.values())


def _play(story: Story, *, user, seller, products: Sequence[Chosen], where: Mapping) -> Order:
    cart_id = cart_services.user_cart_id(user=user)
    for product in products:
        cart_services.add_to_cart(
            cart_id=cart_id, product_id=product.product_id, quantity=story.quantity, sku=product.sku
        )
    order = services.place_order(user=user, shipping_method="standard", **where)
    services.pay_order(user=user, order_id=order.id, payment_token=CARD)
    if story.fate == "paid":
        return order
    if story.fate == "cancelled":
        services.cancel_item(user=user, order_id=order.id, product_id=products[-1].product_id, reason="Changed my mind")
    [shipment] = logistics_selectors.shipments_for_order(order_id=order.id)
    logistics_services.ship(
        seller=seller, shipment_id=shipment.id, carrier=CARRIER, tracking_number=f"1Z{order.id[-10:].upper()}"
    )
    logistics_services.advance(shipment_id=shipment.id, to_status="in_transit", location="Regional sorting hub")
    if story.fate == "shipped":
        return order
    logistics_services.advance(shipment_id=shipment.id, to_status="delivered", location="Front door")
    if story.fate == "returned":
        services.request_return(
            user=user, order_id=order.id, product_id=products[0].product_id, quantity=1, reason="Too small for me."
        )
    return order


def _move_back(*, order_id: str, by: dt.timedelta) -> None:
    """The documented post-step: date the whole history of one demo order ``by`` earlier (every timestamp
    shifts together, so what happened first still did). Nothing but timestamps changes."""
    if not by:
        return
    with transaction.atomic():
        Order.objects.filter(pk=order_id).update(
            placed_at=F("placed_at") - by,
            paid_at=F("paid_at") - by,
            expires_at=F("expires_at") - by,
            closed_at=F("closed_at") - by,
        )
        OrderLine.objects.filter(order_id=order_id).update(
            shipped_at=F("shipped_at") - by, delivered_at=F("delivered_at") - by, cancelled_at=F("cancelled_at") - by
        )
        OrderEvent.objects.filter(order_id=order_id).update(created_at=F("created_at") - by)
        ReturnRequest.objects.filter(order_id=order_id).update(
            created_at=F("created_at") - by, decided_at=F("decided_at") - by, received_at=F("received_at") - by
        )
        OrderRefund.objects.filter(order_id=order_id).update(
            created_at=F("created_at") - by, attempted_at=F("attempted_at") - by, settled_at=F("settled_at") - by
        )
        logistics_demo.move_back(order_ids=[order_id], by=by)


def _open_low_stock_alert(*, seller, variant: Chosen) -> None:
    """The seller counts the shelf and finds few units left: the stock service opens a low-stock alert."""
    level = inventory_selectors.seller_stock_level(seller_id=seller.pk, variant_id=variant.variant_id)
    inventory_services.set_on_hand(
        variant_id=variant.variant_id,
        quantity=min(level.threshold, 2),
        actor=seller.user,
        note="Shelf count: fewer left than the system said.",
    )
