"""A seller's store settings and policies (handling time, return window, return address): the service's
ranges, the settings page and GET/PATCH /api/v1/seller/profile; only the seller changes their own."""

from django.db import IntegrityError, transaction
from django.test import Client
import pytest

from sellers import services
from sellers.errors import InvalidPolicy, StoreNameTaken
from sellers.models import Seller
from tests.accounts.factories import UserFactory
from tests.orders.conftest import client_for
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

URL = "/seller/settings/"
API = "/api/v1/seller/profile"
FORM = {
    "store_name": "Corner Shop",
    "description": "Mugs and teapots",
    "contact_email": "shop@example.com",
    "low_stock_threshold": "3",
    "handling_days": "2",
    "return_window_days": "14",
    "return_address": "Corner Shop Returns\n5 Dock Road\nSpringfield",
}


@pytest.fixture
def seller():
    return SellerFactory(store_name="Corner Shop", slug="corner-shop")


def policies(seller) -> tuple:
    seller.refresh_from_db()
    return seller.handling_days, seller.return_window_days, seller.return_address


# --- The service --------------------------------------------------------------------------------


def test_a_new_store_ships_in_one_business_day_and_takes_returns_in_the_default_window(seller, settings):
    settings.RETURN_WINDOW_DAYS = 30

    assert policies(seller) == (1, None, "")
    assert seller.return_window == 30


def test_update_store_saves_the_policies(seller):
    services.update_store(seller=seller, handling_days=3, return_window_days=60, return_address="  5 Dock Road  ")

    assert policies(seller) == (3, 60, "5 Dock Road")
    assert seller.return_window == 60


def test_a_window_of_none_goes_back_to_the_store_default(seller, settings):
    settings.RETURN_WINDOW_DAYS = 30
    services.update_store(seller=seller, return_window_days=7)

    services.update_store(seller=seller, return_window_days=None)

    assert policies(seller)[1] is None
    assert seller.return_window == 30


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("handling_days", -1),
        ("handling_days", 31),
        ("return_window_days", -1),
        ("return_window_days", 366),
        ("low_stock_threshold", -1),
        ("handling_days", "2"),
    ],
)
def test_a_policy_out_of_range_is_refused_naming_the_field_and_nothing_changes(seller, field, value):
    with pytest.raises(InvalidPolicy) as refused:
        services.update_store(seller=seller, return_address="5 Dock Road", **{field: value})

    assert list(refused.value.extra["errors"]) == [field]
    assert refused.value.status == 400
    assert policies(seller) == (1, None, "")


def test_the_edges_of_the_ranges_are_allowed(seller):
    services.update_store(seller=seller, handling_days=0, return_window_days=0)
    assert policies(seller)[:2] == (0, 0)

    services.update_store(seller=seller, handling_days=30, return_window_days=365)
    assert policies(seller)[:2] == (30, 365)


def test_every_field_out_of_range_is_named_at_once(seller):
    with pytest.raises(InvalidPolicy) as refused:
        services.update_store(seller=seller, store_name=" ", handling_days=99, return_window_days=999)

    assert set(refused.value.extra["errors"]) == {"store_name", "handling_days", "return_window_days"}


def test_another_sellers_store_name_is_refused(seller):
    SellerFactory(store_name="Tea Room")

    with pytest.raises(StoreNameTaken):
        services.update_store(seller=seller, store_name="TEA ROOM", handling_days=5)

    assert Seller.objects.get(pk=seller.pk).store_name == "Corner Shop"
    assert policies(seller)[0] == 1


