"""'Mark selected shipped': several shipments ship at once, all or none, from the orders page and the API."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone
import pytest

from logistics import services
from logistics.errors import ShipmentNotFound, ShipmentNotPending
from logistics.models import Shipment
from tests.accounts.factories import UserFactory
from tests.concurrency import race
from tests.logistics.conftest import client_for
from tests.logistics.factories import ShipmentFactory, ShipmentLineFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

PAGE = "/seller/orders/"
API = "/api/v1/seller/shipments/ship"


@pytest.fixture
def seller():
    return SellerFactory()


@pytest.fixture
def waiting(seller):
    """Three pending shipments of the seller, one line each."""
    shipments = [ShipmentFactory(seller=seller) for _ in range(3)]
    for shipment in shipments:
        ShipmentLineFactory(shipment=shipment)
    return shipments


def statuses(shipments) -> list[str]:
    return [Shipment.objects.get(pk=shipment.pk).status for shipment in shipments]


def selection(*rows) -> dict:
    """The bulk form's POST: each row as (shipment, carrier, tracking number), ticked."""
    data: dict = {"shipment": [shipment.id for shipment, _, _ in rows]}
    for shipment, carrier, number in rows:
        data[f"{shipment.id}-carrier"] = carrier
        data[f"{shipment.id}-tracking_number"] = number
    return data


def shipped_already(shipment) -> None:
    Shipment.objects.filter(pk=shipment.pk).update(status="shipped", shipped_at=timezone.now(), carrier="ups")


# --- The service ------------------------------------------------------------------------------------


def test_ship_many_ships_every_parcel_with_its_own_carrier_and_number(seller, waiting):
    a, b, _c = waiting

    services.ship_many(
        seller=seller,
        parcels=[services.Parcel(a.id, "ups", "1ZA"), services.Parcel(b.id, "dhl", "JD01")],
    )

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.carrier, a.tracking_number) == ("shipped", "ups", "1ZA")
    assert (b.status, b.carrier, b.tracking_number) == ("shipped", "dhl", "JD01")
    assert a.events.filter(status="shipped").count() == 1


def test_ship_many_ships_nothing_when_one_is_no_longer_pending(seller, waiting):
    a, b, c = waiting
    shipped_already(b)

    with pytest.raises(ShipmentNotPending) as caught:
        services.ship_many(
            seller=seller,
            parcels=[
                services.Parcel(a.id, "ups", "1"),
                services.Parcel(b.id, "ups", "2"),
                services.Parcel(c.id, "ups", "3"),
            ],
        )

    assert list(caught.value.extra["errors"]) == ["shipments.1.id"]
    assert statuses(waiting) == ["pending", "shipped", "pending"]


def test_ship_many_ships_nothing_when_one_is_another_sellers(seller, waiting):
    theirs = ShipmentFactory()

    with pytest.raises(ShipmentNotFound):
        services.ship_many(
            seller=seller, parcels=[services.Parcel(waiting[0].id, "ups", "1"), services.Parcel(theirs.id, "ups", "2")]
        )

    assert statuses([waiting[0], theirs]) == ["pending", "pending"]


# --- The page ---------------------------------------------------------------------------------------


def test_the_page_offers_a_checkbox_carrier_and_tracking_number_on_waiting_rows_only(client, seller, waiting):
    shipped_already(waiting[2])
    client.force_login(seller.user)

    html = client.get(PAGE).content.decode()

    for shipment in waiting[:2]:
        assert f'name="shipment" value="{shipment.id}"' in html
        assert f'name="{shipment.id}-carrier"' in html
        assert f'name="{shipment.id}-tracking_number"' in html
    assert f'value="{waiting[2].id}"' not in html
    assert html.count('<option value="ups"') == 2
    assert "Mark selected shipped" in html


