"""Personal search: equally relevant results in the order of the shopper's tastes, privately (PostgreSQL)."""

from django.core.cache import caches
import pytest

from catalog.search import SearchParams, personal, search_products
from tests.accounts.factories import UserFactory
from tests.catalog.search_factories import make_category, make_product
from tests.orders.conftest import place_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def tastes(monkeypatch):
    """Each test user's affinity, by user id, served through the provider hook."""
    by_user: dict[int, dict] = {}
    monkeypatch.setattr(personal, "_provider", lambda *, user: by_user.get(user.pk, {}))
    return by_user


@pytest.fixture
def jackets():
    """Two equally relevant jackets of two brands (Acme's first for everyone) and a weaker match of North's."""
    outdoor = make_category("Outdoor")
    acme = make_product("Acme Rain Jacket", category=outdoor, brand="Acme", rating="4.5")
    north = make_product("North Rain Jacket", category=outdoor, brand="North", rating="4.0")
    weaker = make_product("North Fleece", category=outdoor, brand="North", description="Wear it under a jacket.")
    return acme, north, weaker


@pytest.fixture
def north_fan(tastes):
    user = UserFactory()
    tastes[user.pk] = {"categories": {}, "brands": {"North": 1.0}}
    return user


@pytest.fixture
def acme_fan(tastes):
    user = UserFactory()
    tastes[user.pk] = {"categories": {}, "brands": {"acme": 1.0}}
    return user


def names(response) -> list[str]:
    return [p["name"] for p in response.json()["products"]]


def test_equally_relevant_results_put_the_shoppers_brand_first(client, jackets, north_fan):
    client.force_login(north_fan)

    assert names(client.get("/api/v1/products", {"q": "rain jacket"})) == ["North Rain Jacket", "Acme Rain Jacket"]


def test_two_shoppers_get_the_same_results_in_their_own_orders(client, jackets, north_fan, acme_fan):
    client.force_login(north_fan)
    north_order = names(client.get("/api/v1/products", {"q": "rain jacket"}))
    client.force_login(acme_fan)
    acme_order = names(client.get("/api/v1/products", {"q": "rain jacket"}))

    assert north_order == ["North Rain Jacket", "Acme Rain Jacket"]
    assert acme_order == ["Acme Rain Jacket", "North Rain Jacket"]


def test_a_personal_boost_never_lifts_a_weaker_text_match_above_a_stronger_one(client, jackets, tastes):
    acme, _, _ = jackets
    user = UserFactory()
    tastes[user.pk] = {"categories": {acme.category_id: 1.0}, "brands": {"North": 1.0}}
    client.force_login(user)

    order = names(client.get("/api/v1/products", {"q": "jacket"}))

    assert order == ["North Rain Jacket", "Acme Rain Jacket", "North Fleece"]


def test_personalize_false_gives_the_order_everyone_gets(client, jackets, north_fan):
    client.force_login(north_fan)

    response = client.get("/api/v1/products", {"q": "rain jacket", "personalize": "false"})

    assert names(response) == ["Acme Rain Jacket", "North Rain Jacket"]


def test_guests_get_the_order_everyone_gets(client, jackets, north_fan):
    assert names(client.get("/api/v1/products", {"q": "rain jacket"})) == ["Acme Rain Jacket", "North Rain Jacket"]


def test_other_sorts_are_never_reordered(client, jackets, north_fan):
    client.force_login(north_fan)

    response = client.get("/api/v1/products", {"q": "rain jacket", "sort": "-price"})

    assert names(response) == ["Acme Rain Jacket", "North Rain Jacket"]  # equal prices: by id


