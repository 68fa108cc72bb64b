"""Seller shipments API: list them, and mark one shipped (the owning seller only, from pending only)."""

import pytest
from rest_framework.test import APIClient

from logistics.models import Shipment, TrackingEvent
from tests.accounts.factories import UserFactory
from tests.logistics.conftest import client_for, names
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


def ship_url(shipment) -> str:
    return f"/api/v1/seller/shipments/{shipment.pk}/ship"


BODY = {"carrier": "ups", "tracking_number": "1Z999"}


def test_owning_seller_ships_a_pending_shipment(pending_shipment, published, django_capture_on_commit_callbacks):
    client = client_for(pending_shipment.seller.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ship_url(pending_shipment), BODY, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["carrier"], body["tracking_number"]) == (
        pending_shipment.pk,
        "shipped",
        "ups",
        "1Z999",
    )
    assert [e["status"] for e in body["events"]] == ["shipped"]
    pending_shipment.refresh_from_db()
    assert pending_shipment.status == "shipped"
    assert pending_shipment.shipped_at is not None
    assert names(published) == ["shipment.updated"]
    payload = published[0][1]
    assert (payload["status"], payload["carrier"], payload["tracking_number"]) == ("shipped", "ups", "1Z999")
    assert sorted(payload["line_ids"]) == sorted(pending_shipment.lines.values_list("order_line_id", flat=True))


def test_another_seller_gets_404_and_nothing_changes(pending_shipment, published):
    response = client_for(SellerFactory().user).post(ship_url(pending_shipment), BODY, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    pending_shipment.refresh_from_db()
    assert pending_shipment.status == "pending"
    assert published == []


def test_a_buyer_gets_403(pending_shipment):
    response = client_for(UserFactory()).post(ship_url(pending_shipment), BODY, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_gets_401(pending_shipment):
    response = APIClient().post(ship_url(pending_shipment), BODY, format="json")
    assert response.status_code == 401
    pending_shipment.refresh_from_db()
    assert pending_shipment.status == "pending"


def test_shipping_twice_is_a_409_and_writes_no_second_event(pending_shipment, published):
    client = client_for(pending_shipment.seller.user)
    assert client.post(ship_url(pending_shipment), BODY, format="json").status_code == 200
    response = client.post(ship_url(pending_shipment), {"carrier": "dhl", "tracking_number": "X"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "shipment_not_pending"
    # The problem's own status stays the HTTP status; the shipment's is an extension member.
    assert (response.json()["status"], response.json()["shipment_status"]) == (409, "shipped")
    pending_shipment.refresh_from_db()
    assert pending_shipment.carrier == "ups"
    assert TrackingEvent.objects.filter(shipment=pending_shipment).count() == 1
    assert names(published) == ["shipment.updated"]


def test_a_cancelled_shipment_cannot_be_shipped():
    shipment = ShipmentFactory(status=Shipment.Status.CANCELLED)
    ShipmentLineFactory(shipment=shipment, cancelled=True)
    response = client_for(shipment.seller.user).post(ship_url(shipment), BODY, format="json")
    assert response.status_code == 409


def test_tracking_number_is_required_except_for_the_simulated_carrier(pending_shipment):
    client = client_for(pending_shipment.seller.user)
    response = client.post(ship_url(pending_shipment), {"carrier": "ups"}, format="json")
    assert response.status_code == 400
    assert "tracking_number" in response.json()["errors"]
    response = client.post(ship_url(pending_shipment), {"carrier": "simulated"}, format="json")
    assert response.status_code == 200
    assert response.json()["tracking_number"].startswith("SIM")


def test_seller_lists_only_their_own_shipments_newest_first(django_assert_max_num_queries):
    seller = SellerFactory()
    mine = [ShipmentFactory(seller=seller) for _ in range(3)]
    ShipmentFactory()  # another seller's
    response = client_for(seller.user).get("/api/v1/seller/shipments")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [s["id"] for s in body["shipments"]] == [s.pk for s in reversed(mine)]
    assert {"offset", "limit", "next_offset"} <= set(body)


def test_seller_list_filters_by_status():
    seller = SellerFactory()
    ShipmentFactory(seller=seller)
    cancelled = ShipmentFactory(seller=seller, status=Shipment.Status.CANCELLED)
    response = client_for(seller.user).get("/api/v1/seller/shipments?status=cancelled")
    assert [s["id"] for s in response.json()["shipments"]] == [cancelled.pk]
    assert client_for(seller.user).get("/api/v1/seller/shipments?status=lost").status_code == 400


def _seller_with_shipments(count: int, lines_each: int):
    seller = SellerFactory()
    for _ in range(count):
        shipment = ShipmentFactory(seller=seller)
        for _ in range(lines_each):
            ShipmentLineFactory(shipment=shipment)
        TrackingEvent.objects.create(shipment=shipment, status="shipped")
    return seller


@pytest.mark.parametrize(("count", "lines_each"), [(1, 1), (15, 4)])
def test_seller_list_queries_do_not_grow_with_shipments_lines_or_events(count, lines_each, django_assert_num_queries):
    client = client_for(_seller_with_shipments(count, lines_each).user)
    # seller, count, page, lines, events
    with django_assert_num_queries(5):
        response = client.get("/api/v1/seller/shipments")
    assert len(response.json()["shipments"]) == count