def test_marking_the_selected_rows_shipped_ships_them_and_leaves_the_others(client, seller, waiting):
    a, _b, c = waiting
    client.force_login(seller.user)

    response = client.post(PAGE + "?status=pending", selection((a, "ups", "1ZA"), (c, "fedex", "FX9")))

    assert response.status_code == 302
    assert response["Location"] == PAGE + "?status=pending"
    assert statuses(waiting) == ["shipped", "pending", "shipped"]
    c.refresh_from_db()
    assert (c.carrier, c.tracking_number) == ("fedex", "FX9")
    page = client.get(response["Location"]).content.decode()
    assert "2 shipments marked shipped." in page


def test_a_selected_row_without_a_tracking_number_ships_nothing_and_is_named(client, seller, waiting):
    a, b, _c = waiting
    client.force_login(seller.user)

    response = client.post(PAGE, selection((a, "ups", "1ZA"), (b, "ups", "")))

    html = response.content.decode()
    assert response.status_code == 400
    assert statuses(waiting) == ["pending", "pending", "pending"]
    assert f'id="problem-{b.id}"' in html
    assert f'id="problem-{a.id}"' not in html
    assert "Enter the tracking number" in html
    assert 'value="1ZA"' in html  # what was typed is kept


def test_a_selected_row_shipped_meanwhile_ships_nothing_and_is_named(client, seller, waiting):
    a, b, _c = waiting
    client.force_login(seller.user)
    # The page was loaded while b waited; someone shipped it since.
    shipped_already(b)

    response = client.post(PAGE, selection((a, "ups", "1ZA"), (b, "ups", "1ZB")))

    html = response.content.decode()
    assert response.status_code == 409
    assert statuses([a, b]) == ["pending", "shipped"]
    assert f"Shipment {b.id} is shipped" in html
    assert "Nothing was shipped" in html


def test_nothing_selected_is_a_400(client, seller, waiting):
    client.force_login(seller.user)

    response = client.post(PAGE, {})

    assert response.status_code == 400
    assert "Select the shipments to mark shipped." in response.content.decode()


def test_another_sellers_shipment_in_the_post_is_404_and_nothing_ships(client, seller, waiting):
    theirs = ShipmentFactory()
    client.force_login(seller.user)

    response = client.post(PAGE, selection((waiting[0], "ups", "1ZA"), (theirs, "ups", "1ZT")))

    assert response.status_code == 404
    assert statuses([waiting[0], theirs]) == ["pending", "pending"]


def test_a_rows_own_button_ships_that_row_alone(client, seller, waiting):
    a, b, _c = waiting
    client.force_login(seller.user)
    html = client.get(PAGE).content.decode()
    assert f'formaction="/seller/shipments/{b.id}/ship/"' in html

    # The whole form is sent to the row's own URL: only that row's fields count.
    data = selection((a, "ups", "1ZA"), (b, "dhl", "JD7"))
    response = client.post(f"/seller/shipments/{b.id}/ship/", data)

    assert response.status_code == 302
    assert statuses(waiting) == ["pending", "shipped", "pending"]
    b.refresh_from_db()
    assert (b.carrier, b.tracking_number) == ("dhl", "JD7")


def test_buyers_get_403_and_nothing_ships(client, waiting):
    client.force_login(UserFactory())

    response = client.post(PAGE, selection((waiting[0], "ups", "1ZA")))

    assert response.status_code == 403
    assert statuses(waiting[:1]) == ["pending"]


