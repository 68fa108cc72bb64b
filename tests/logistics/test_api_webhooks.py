"""POST /api/v1/logistics/webhooks/{carrier}: signed tracking updates, each signature used once."""

import time

import pytest

from logistics import services
from logistics.carriers import signed_request
from logistics.models import CarrierWebhookReceipt, TrackingEvent
from tests.logistics.conftest import names

pytestmark = pytest.mark.django_db

URL = "/api/v1/logistics/webhooks/ups"


@pytest.fixture
def shipped(pending_shipment):
    services.ship(
        seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="ups", tracking_number="1Z42"
    )
    pending_shipment.refresh_from_db()
    return pending_shipment


@pytest.fixture
def post(api_client, django_capture_on_commit_callbacks):
    def send(body: bytes, headers: dict[str, str], url: str = URL):
        extra = {
            f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
        }
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(url, data=body, content_type="application/json", **extra)

    return send


def update(event_id: str = "trk_1", status: str = "in_transit", **extra) -> dict:
    return {"id": event_id, "tracking_number": "1Z42", "status": status, "location": "Louisville, KY", **extra}


def status_of(shipment) -> str:
    shipment.refresh_from_db()
    return shipment.status


def assert_invalid(response):
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_webhook"


def test_validly_signed_update_moves_the_parcel(post, shipped, published):
    response = post(*signed_request(update(at="2026-11-26T08:00:00Z")))
    assert response.status_code == 200
    assert response.json() == {"received": True}
    assert status_of(shipped) == "in_transit"
    event = TrackingEvent.objects.get(shipment=shipped, status="in_transit")
    assert event.location == "Louisville, KY"
    assert event.at.isoformat() == "2026-11-26T08:00:00+00:00"
    assert names(published)[-1] == "shipment.updated"


def test_delivered_update_publishes_shipment_delivered(post, shipped, published):
    assert post(*signed_request(update(status="delivered"))).status_code == 200
    assert status_of(shipped) == "delivered"
    assert names(published).count("shipment.delivered") == 1


def test_bad_signature_is_refused_and_changes_nothing(post, shipped, published):
    body, headers = signed_request(update())
    headers["Bazaar-Signature"] = headers["Bazaar-Signature"][:-4] + "0000"
    before = len(published)
    assert_invalid(post(body, headers))
    assert status_of(shipped) == "shipped"
    assert not CarrierWebhookReceipt.objects.exists()
    assert len(published) == before


def test_body_changed_after_signing_is_refused(post, shipped):
    body, headers = signed_request(update())
    assert_invalid(post(body.replace(b"in_transit", b"delivered"), headers))
    assert status_of(shipped) == "shipped"


def test_missing_signature_is_refused(post, shipped):
    body, _ = signed_request(update())
    assert_invalid(post(body, {}))
    assert status_of(shipped) == "shipped"


def test_stale_signature_is_refused(post, shipped):
    assert_invalid(post(*signed_request(update(), timestamp=int(time.time()) - 3600)))
    assert status_of(shipped) == "shipped"
    assert not CarrierWebhookReceipt.objects.exists()


def test_replayed_signature_is_refused_and_changes_nothing_more(post, shipped, published):
    body, headers = signed_request(update())
    assert post(body, headers).status_code == 200
    events_before, published_before = TrackingEvent.objects.count(), len(published)
    assert_invalid(post(body, headers))
    assert TrackingEvent.objects.count() == events_before
    assert len(published) == published_before
    assert CarrierWebhookReceipt.objects.count() == 1


def test_an_event_delivered_again_with_a_fresh_signature_is_accepted_once(post, shipped, published):
    assert post(*signed_request(update(), timestamp=int(time.time()) - 1)).status_code == 200
    before = len(published)
    assert post(*signed_request(update())).status_code == 200
    assert TrackingEvent.objects.filter(shipment=shipped, status="in_transit").count() == 1
    assert len(published) == before


def test_an_update_behind_the_parcel_is_accepted_and_ignored(post, shipped):
    assert post(*signed_request(update("trk_1", "out_for_delivery"))).status_code == 200
    assert post(*signed_request(update("trk_2", "in_transit"))).status_code == 200
    assert status_of(shipped) == "out_for_delivery"


def test_an_update_for_another_carrier_or_unknown_parcel_changes_nothing(post, shipped):
    assert post(*signed_request(update()), url="/api/v1/logistics/webhooks/dhl").status_code == 200
    assert post(*signed_request(update("trk_9", tracking_number="NOPE"))).status_code == 200
    assert status_of(shipped) == "shipped"


def test_unreadable_update_is_refused(post, shipped):
    assert_invalid(post(*signed_request({"id": "trk_1", "status": "in_transit"})))
    assert_invalid(post(*signed_request(update(status="lost"))))
    assert_invalid(post(*signed_request(update(at="yesterday"))))
    assert status_of(shipped) == "shipped"