def test_signed_in_answers_are_private_and_never_kept_in_the_shared_cache(client, jackets, north_fan):
    client.force_login(north_fan)

    api = client.get("/api/v1/products", {"q": "rain jacket"})
    page = client.get("/search", {"q": "rain jacket"})

    assert "private" in api["Cache-Control"]
    assert "public" not in api["Cache-Control"]
    assert "private" in page["Cache-Control"]
    assert not api.has_header("X-Cache")
    assert not page.has_header("X-Cache")
    stored = caches["public"].get_many(
        [
            "public-cache:http://testserver/api/v1/products?q=rain+jacket",
            "public-cache:http://testserver/search?q=rain+jacket",
        ]
    )
    assert stored == {}


def test_a_guest_after_a_shopper_still_gets_the_common_order(client, jackets, north_fan):
    client.force_login(north_fan)
    client.get("/api/v1/products", {"q": "rain jacket"})
    client.logout()

    assert names(client.get("/api/v1/products", {"q": "rain jacket"})) == ["Acme Rain Jacket", "North Rain Jacket"]


def test_the_search_page_orders_near_ties_by_taste(client, jackets, north_fan):
    client.force_login(north_fan)

    body = client.get("/search", {"q": "rain jacket"}).content.decode()

    assert body.index("North Rain Jacket") < body.index("Acme Rain Jacket")


def test_the_search_page_with_personalize_false_keeps_the_common_order(client, jackets, north_fan):
    client.force_login(north_fan)

    body = client.get("/search", {"q": "rain jacket", "personalize": "false"}).content.decode()

    assert body.index("Acme Rain Jacket") < body.index("North Rain Jacket")


def test_category_affinity_orders_near_ties_too(jackets):
    kitchen = make_category("Kitchen")
    make_product("Kitchen Rain Jacket", category=kitchen, brand="Zed", rating="5")
    affinity = {"categories": {jackets[0].category_id: 0.5}, "brands": {}}

    result = search_products(SearchParams(q="rain jacket", affinity=affinity))

    assert [p.name for p in result.products] == ["Acme Rain Jacket", "North Rain Jacket", "Kitchen Rain Jacket"]


def test_near_ties_are_ranks_within_five_percent_of_their_groups_best():
    class Card:
        def __init__(self, name, brand):
            self.name, self.brand, self.category_id = name, brand, None

    cards = [Card("a", "x"), Card("b", "x"), Card("c", "liked"), Card("d", "liked")]
    ranks = [1.0, 0.97, 0.96, 0.5]

    reordered = personal.reorder(cards, ranks, {"brands": {"liked": 1.0}})

    assert [c.name for c in reordered] == ["c", "a", "b", "d"]


def test_near_ties_work_for_scores_where_lower_is_better_too():
    """SQLite's bm25 scores are negative, the best the lowest."""
    assert personal.near_tie(-10.0, -9.6)
    assert not personal.near_tie(-10.0, -9.0)


def test_the_registered_provider_reads_the_brands_and_categories_a_shopper_paid_for(
    jackets, django_capture_on_commit_callbacks
):
    _, north, _ = jackets
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):  # "order.paid" is delivered after commit
        place_paid(buyer, (north.variants.get(), 2))

    affinity = personal.affinity_for(buyer)

    assert affinity == {"categories": {north.category_id: 1.0}, "brands": {"north": 1.0}}


def test_a_shopper_who_bought_a_brand_sees_it_first(client, jackets, django_capture_on_commit_callbacks):
    _, north, _ = jackets
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        place_paid(buyer, (north.variants.get(), 1))
    client.force_login(buyer)

    assert names(client.get("/api/v1/products", {"q": "rain jacket"})) == ["North Rain Jacket", "Acme Rain Jacket"]


def test_the_shared_result_cache_holds_only_the_common_order(settings, jackets):
    settings.SEARCH_CACHE_MIN_COUNT = 1
    affinity = {"categories": {}, "brands": {"north": 1.0}}

    personal_first = search_products(SearchParams(q="rain jacket", affinity=affinity))
    common = search_products(SearchParams(q="rain jacket"))

    assert [p.name for p in personal_first.products] == ["North Rain Jacket", "Acme Rain Jacket"]
    assert [p.name for p in common.products] == ["Acme Rain Jacket", "North Rain Jacket"]
