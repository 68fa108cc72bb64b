"""GET /api/v1/seller/alerts and the /seller/alerts/ page: a seller's own low-stock alerts only."""

import pytest

from inventory import services
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.sellers.factories import SellerFactory
from tests.shop.test_api_conventions import assert_problem

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/seller/alerts"
PAGE = "/seller/alerts/"


def low_variant(seller, *, name="Trail Shoe", sku=None, options=None):
    """A variant of the seller's that has just fallen to zero: one open alert."""
    product = ProductFactory(seller=seller, name=name, default_variant=False)
    extra = {"sku": sku} if sku else {}
    variant = VariantFactory(product=product, options=options or {}, stock=10, **extra)
    services.set_on_hand(variant_id=variant.pk, quantity=0)
    return variant


@pytest.fixture
def seller():
    return SellerFactory(low_stock_threshold=4)


def test_anonymous_callers_are_asked_to_sign_in(api_client):
    assert_problem(api_client.get(ALERTS), 401, "not_authenticated")


def test_a_buyer_is_refused_with_permission_denied(api_client):
    api_client.force_authenticate(UserFactory())
    body = assert_problem(api_client.get(ALERTS), 403, "permission_denied")
    assert "sellers" in body["detail"]


def test_a_seller_sees_each_alert_with_the_contract_fields(api_client, seller):
    variant = low_variant(seller, name="Trail Shoe", sku="SHOE-42", options={"size": "42", "color": "red"})
    api_client.force_authenticate(seller.user)
    response = api_client.get(ALERTS)
    assert response.status_code == 200
    body = response.json()
    assert (body["offset"], body["limit"], body["count"], body["next_offset"]) == (0, 20, 1, None)
    [alert] = body["alerts"]
    assert set(alert) == {"id", "product", "sku", "options", "available", "threshold", "created_at", "cleared_at"}
    assert alert["product"] == {"id": variant.product_id, "name": "Trail Shoe"}
    assert (alert["sku"], alert["options"]) == ("SHOE-42", {"color": "red", "size": "42"})
    assert (alert["available"], alert["threshold"], alert["cleared_at"]) == (0, 4, None)
    assert alert["created_at"]


def test_a_seller_never_sees_another_sellers_alerts(api_client, seller):
    mine = low_variant(seller)
    low_variant(SellerFactory())
    api_client.force_authenticate(seller.user)
    assert [a["sku"] for a in api_client.get(ALERTS).json()["alerts"]] == [mine.sku]


def test_cleared_alerts_are_listed_and_open_true_leaves_them_out(api_client, seller):
    cleared, still_low = low_variant(seller), low_variant(seller)
    services.set_on_hand(variant_id=cleared.pk, quantity=50)
    api_client.force_authenticate(seller.user)
    everything = api_client.get(ALERTS).json()["alerts"]
    assert [a["sku"] for a in everything] == [still_low.sku, cleared.sku]  # newest first
    assert everything[1]["cleared_at"] is not None
    assert [a["sku"] for a in api_client.get(ALERTS, {"open": "true"}).json()["alerts"]] == [still_low.sku]


def test_alerts_come_page_by_page(api_client, seller):
    for _ in range(3):
        low_variant(seller)
    api_client.force_authenticate(seller.user)
    body = api_client.get(ALERTS, {"limit": 2}).json()
    assert (len(body["alerts"]), body["count"], body["next_offset"]) == (2, 3, 2)
    assert_problem(api_client.get(ALERTS, {"limit": 0}), 400, "validation_error")


def test_the_list_takes_the_same_queries_for_two_alerts_and_for_twenty(
    api_client, seller, django_assert_max_num_queries
):
    api_client.force_authenticate(seller.user)
    counts = []
    for added in (2, 18):
        for _ in range(added):
            low_variant(seller)
        with django_assert_max_num_queries(4) as queries:
            response = api_client.get(ALERTS, {"limit": 100})
        counts.append(len(queries))
    assert len(response.json()["alerts"]) == 20
    assert counts[0] == counts[1]


# --- The storefront page ---------------------------------------------------------------------------


def test_the_page_asks_visitors_to_sign_in_first(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PAGE}"


def test_the_page_is_forbidden_to_a_buyer(client):
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 403


def test_the_page_lists_the_sellers_own_alerts(client, seller):
    low_variant(seller, name="Trail Shoe", sku="SHOE-42")
    low_variant(SellerFactory(), name="Someone Else's Kettle")
    client.force_login(seller.user)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Low-stock alerts" in html
    assert "Trail Shoe" in html
    assert "SHOE-42" in html
    assert "Kettle" not in html


def test_the_page_says_so_when_there_are_no_alerts(client, seller):
    client.force_login(seller.user)
    assert "No low-stock alerts" in client.get(PAGE).content.decode()
