"""remove_line: a cancelled order line leaves its shipment before it ships, never after; race-free against ship."""

from django.utils import timezone
import pytest

from logistics import services
from logistics.errors import AlreadyShipped, ShipmentNotPending
from logistics.models import Shipment, ShipmentLine
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.sellers.factories import SellerFactory


@pytest.mark.django_db
def test_removing_a_line_of_a_pending_shipment_marks_it_cancelled(pending_shipment):
    line = pending_shipment.lines.first()
    services.remove_line(order_line_id=line.order_line_id)
    line.refresh_from_db()
    assert line.cancelled
    pending_shipment.refresh_from_db()
    assert pending_shipment.status == "pending"


@pytest.mark.django_db
def test_removing_every_line_cancels_the_shipment(pending_shipment):
    for line in pending_shipment.lines.all():
        services.remove_line(order_line_id=line.order_line_id)
    pending_shipment.refresh_from_db()
    assert pending_shipment.status == "cancelled"


@pytest.mark.django_db
def test_removing_a_line_twice_is_harmless(pending_shipment):
    line = pending_shipment.lines.first()
    services.remove_line(order_line_id=line.order_line_id)
    services.remove_line(order_line_id=line.order_line_id)
    assert ShipmentLine.objects.filter(cancelled=True).count() == 1


@pytest.mark.django_db
def test_removing_a_line_once_shipped_raises_already_shipped_and_changes_nothing(pending_shipment):
    services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="ups", tracking_number="1Z")
    line = pending_shipment.lines.first()
    with pytest.raises(AlreadyShipped) as raised:
        services.remove_line(order_line_id=line.order_line_id)
    assert raised.value.code == "item_shipped"
    line.refresh_from_db()
    assert not line.cancelled


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_remove_line_and_ship_racing_never_ship_a_cancelled_line(attempt):
    shipment = ShipmentFactory()
    line = ShipmentLineFactory(shipment=shipment)
    ShipmentLineFactory(shipment=shipment)

    def act(i):
        if i == 0:
            return services.remove_line(order_line_id=line.order_line_id)
        return services.ship(seller=shipment.seller, shipment_id=shipment.pk, carrier="ups", tracking_number="1Z")

    removed, shipped = race(act, 2)
    line.refresh_from_db()
    shipment.refresh_from_db()
    assert shipment.status == "shipped"  # the other line still ships either way
    assert not isinstance(shipped, Exception)
    if isinstance(removed, AlreadyShipped):
        assert not line.cancelled  # shipped first: the line went out
    else:
        assert removed is None
        assert line.cancelled
        assert line.cancelled_at < shipment.shipped_at  # removed first, then shipped without it


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_removing_the_only_line_while_shipping_either_ships_it_or_cancels_the_shipment(attempt):
    shipment = ShipmentFactory()
    line = ShipmentLineFactory(shipment=shipment)

    def act(i):
        if i == 0:
            return services.remove_line(order_line_id=line.order_line_id)
        return services.ship(seller=shipment.seller, shipment_id=shipment.pk, carrier="ups", tracking_number="1Z")

    removed, shipped = race(act, 2)
    line.refresh_from_db()
    shipment.refresh_from_db()
    if isinstance(removed, AlreadyShipped):
        assert (shipment.status, line.cancelled) == ("shipped", False)
        assert not isinstance(shipped, Exception)
    else:
        assert isinstance(shipped, ShipmentNotPending)
        assert (shipment.status, line.cancelled) == ("cancelled", True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_order_paid_and_remove_line_racing_never_leave_the_line_in_a_pending_shipment(attempt):
    buyer, seller = UserFactory(), SellerFactory()
    order_id = f"ord_race{attempt}"
    lines = [
        {"line_id": 7000 + attempt * 10, "seller_id": seller.pk, "product_name": "A", "sku": "A", "quantity": 1},
        {"line_id": 7001 + attempt * 10, "seller_id": seller.pk, "product_name": "B", "sku": "B", "quantity": 1},
    ]

    def act(i):
        if i == 0:
            return services.remove_line(order_line_id=lines[0]["line_id"])
        return services.create_shipments(
            order_id=order_id,
            buyer_id=buyer.pk,
            shipping_method="standard",
            paid_at=timezone.now(),
            lines=lines,
        )

    results = race(act, 2)
    assert not any(isinstance(r, Exception) for r in results), results
    shipment = Shipment.objects.get(order_id=order_id)
    carried = ShipmentLine.objects.filter(shipment=shipment, cancelled=False).values_list("order_line_id", flat=True)
    assert list(carried) == [lines[1]["line_id"]]


@pytest.mark.django_db(transaction=True)
def test_order_paid_handled_twice_at_the_same_time_creates_one_shipment_per_seller():
    buyer, first, second = UserFactory(), SellerFactory(), SellerFactory()
    lines = [
        {"line_id": 8101, "seller_id": first.pk, "product_name": "A", "sku": "A", "quantity": 1},
        {"line_id": 8102, "seller_id": second.pk, "product_name": "B", "sku": "B", "quantity": 2},
    ]

    def deliver(i):
        return services.create_shipments(
            order_id="ord_twice", buyer_id=buyer.pk, shipping_method="express", paid_at=timezone.now(), lines=lines
        )

    results = race(deliver, 4)
    assert not any(isinstance(r, Exception) for r in results), results
    assert Shipment.objects.filter(order_id="ord_twice").count() == 2
    assert ShipmentLine.objects.filter(order_line_id__in=[8101, 8102]).count() == 2
