"""A small, realistic store for the abuse suites: two sellers, two buyers and a staff member.

Each seller lists a product with two variants, a picture and an import waiting to be confirmed; each buyer has an
address, a notification, a paid order holding one line from each seller (delivered, and both lines
asked back) and a filled cart. The fuzzing suite (tests/fuzz/) aims path parameters at these
objects, and the authorization matrix (tests/shop/test_authorization_matrix.py) opens every route
on them as each role. Building it takes seconds, so a module builds it once (``kept_world``) and each
test's own transaction rolls back whatever that test changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from cart.models import CartItem
from catalog import services as catalog_services
from ledger import services as ledger_services
from logistics.models import Shipment
from orders import services as order_services
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import CategoryFactory, ProductImageFactory
from tests.catalog.import_files import csv_bytes, import_file, row
from tests.notifications.factories import NotificationFactory
from tests.orders.conftest import deliver_lines, fill_cart, make_shipments, place_paid
from tests.sellers.factories import SellerFactory


@dataclass(frozen=True)
class Shop:
    """What a seller owns, by the names the routes give their placeholders."""

    seller: object
    product_id: int
    slug: str
    sku: str
    variant_id: int
    image_id: int
    import_id: int
    shipment_id: str
    return_id: str
    payout_id: str


@dataclass(frozen=True)
class Purchases:
    """What a buyer owns."""

    user: object
    address_id: int
    notification_id: int
    order_id: str
    line_id: int
    item_id: int


@dataclass(frozen=True)
class World:
    seller: Shop
    other_seller: Shop
    buyer: Purchases
    other_buyer: Purchases
    staff: object
    category_slug: str


def _shop(marker: str, category):
    seller = SellerFactory(store_name=f"{marker} Store", slug=f"{marker.lower()}-store")
    product = catalog_services.create_product(
        seller=seller,
        name=f"{marker} Lamp",
        category_id=category.pk,
        variants=[
            {"sku": f"{marker}-S", "options": {"size": "S"}, "price": Decimal("30.00"), "quantity": 10},
            {"sku": f"{marker}-L", "options": {"size": "L"}, "price": Decimal("34.00"), "quantity": 10},
        ],
    )
    variant = product.variants.order_by("sku").last()  # the "-S" variant
    image = ProductImageFactory(product=product)
    record = import_file(seller, csv_bytes([row(f"{marker}-IMP-1", name=f"{marker} Imported Shirt")]))
    return seller, product, variant, image, record


def _purchases(user, shops) -> tuple:
    """A paid order of one unit of each shop's variant, delivered."""
    order = place_paid(user, *[(variant, 1) for _, _, variant, _, _ in shops])
    if not Shipment.objects.filter(order_id=order.pk).exists():
        make_shipments(order)
    lines = list(order.lines.order_by("pk"))
    deliver_lines(order, *lines)
    return order, lines


def build_world() -> World:
    """Create the world through the apps' own services (a database-backed test calls this)."""
    category = CategoryFactory(name="Lamps")
    alpha = _shop("Alpha", category)
    bravo = _shop("Bravo", category)
    buyers = [UserFactory(name="Ann Buyer"), UserFactory(name="Otto Buyer")]
    purchases, returns = [], {}
    for user in buyers:
        order, lines = _purchases(user, [alpha, bravo])
        for seller, product, *_ in (alpha, bravo):
            returns.setdefault(seller.pk, []).append(
                order_services.request_return(
                    user=user, order_id=order.pk, product_id=product.pk, quantity=1, reason="no_longer_needed"
                ).pk
            )
        cart_id = fill_cart(user, (alpha[2], 1))
        purchases.append(
            Purchases(
                user=user,
                address_id=AddressFactory(user=user).pk,
                notification_id=NotificationFactory(user=user).pk,
                order_id=order.pk,
                line_id=lines[0].pk,
                item_id=CartItem.objects.get(cart_id=cart_id).pk,
            )
        )

    for seller, *_ in (alpha, bravo):  # a payout each: money credited by staff, paid by the week's run
        ledger_services.adjust_balance(seller_id=seller.pk, amount=Decimal("10.00"), reason="Opening balance")
    payouts = {payout.seller_id: payout.pk for payout in ledger_services.run_payouts(period="2026-W01")}

    def shop(parts) -> Shop:
        seller, product, variant, image, record = parts
        return Shop(
            seller=seller,
            product_id=product.pk,
            slug=product.slug,
            sku=variant.sku,
            variant_id=variant.pk,
            image_id=image.pk,
            import_id=record.pk,
            shipment_id=Shipment.objects.get(order_id=purchases[0].order_id, seller=seller).pk,
            return_id=returns[seller.pk][0],
            payout_id=payouts[seller.pk],
        )

    return World(
        seller=shop(alpha),
        other_seller=shop(bravo),
        buyer=purchases[0],
        other_buyer=purchases[1],
        staff=UserFactory(name="Stan Staff", is_staff=True),
        category_slug=category.slug,
    )


@contextmanager
def kept_world(django_db_blocker) -> Iterator[World]:
    """The world for a whole module: built in an outer transaction that is rolled back at the end.

    Each test's transaction (pytest-django's, as in Django's TestCase) is a savepoint inside it. The
    block is flagged as a test case's, as Django's TestCase.setUpClass does, so that the services'
    durable transactions may nest in it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
