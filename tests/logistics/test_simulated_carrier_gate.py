"""The simulated carrier runs only while DEBUG or with SIMULATED_CARRIER_ENABLED: otherwise no form or API offers
it, a request naming it is a 400, and its scheduled steps deliver nothing (no return window without a carrier)."""

from __future__ import annotations

import pytest

from logistics import carriers, services
from logistics.errors import CarrierNotAvailable
from logistics.forms import ShipForm
from logistics.models import Shipment
from logistics.tasks import advance_simulated_shipment
from tests.logistics.conftest import client_for
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.shop.test_operations import run_django

pytestmark = pytest.mark.django_db


@pytest.fixture
def simulated_off(settings):
    """Production: DEBUG off and the simulated carrier not enabled."""
    settings.DEBUG = False
    settings.SIMULATED_CARRIER_ENABLED = False


def ship_url(shipment) -> str:
    return f"/api/v1/seller/shipments/{shipment.pk}/ship"


def status_of(shipment) -> str:
    return Shipment.objects.get(pk=shipment.pk).status


def carrier_values(form) -> list[str]:
    return [value for value, _label in form.fields["carrier"].choices]


# --- Off ------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("simulated_off")
def test_the_ship_form_does_not_offer_the_simulated_carrier():
    form = ShipForm()

    assert "simulated" not in carrier_values(form)
    assert "ups" in carrier_values(form)
    assert form.fields["carrier"].initial is None


@pytest.mark.usefixtures("simulated_off")
def test_the_orders_page_does_not_offer_it(client, pending_shipment):
    client.force_login(pending_shipment.seller.user)

    html = client.get("/seller/orders/").content.decode()

    assert f'name="{pending_shipment.id}-carrier"' in html
    assert '<option value="ups"' in html
    assert '<option value="simulated"' not in html


@pytest.mark.usefixtures("simulated_off")
def test_the_ship_page_refuses_it_and_the_parcel_stays_pending(client, pending_shipment):
    client.force_login(pending_shipment.seller.user)

    response = client.post(f"/seller/shipments/{pending_shipment.id}/ship/", {"carrier": "simulated"}, follow=True)

    assert "was not marked shipped" in response.content.decode()
    assert status_of(pending_shipment) == "pending"


@pytest.mark.usefixtures("simulated_off")
def test_the_api_refuses_it_with_a_400_naming_the_carrier(pending_shipment):
    response = client_for(pending_shipment.seller.user).post(
        ship_url(pending_shipment), {"carrier": "Simulated"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"carrier": [CarrierNotAvailable.default_message]}
    assert status_of(pending_shipment) == "pending"


@pytest.mark.usefixtures("simulated_off")
def test_shipping_several_at_once_ships_none_when_one_names_it(pending_shipment):
    other = ShipmentFactory(seller=pending_shipment.seller)
    ShipmentLineFactory(shipment=other)
    body = {
        "shipments": [
            {"id": other.id, "carrier": "ups", "tracking_number": "1Z1"},
            {"id": pending_shipment.id, "carrier": "simulated"},
        ]
    }

    response = client_for(pending_shipment.seller.user).post("/api/v1/seller/shipments/ship", body, format="json")

    assert response.status_code == 400
    assert (status_of(other), status_of(pending_shipment)) == ("pending", "pending")


def test_a_step_scheduled_before_it_was_turned_off_delivers_nothing(
    settings, pending_shipment, monkeypatch, django_capture_on_commit_callbacks
):
    scheduled = []
    monkeypatch.setattr(advance_simulated_shipment, "apply_async", lambda **kw: scheduled.append(kw["kwargs"]))
    with django_capture_on_commit_callbacks(execute=True):
        services.ship(seller=pending_shipment.seller, shipment_id=pending_shipment.pk, carrier="simulated")
    settings.DEBUG = False
    settings.SIMULATED_CARRIER_ENABLED = False

    results = [advance_simulated_shipment(**step) for step in scheduled]

    assert [step["to_status"] for step in scheduled] == ["in_transit", "out_for_delivery", "delivered"]
    assert results == [False, False, False]
    assert status_of(pending_shipment) == "shipped"


def test_production_settings_leave_it_off_by_default():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SIMULATED_CARRIER_ENABLED)"

    result = run_django(code, DEBUG="0", SECRET_KEY="x" * 50, METRICS_TOKEN="scrape", SIMULATED_CARRIER_ENABLED="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


# --- On -------------------------------------------------------------------------------------------------


def test_debug_offers_it_even_without_the_setting(settings, pending_shipment):
    settings.DEBUG = True
    settings.SIMULATED_CARRIER_ENABLED = False

    response = client_for(pending_shipment.seller.user).post(
        ship_url(pending_shipment), {"carrier": "simulated"}, format="json"
    )

    assert ShipForm().fields["carrier"].initial == "simulated"
    assert response.status_code == 200
    assert response.json()["tracking_number"].startswith("SIM")


def test_the_setting_enables_it_with_debug_off(settings, pending_shipment):
    settings.DEBUG = False
    settings.SIMULATED_CARRIER_ENABLED = True

    response = client_for(pending_shipment.seller.user).post(
        ship_url(pending_shipment), {"carrier": "simulated"}, format="json"
    )

    assert carriers.simulated_enabled()
    assert "simulated" in carrier_values(ShipForm())
    assert response.status_code == 200
    assert status_of(pending_shipment) != "pending"
