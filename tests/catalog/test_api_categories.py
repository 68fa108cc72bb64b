"""GET /api/v1/categories: the tree with listed-product counts that include sub-categories."""

import pytest

from catalog import services
from catalog.selectors.categories import forget_category_tree
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/categories"


@pytest.fixture
def tree():
    clothing = CategoryFactory(name="Clothing", slug="clothing", position=0)
    shoes = CategoryFactory(name="Shoes", slug="shoes", parent=clothing)
    running = CategoryFactory(name="Running", slug="running", parent=shoes)
    books = CategoryFactory(name="Books", slug="books", position=1)
    forget_category_tree()
    return {"clothing": clothing, "shoes": shoes, "running": running, "books": books}


def test_categories_list_the_tree_parents_first_with_paths(api_client, tree):
    response = api_client.get(CATEGORIES)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    categories = response.json()["categories"]
    assert [(c["slug"], c["parent"], c["depth"], c["path"]) for c in categories] == [
        ("clothing", None, 0, "Clothing"),
        ("shoes", tree["clothing"].pk, 1, "Clothing > Shoes"),
        ("running", tree["shoes"].pk, 2, "Clothing > Shoes > Running"),
        ("books", None, 0, "Books"),
    ]
    assert set(categories[0]) == {"id", "slug", "name", "parent", "depth", "path", "product_count"}


def test_product_counts_include_sub_categories_and_only_listed_products(api_client, tree):
    ProductFactory(category=tree["clothing"])
    ProductFactory.create_batch(2, category=tree["running"])
    ProductFactory(category=tree["shoes"], status="archived")
    ProductFactory(category=tree["shoes"], status="draft")
    ProductFactory(category=None)

    counts = {c["slug"]: c["product_count"] for c in api_client.get(CATEGORIES).json()["categories"]}

    assert counts == {"clothing": 3, "shoes": 2, "running": 2, "books": 0}


def test_categories_take_fixed_queries_whatever_the_size_of_the_tree(api_client, django_assert_max_num_queries):
    parent = None
    for _ in range(30):
        parent = CategoryFactory(parent=parent)
        ProductFactory(category=parent)
    forget_category_tree()
    with django_assert_max_num_queries(3):  # +1: the next hold lapse, asked before storing a public answer
        response = api_client.get(CATEGORIES)
    assert [c["product_count"] for c in response.json()["categories"]] == list(range(30, 0, -1))
    with django_assert_max_num_queries(1):  # the tree now comes from the cache
        api_client.get(CATEGORIES)


def test_a_category_made_through_the_services_shows_at_once(api_client, tree):
    api_client.get(CATEGORIES)  # the tree is cached
    services.create_category(name="Trail", parent_id=tree["running"].pk)

    slugs = [c["slug"] for c in api_client.get(CATEGORIES).json()["categories"]]

    assert slugs == ["clothing", "shoes", "running", "trail", "books"]
