"""The landing page per shopper (recommendations.landing): its rows, what never shows, caching."""

import pytest

from catalog import services as catalog_services
from catalog.models import Product
from recommendations import landing
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def rows(sections) -> dict[str, list[str]]:
    return {section.key: [p.name for p in section.products] for section in sections}


@pytest.fixture
def outdoors():
    return CategoryFactory(name="Outdoors")


def test_a_visitor_gets_trending_and_best_rated(signals):
    hot, loved = ProductFactory(name="Hot"), ProductFactory(name="Loved", rating=5, review_count=3)
    catalog_services.set_trending_scores(scores={hot.pk: 4.0})

    assert rows(landing.landing_sections(user=None)) == {"trending": ["Hot"], "rated": ["Loved"]}
    assert loved.pk  # listed, reviewed, in stock


def test_a_shopper_who_bought_a_tent_sees_sleeping_bags_because_of_it(signals, outdoors):
    shopper = UserFactory()
    tent = ProductFactory(name="Tent", category=outdoors)
    bag = ProductFactory(name="Sleeping Bag", category=outdoors)
    signals.bought[shopper.pk] = [tent.pk]
    signals.similar[tent.pk] = [bag]

    sections = landing.landing_sections(user=shopper)

    assert sections[0].key == f"because-bought-{tent.pk}"
    assert sections[0].title == "Because you bought Tent"
    assert [p.name for p in sections[0].products] == ["Sleeping Bag"]


def test_two_shoppers_with_different_histories_get_different_pages(signals):
    first, second = UserFactory(), UserFactory()
    tent, bag = ProductFactory(name="Tent"), ProductFactory(name="Sleeping Bag")
    phone, case = ProductFactory(name="Phone"), ProductFactory(name="Phone Case")
    signals.bought |= {first.pk: [tent.pk], second.pk: [phone.pk]}
    signals.similar |= {tent.pk: [bag], phone.pk: [case]}

    assert rows(landing.landing_sections(user=first)) == {f"because-bought-{tent.pk}": ["Sleeping Bag"]}
    assert rows(landing.landing_sections(user=second)) == {f"because-bought-{phone.pk}": ["Phone Case"]}


def test_viewed_products_suggest_similar_ones_and_come_back_as_recently_viewed(signals):
    shopper = UserFactory()
    boots, socks = ProductFactory(name="Boots"), ProductFactory(name="Socks")
    signals.viewed[shopper.pk] = [boots.pk]
    signals.similar[boots.pk] = [socks]
    signals.recent[shopper.pk] = [boots]

    assert rows(landing.landing_sections(user=shopper)) == {
        f"because-viewed-{boots.pk}": ["Socks"],
        "recently-viewed": ["Boots"],
    }


def test_never_archived_out_of_stock_or_already_bought_products(signals):
    shopper = UserFactory()
    tent = ProductFactory(name="Tent")
    gone = ProductFactory(name="Gone")
    sold_out = ProductFactory(name="Sold Out", default_variant__stock=0)
    other_tent = ProductFactory(name="Other Tent")
    fine = ProductFactory(name="Lantern")
    Product.objects.filter(pk=gone.pk).update(status=Product.Status.ARCHIVED)
    signals.bought[shopper.pk] = [other_tent.pk, tent.pk]
    signals.similar[tent.pk] = [gone, sold_out, other_tent, fine]
    signals.similar[other_tent.pk] = []

    assert rows(landing.landing_sections(user=shopper)) == {f"because-bought-{tent.pk}": ["Lantern"]}


def test_a_consumable_bought_before_may_be_suggested_again(signals):
    shopper = UserFactory()
    beauty = CategoryFactory(name="Beauty", slug="beauty")
    skincare = CategoryFactory(name="Skincare", parent=beauty)
    cream, serum = ProductFactory(name="Cream", category=skincare), ProductFactory(name="Serum", category=skincare)
    signals.bought[shopper.pk] = [serum.pk, cream.pk]
    signals.similar |= {serum.pk: [cream], cream.pk: [serum]}

    assert rows(landing.landing_sections(user=shopper)) == {
        f"because-bought-{serum.pk}": ["Cream"],
        f"because-bought-{cream.pk}": ["Serum"],
    }


def test_no_product_shows_twice_on_the_page(signals):
    shopper = UserFactory()
    tent, stove = ProductFactory(name="Tent"), ProductFactory(name="Stove")
    bag, mat = ProductFactory(name="Bag"), ProductFactory(name="Mat")
    signals.bought[shopper.pk] = [tent.pk, stove.pk]
    signals.similar |= {tent.pk: [bag, mat], stove.pk: [bag, mat]}
    catalog_services.set_trending_scores(scores={bag.pk: 3.0, mat.pk: 2.0})

    shown = [p.pk for section in landing.landing_sections(user=shopper) for p in section.products]

    assert sorted(shown) == sorted([bag.pk, mat.pk])


def test_a_full_row_keeps_room_for_other_categories(signals):
    shopper = UserFactory()
    tents, lights = CategoryFactory(name="Tents"), CategoryFactory(name="Lights")
    anchor = ProductFactory(name="Tent")
    same = [ProductFactory(name=f"Tent {n}", category=tents) for n in range(landing.ROW_SIZE + 2)]
    lamp = ProductFactory(name="Lamp", category=lights)
    signals.bought[shopper.pk] = [anchor.pk]
    signals.similar[anchor.pk] = [*same, lamp]  # the lamp ranks last

    names = [p.name for p in landing.landing_sections(user=shopper)[0].products]

    assert len(names) == landing.ROW_SIZE
    assert names[-1] == "Lamp"  # in the row, in its rank's place, though tents alone could fill it
    assert names[:-1] == [f"Tent {n}" for n in range(landing.ROW_SIZE - 1)]


def test_trending_in_the_shoppers_categories(signals):
    shopper = UserFactory()
    books, kitchen = CategoryFactory(name="Books"), CategoryFactory(name="Kitchen")
    novel = ProductFactory(name="Novel", category=books)
    pan = ProductFactory(name="Pan", category=kitchen)
    signals.bought[shopper.pk] = []
    signals.viewed[shopper.pk] = [ProductFactory(name="Seen", category=books).pk]
    signals.categories[shopper.pk] = {books.pk: 1.0}
    catalog_services.set_trending_scores(scores={novel.pk: 1.0, pan.pk: 5.0})

    by_key = rows(landing.landing_sections(user=shopper))

    assert by_key["your-categories"] == ["Novel"]
    assert by_key["trending"] == ["Pan"]


def test_a_shoppers_page_is_cached_until_their_history_changes(signals, django_assert_max_num_queries):
    shopper = UserFactory()
    tent, bag, stove = ProductFactory(name="Tent"), ProductFactory(name="Bag"), ProductFactory(name="Stove")
    signals.bought[shopper.pk] = [tent.pk]
    signals.similar |= {tent.pk: [bag], bag.pk: [stove]}
    landing.landing_sections(user=shopper)

    with django_assert_max_num_queries(3):  # the cards only: the plan comes from the cache
        assert rows(landing.landing_sections(user=shopper)) == {f"because-bought-{tent.pk}": ["Bag"]}

    signals.bought[shopper.pk] = [bag.pk, tent.pk]  # just bought the bag
    assert rows(landing.landing_sections(user=shopper)) == {f"because-bought-{bag.pk}": ["Stove"]}
