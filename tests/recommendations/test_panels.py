"""The product page's and the cart page's recommendation panels (htmx fragments), and the personal home page."""

import pytest

from catalog import services as catalog_services
from catalog.models import Product
from recommendations import services
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def panels_url(product) -> str:
    return f"/recommendations/products/{product.pk}/panels"


@pytest.fixture
def views_recorded(monkeypatch) -> list[dict]:
    recorded: list[dict] = []
    monkeypatch.setattr(services, "record_view", lambda **kwargs: recorded.append(kwargs))
    return recorded


def test_the_product_page_loads_its_panels_after_the_page(client):
    product = ProductFactory(name="Tent")

    html = client.get(f"/p/{product.pk}-tent/").content.decode()

    assert f'hx-get="{panels_url(product)}"' in html


def test_the_panels_show_also_bought_and_recently_viewed(client, signals, views_recorded):
    shopper = UserFactory()
    tent, bag, boots = ProductFactory(name="Tent"), ProductFactory(name="Sleeping Bag"), ProductFactory(name="Boots")
    signals.similar[tent.pk] = [bag]
    signals.recent[shopper.pk] = [tent, boots]
    client.force_login(shopper)

    response = client.get(panels_url(tent))

    html = response.content.decode()
    also = html.split('id="also-bought-heading"')[1].split("</section>")[0]
    recent = html.split('id="recently-viewed-heading"')[1].split("</section>")[0]
    assert "Customers who bought this also bought" in html
    assert "Sleeping Bag" in also
    assert "Boots" in recent
    assert "Tent" not in recent  # not the product being looked at
    assert "private" in response["Cache-Control"]


def test_fetching_the_panels_records_the_view(client, signals, views_recorded):
    shopper = UserFactory()
    tent = ProductFactory(name="Tent")
    client.force_login(shopper)

    client.get(panels_url(tent))

    assert views_recorded == [{"product_id": tent.pk, "user": shopper, "session_key": None}]


def test_a_guest_with_a_session_is_recorded_by_session_and_one_without_is_not(client, signals, views_recorded):
    tent = ProductFactory(name="Tent")
    client.get(panels_url(tent))  # no session yet: none is created for a view
    session = client.session
    session["seen"] = True
    session.save()

    client.get(panels_url(tent))

    assert views_recorded == [{"product_id": tent.pk, "user": None, "session_key": session.session_key}]
    assert "sessionid" not in client.get(panels_url(tent)).cookies


def test_a_draft_has_no_panels(client, signals, views_recorded):
    draft = ProductFactory(name="Secret", status=Product.Status.DRAFT)

    assert client.get(panels_url(draft)).status_code == 404
    assert views_recorded == []


def test_the_panels_query_count_is_fixed(client, signals, views_recorded, django_assert_max_num_queries):
    tent = ProductFactory(name="Tent")
    signals.similar[tent.pk] = [ProductFactory(name=f"Bag {n}") for n in range(6)]

    with django_assert_max_num_queries(6):
        response = client.get(panels_url(tent))

    html = response.content.decode()
    assert all(f"Bag {n}" in html for n in range(6))


def test_the_cart_page_loads_complements_of_its_items(client, signals):
    html = client.get("/cart/").content.decode()

    assert 'hx-get="/recommendations/cart/complements"' in html


def test_complements_go_with_the_cart_and_leave_out_what_is_in_it(client, signals):
    shopper = UserFactory()
    tent, bag, stove = ProductFactory(name="Tent"), ProductFactory(name="Sleeping Bag"), ProductFactory(name="Stove")
    signals.similar |= {tent.pk: [bag, stove], bag.pk: [tent]}
    client.force_login(shopper)
    for product in (tent, bag):
        client.post(f"/cart/add/{product.pk}/", {"sku": product.variants.get().sku, "quantity": 1})

    html = client.get("/recommendations/cart/complements").content.decode()

    assert "Goes well with your cart" in html
    assert "Stove" in html
    assert "Sleeping Bag" not in html


def test_an_empty_cart_has_no_complements(client, signals):
    response = client.get("/recommendations/cart/complements")

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_the_signed_in_home_page_is_personal_and_private(client, signals):
    shopper = UserFactory()
    tent, bag = ProductFactory(name="Tent"), ProductFactory(name="Sleeping Bag")
    signals.bought[shopper.pk] = [tent.pk]
    signals.similar[tent.pk] = [bag]
    client.force_login(shopper)

    response = client.get("/")

    assert "Because you bought Tent" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_the_visitors_home_page_stays_public(client, signals):
    hot = ProductFactory(name="Hot")
    catalog_services.set_trending_scores(scores={hot.pk: 1.0})

    response = client.get("/")

    assert "Trending now" in response.content.decode()
    assert "private" not in response.get("Cache-Control", "")


def test_the_signed_in_home_page_costs_a_fixed_number_of_queries(client, signals, django_assert_max_num_queries):
    shopper = UserFactory()
    bought = [ProductFactory(name=f"Bought {n}") for n in range(3)]
    signals.bought[shopper.pk] = [p.pk for p in bought]
    signals.similar |= {p.pk: [ProductFactory(name=f"Like {p.pk}-{n}") for n in range(5)] for p in bought}
    client.force_login(shopper)

    with django_assert_max_num_queries(14):  # the plan computed (each ranked row: its ids, then their stock)
        client.get("/")
    with django_assert_max_num_queries(10):  # the plan from the cache: the cards, beside the page's own, and
        # what the shopper bought with its categories (new arrivals leave it out)
        response = client.get("/")

    assert response.content.decode().count("Because you bought") == 2


def new_arrivals_row(html: str) -> str:
    return html.split('id="new-heading"')[1].split("</section>")[0]


def test_new_arrivals_leave_out_what_the_shopper_bought(client):
    shopper = UserFactory()
    tent, _stove = ProductFactory(name="Ridge Tent"), ProductFactory(name="Camp Stove")
    services.learn_from_order(order_id="order-1", product_ids=[tent.pk], buyer_id=shopper.pk)

    for_visitors = new_arrivals_row(client.get("/").content.decode())
    client.force_login(shopper)
    for_the_buyer = new_arrivals_row(client.get("/").content.decode())

    assert "Ridge Tent" in for_visitors
    assert "Camp Stove" in for_visitors
    assert "Ridge Tent" not in for_the_buyer
    assert "Camp Stove" in for_the_buyer


def test_new_arrivals_repeat_no_product_of_the_other_rows(client):
    hot, _fresh = ProductFactory(name="Hot Cocoa"), ProductFactory(name="Fresh Socks")
    catalog_services.set_trending_scores(scores={hot.pk: 1.0})

    html = client.get("/").content.decode()

    assert "Hot Cocoa" not in new_arrivals_row(html)
    assert "Fresh Socks" in new_arrivals_row(html)
    assert html.count("Hot Cocoa</a>") == 1
