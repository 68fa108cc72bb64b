"""The seller's stock pages: levels with low-stock marks, set or adjust with a reason, and the ledger."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
import pytest

from inventory import services as inventory_services
from inventory.models import StockLevel, StockMovement
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.inventory.checks import assert_ledger_balances
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return SellerFactory(low_stock_threshold=2)


@pytest.fixture
def variant(seller):
    product = ProductFactory(seller=seller, name="Linen Shirt", default_variant=False)
    return VariantFactory(product=product, sku="SHIRT-M-BLUE", options={"size": "M", "color": "blue"}, stock=10)


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller.user)
    return client


def url(variant) -> str:
    return f"/seller/stock/{variant.pk}/"


def on_hand(variant) -> int:
    return StockLevel.objects.get(variant=variant).on_hand


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_each_variant_with_on_hand_held_and_available(seller_client, variant):
    inventory_services.hold_stock(reference="ord_1", quantities={variant.pk: 3})

    html = seller_client.get("/seller/stock/").content.decode()

    row = html.split(f'data-variant-id="{variant.pk}"')[1].split("</tr>")[0]
    assert "Linen Shirt" in row
    assert "SHIRT-M-BLUE" in row
    assert "size: M" in row
    assert [cell.split("<")[0].strip() for cell in row.split("<td>")[2:5]] == ["10", "3", "7"]
    assert 'data-testid="low-stock"' not in row


def test_a_variant_at_its_threshold_is_marked_low_and_kept_by_the_low_only_filter(seller_client, seller, variant):
    other = VariantFactory(product=variant.product, sku="SHIRT-L-BLUE", options={"size": "L"}, stock=2)

    html = seller_client.get("/seller/stock/?low=1").content.decode()

    assert f'data-variant-id="{other.pk}" class="is-low"' in html
    assert f'data-variant-id="{variant.pk}"' not in html


def test_the_variants_own_threshold_wins_over_the_stores(seller_client, variant):
    variant.low_stock_threshold = 10
    variant.save(update_fields=["low_stock_threshold"])

    html = seller_client.get("/seller/stock/?low=1").content.decode()

    assert f'data-variant-id="{variant.pk}" class="is-low"' in html


def test_search_matches_product_name_or_sku(seller_client, seller, variant):
    mug = VariantFactory(product=ProductFactory(seller=seller, name="Stoneware Mug", default_variant=False), stock=4)

    by_name = seller_client.get("/seller/stock/?q=stoneware").content.decode()
    by_sku = seller_client.get("/seller/stock/?q=shirt-m").content.decode()

    assert f'data-variant-id="{mug.pk}"' in by_name
    assert f'data-variant-id="{variant.pk}"' not in by_name
    assert f'data-variant-id="{variant.pk}"' in by_sku
    assert f'data-variant-id="{mug.pk}"' not in by_sku


def test_the_list_shows_only_the_sellers_own_variants(seller_client, variant):
    foreign = VariantFactory(stock=4)

    html = seller_client.get("/seller/stock/").content.decode()

    assert f'data-variant-id="{variant.pk}"' in html
    assert f'data-variant-id="{foreign.pk}"' not in html


def test_the_list_is_paginated_by_50(seller_client, seller):
    product = ProductFactory(seller=seller, default_variant=False)
    for index in range(51):
        VariantFactory(product=product, options={"size": str(index)}, stock=5)

    first = seller_client.get("/seller/stock/").content.decode()
    second = seller_client.get("/seller/stock/?page=2").content.decode()

    assert first.count("data-variant-id=") == 50
    assert second.count("data-variant-id=") == 1


@pytest.mark.parametrize("count", [5, 40])
def test_the_list_costs_the_same_queries_for_5_or_40_variants(
    seller_client, seller, count, django_assert_max_num_queries
):
    for index in range(count):
        product = ProductFactory(seller=seller, default_variant=False)
        VariantFactory(product=product, options={"size": str(index)}, stock=index % 4)
    seller_client.get("/seller/stock/")  # warm the session and the manifest

    # user, seller, count, page; the layout's seller menu and cart badge
    with django_assert_max_num_queries(6):
        response = seller_client.get("/seller/stock/")

    assert response.content.decode().count("data-variant-id=") == count


# --- Changing stock -------------------------------------------------------------------------------


def test_setting_on_hand_writes_the_reason_and_the_seller_into_the_ledger(seller_client, seller, variant):
    response = seller_client.post(url(variant), {"change": "set", "quantity": "25", "reason": "Stock count"})

    assert response.status_code == 302
    assert on_hand(variant) == 25
    movement = StockMovement.objects.filter(variant=variant).first()
    assert (movement.reason, movement.on_hand_delta, movement.on_hand_after, movement.note, movement.actor_id) == (
        "adjustment",
        15,
        25,
        "Stock count",
        seller.user_id,
    )
    assert_ledger_balances(variant)


def test_adjusting_adds_or_takes_away_units(seller_client, variant):
    seller_client.post(url(variant), {"change": "adjust", "quantity": "+5", "reason": "Delivery"})
    seller_client.post(url(variant), {"change": "adjust", "quantity": "-3", "reason": "Damaged"})

    assert on_hand(variant) == 12
    assert list(StockMovement.objects.filter(variant=variant).values_list("on_hand_delta", "note")[:2]) == [
        (-3, "Damaged"),
        (5, "Delivery"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"change": "set", "quantity": "-1", "reason": "Oops"}, "cannot be less than 0"),
        ({"change": "adjust", "quantity": "-11", "reason": "Oops"}, "would leave less than 0"),
        ({"change": "set", "quantity": "2", "reason": "Oops"}, "held for pending orders"),
        ({"change": "adjust", "quantity": "-9", "reason": "Oops"}, "held for pending orders"),
        ({"change": "set", "quantity": "1.5", "reason": "Oops"}, "Enter a whole number of units."),
        ({"change": "set", "quantity": "ten", "reason": "Oops"}, "Enter a whole number of units."),
        ({"change": "set", "quantity": "12", "reason": "  "}, "Say why the stock changes"),
        ({"change": "adjust", "quantity": "0", "reason": "Nothing"}, "not 0"),
    ],
)
def test_bad_input_shows_a_clear_error_and_changes_nothing(seller_client, variant, data, message):
    inventory_services.hold_stock(reference="ord_1", quantities={variant.pk: 3})
    movements = StockMovement.objects.filter(variant=variant).count()

    response = seller_client.post(url(variant), data)

    assert response.status_code in (400, 409)
    assert message in response.content.decode()
    assert on_hand(variant) == 10
    assert StockMovement.objects.filter(variant=variant).count() == movements


def test_a_change_opens_the_low_stock_alert(seller_client, seller, variant):
    seller_client.post(url(variant), {"change": "adjust", "quantity": "-8", "reason": "Sold at a fair"})

    assert seller.low_stock_alerts.filter(variant=variant, cleared_at__isnull=True).exists()
    assert 'data-testid="low-stock"' in seller_client.get(url(variant)).content.decode()


def test_a_stock_change_shows_at_once_in_a_cached_anonymous_product_answer(client, seller, variant):
    anonymous = Client()
    before = anonymous.get(f"/api/v1/products/{variant.product_id}")
    assert before.json()["variants"][0]["available"] == 10
    assert anonymous.get(f"/api/v1/products/{variant.product_id}")["X-Cache"] == "hit"
    client.force_login(seller.user)

    client.post(url(variant), {"change": "adjust", "quantity": "-4", "reason": "Damaged"})

    after = anonymous.get(f"/api/v1/products/{variant.product_id}")
    assert after["X-Cache"] == "miss"
    assert after.json()["variants"][0]["available"] == 6


# --- The ledger -----------------------------------------------------------------------------------


def test_the_ledger_shows_holds_sales_and_releases_with_who_and_why(seller_client, variant):
    buyer = UserFactory()
    inventory_services.hold_stock(reference="ord_sold", quantities={variant.pk: 2}, actor=buyer)
    inventory_services.sell_held(reference="ord_sold", actor=buyer)
    inventory_services.hold_stock(reference="ord_gone", quantities={variant.pk: 1}, actor=buyer)
    inventory_services.release_holds(reference="ord_gone")
    seller_client.post(url(variant), {"change": "set", "quantity": "20", "reason": "Recount"})

    html = seller_client.get(url(variant)).content.decode()
    ledger = html.split('data-testid="ledger"')[1]

    for text in ("Held at checkout", "Sold", "Hold released", "Initial stock", "ord_sold", "ord_gone", "Recount"):
        assert text in ledger
    assert ledger.index("Recount") < ledger.index("Hold released") < ledger.index("Sold")
    assert "Customer" in ledger
    assert "You" in ledger
    assert "System" in ledger
    assert buyer.email not in html


def test_the_ledger_filters_by_kind_and_dates(seller_client, variant):
    inventory_services.hold_stock(reference="ord_1", quantities={variant.pk: 2})
    old = StockMovement.objects.filter(variant=variant, reason="initial").get()
    StockMovement.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()

    holds = seller_client.get(url(variant), {"kind": "hold"}).content.decode().split('data-testid="ledger"')[1]
    recent = seller_client.get(url(variant), {"since": today.isoformat()}).content.decode()
    early = seller_client.get(url(variant), {"until": (today - timedelta(days=5)).isoformat()}).content.decode()

    assert "Held at checkout" in holds
    assert "Initial stock" not in holds.split("</table>")[0]
    assert f'data-movement-id="{old.pk}"' not in recent
    assert "Held at checkout" in recent
    assert f'data-movement-id="{old.pk}"' in early
    assert early.count("data-movement-id=") == 1


def test_the_ledger_is_paginated(seller_client, variant):
    for units in range(11, 62):
        inventory_services.set_on_hand(variant_id=variant.pk, quantity=units)

    first = seller_client.get(url(variant)).content.decode()
    second = seller_client.get(url(variant), {"page": 2}).content.decode()

    assert first.count("data-movement-id=") == 50
    assert second.count("data-movement-id=") == 2


def test_a_backwards_date_range_is_an_error_not_a_crash(seller_client, variant):
    response = seller_client.get(url(variant), {"since": "2026-05-02", "until": "2026-05-01"})

    assert response.status_code == 200
    assert "must not be before the start date" in response.content.decode()


# --- Who may -------------------------------------------------------------------------------------


def test_another_seller_gets_404_for_the_page_and_the_post(client, variant):
    client.force_login(SellerFactory().user)

    assert client.get(url(variant)).status_code == 404
    response = client.post(url(variant), {"change": "set", "quantity": "0", "reason": "Mine now"})

    assert response.status_code == 404
    assert on_hand(variant) == 10


def test_a_buyer_gets_403(client, variant):
    client.force_login(UserFactory())

    assert client.get("/seller/stock/").status_code == 403
    assert client.get(url(variant)).status_code == 403
    assert client.post(url(variant), {"change": "set", "quantity": "0", "reason": "x"}).status_code == 403
    assert on_hand(variant) == 10


def test_anonymous_visitors_are_sent_to_sign_in(client, variant):
    for path in ("/seller/stock/", url(variant)):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
    assert client.post(url(variant), {"change": "set", "quantity": "0", "reason": "x"}).status_code == 302
    assert on_hand(variant) == 10


def test_a_post_without_the_csrf_token_is_refused(seller, variant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller.user)

    response = client.post(url(variant), {"change": "set", "quantity": "0", "reason": "Forged"})

    assert response.status_code == 403
    assert on_hand(variant) == 10


def test_the_seller_menu_links_to_the_stock_page(seller_client):
    assert 'href="/seller/stock/"' in seller_client.get("/seller/alerts/").content.decode()