def test_the_database_refuses_policies_out_of_range_whoever_writes(seller):
    for change in ({"handling_days": 31}, {"return_window_days": 366}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Seller.objects.filter(pk=seller.pk).update(**change)


# --- The settings page ------------------------------------------------------------------------------


def test_the_settings_page_shows_the_current_settings(client, seller):
    services.update_store(seller=seller, handling_days=4, return_address="5 Dock Road")
    client.force_login(seller.user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="handling_days" value="4"' in html
    assert "5 Dock Road</textarea>" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_seller_saves_their_settings_on_the_page(client, seller):
    client.force_login(seller.user)

    response = client.post(URL, FORM, follow=True)

    seller.refresh_from_db()
    assert response.redirect_chain == [(URL, 302)]
    assert "Store settings saved." in response.content.decode()
    assert (seller.description, seller.contact_email, seller.low_stock_threshold) == (
        "Mugs and teapots",
        "shop@example.com",
        3,
    )
    assert policies(seller) == (2, 14, "Corner Shop Returns\n5 Dock Road\nSpringfield")


def test_an_empty_return_window_on_the_page_means_the_store_default(client, seller):
    services.update_store(seller=seller, return_window_days=10)
    client.force_login(seller.user)

    client.post(URL, {**FORM, "return_window_days": ""})

    assert policies(seller)[1] is None


@pytest.mark.parametrize(
    "bad",
    [{"handling_days": "31"}, {"return_window_days": "366"}, {"handling_days": "two"}, {"contact_email": "nope"}],
)
def test_bad_input_on_the_page_is_a_400_and_nothing_changes(client, seller, bad):
    client.force_login(seller.user)

    response = client.post(URL, {**FORM, **bad})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert policies(seller) == (1, None, "")


def test_a_taken_store_name_on_the_page_is_a_400_on_the_field(client, seller):
    SellerFactory(store_name="Tea Room")
    client.force_login(seller.user)

    response = client.post(URL, {**FORM, "store_name": "tea room"})

    assert response.status_code == 400
    assert "Another seller already uses this store name." in response.content.decode()
    assert policies(seller) == (1, None, "")


def test_a_buyer_gets_403_on_the_settings_page(client):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_post_without_the_csrf_token_is_refused(seller):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller.user)

    response = client.post(URL, FORM)

    assert response.status_code == 403
    assert policies(seller) == (1, None, "")


def test_the_store_page_links_to_the_settings_and_shows_the_policies(client, seller):
    services.update_store(seller=seller, handling_days=2, return_window_days=0)
    client.force_login(seller.user)

    html = client.get("/sell/").content.decode()

    assert f'href="{URL}"' in html
    assert 'href="/seller/products/"' in html
    assert "2 business days" in html
    assert "Not accepted" in html
    assert "comes next" not in html


# --- The API ------------------------------------------------------------------------------------


def test_the_api_shows_the_sellers_store_with_its_policies(seller, settings):
    settings.RETURN_WINDOW_DAYS = 30

    body = client_for(seller.user).get(API).json()

    assert (body["store_name"], body["handling_days"], body["return_window_days"], body["return_window"]) == (
        "Corner Shop",
        1,
        None,
        30,
    )
    assert body["return_address"] == ""


def test_patch_changes_only_the_fields_sent(seller):
    response = client_for(seller.user).patch(
        API, {"handling_days": 5, "return_window_days": 45, "return_address": "5 Dock Road"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["handling_days"], response.json()["return_window"]) == (5, 45)
    assert policies(seller) == (5, 45, "5 Dock Road")
    assert Seller.objects.get(pk=seller.pk).store_name == "Corner Shop"


@pytest.mark.schema_unchecked("sends values the schema forbids, to see them refused")
@pytest.mark.parametrize("bad", [{"handling_days": 31}, {"return_window_days": -1}, {"handling_days": "many"}])
def test_patch_out_of_range_is_a_400_and_nothing_changes(seller, bad):
    response = client_for(seller.user).patch(API, {"return_address": "5 Dock Road", **bad}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(bad)
    assert policies(seller) == (1, None, "")


def test_a_buyer_gets_403_from_the_profile_api():
    client = client_for(UserFactory())

    assert client.get(API).status_code == 403
    assert client.patch(API, {"handling_days": 3}, format="json").status_code == 403