def test_the_bulk_form_is_csrf_protected(seller, waiting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller.user)
    data = selection((waiting[0], "ups", "1ZA"))

    refused = client.post(PAGE, data)
    assert refused.status_code == 403
    assert statuses(waiting[:1]) == ["pending"]

    html = client.get(PAGE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    accepted = client.post(PAGE, {**data, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert statuses(waiting[:1]) == ["shipped"]


def test_a_rows_own_ship_button_is_csrf_protected_too(seller, waiting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller.user)

    response = client.post(f"/seller/shipments/{waiting[0].id}/ship/", {"carrier": "ups", "tracking_number": "1"})

    assert response.status_code == 403
    assert statuses(waiting[:1]) == ["pending"]


# --- The API ----------------------------------------------------------------------------------------


def test_the_api_ships_every_listed_shipment_and_answers_them(seller, waiting):
    a, b, _c = waiting
    body = {
        "shipments": [
            {"id": a.id, "carrier": "ups", "tracking_number": "1ZA"},
            {"id": b.id, "carrier": "dhl", "tracking_number": "JD2"},
        ]
    }

    response = client_for(seller.user).post(API, body, format="json")

    assert response.status_code == 200, response.content
    answer = response.json()["shipments"]
    assert [(s["id"], s["status"], s["carrier"], s["tracking_number"]) for s in answer] == [
        (a.id, "shipped", "ups", "1ZA"),
        (b.id, "shipped", "dhl", "JD2"),
    ]
    assert statuses(waiting) == ["shipped", "shipped", "pending"]


def test_the_api_names_the_row_missing_a_tracking_number_and_ships_nothing(seller, waiting):
    a, b, _c = waiting
    body = {"shipments": [{"id": a.id, "carrier": "ups", "tracking_number": "1ZA"}, {"id": b.id, "carrier": "ups"}]}

    response = client_for(seller.user).post(API, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["errors"]) == ["shipments.1.tracking_number"]
    assert statuses(waiting) == ["pending", "pending", "pending"]


def test_the_api_names_the_row_no_longer_pending_and_ships_nothing(seller, waiting):
    c = waiting[2]
    shipped_already(c)
    body = {"shipments": [{"id": s.id, "carrier": "ups", "tracking_number": f"1Z{n}"} for n, s in enumerate(waiting)]}

    response = client_for(seller.user).post(API, body, format="json")

    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "shipment_not_pending"
    assert list(problem["errors"]) == ["shipments.2.id"]
    assert statuses(waiting) == ["pending", "pending", "shipped"]


def test_the_api_refuses_a_shipment_listed_twice(seller, waiting):
    a = waiting[0]
    body = {
        "shipments": [
            {"id": a.id, "carrier": "ups", "tracking_number": "1"},
            {"id": a.id, "carrier": "ups", "tracking_number": "2"},
        ]
    }

    response = client_for(seller.user).post(API, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["shipments.1.id"]
    assert statuses([a]) == ["pending"]


def test_the_api_answers_404_for_another_sellers_shipment_and_ships_nothing(seller, waiting):
    theirs = ShipmentFactory()
    body = {
        "shipments": [
            {"id": waiting[0].id, "carrier": "ups", "tracking_number": "1"},
            {"id": theirs.id, "carrier": "ups", "tracking_number": "2"},
        ]
    }

    response = client_for(seller.user).post(API, body, format="json")

    assert response.status_code == 404
    assert statuses([waiting[0], theirs]) == ["pending", "pending"]


def test_the_api_is_for_sellers_only(waiting):
    body = {"shipments": [{"id": waiting[0].id, "carrier": "ups", "tracking_number": "1"}]}

    response = client_for(UserFactory()).post(API, body, format="json")

    assert response.status_code == 403
    assert statuses(waiting[:1]) == ["pending"]


def test_the_api_refuses_an_empty_list(seller):
    response = client_for(seller.user).post(API, {"shipments": []}, format="json")

    assert response.status_code == 400


# --- Racing ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_bulk_ships_at_once_ship_each_parcel_once_and_never_deadlock():
    seller = SellerFactory()
    shipments = sorted((ShipmentFactory(seller=seller) for _ in range(3)), key=lambda shipment: shipment.pk)
    # Opposite orders: were the rows locked as listed, the two would wait on each other.
    orders = [shipments, list(reversed(shipments))]

    results = race(
        lambda i: services.ship_many(
            seller=seller, parcels=[services.Parcel(s.id, "ups", f"1Z{i}{s.id}") for s in orders[i]]
        ),
        2,
    )

    assert sorted(type(result).__name__ for result in results) == ["ShipmentNotPending", "list"]
    winner = next(result for result in results if isinstance(result, list))
    assert statuses(shipments) == ["shipped"] * 3
    assert {Shipment.objects.get(pk=s.pk).tracking_number for s in shipments} == {s.tracking_number for s in winner}
    assert all(Shipment.objects.get(pk=s.pk).events.count() == 1 for s in shipments)
