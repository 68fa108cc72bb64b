"""catalog.services for the category tree: paths, depths and products' search text stay current."""

from prometheus_client import REGISTRY
import pytest
import redis

from catalog import services
from catalog.errors import CategoryCycle, SlugTaken, UnknownCategory
from catalog.models import Category, Product
from catalog.selectors.categories import category_tree, descendant_ids
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    clothing = services.create_category(name="Clothing")
    shoes = services.create_category(name="Shoes", parent_id=clothing.pk)
    running = services.create_category(name="Running", parent_id=shoes.pk)
    books = services.create_category(name="Books")
    return {"clothing": clothing, "shoes": shoes, "running": running, "books": books}


def paths():
    return dict(Category.objects.values_list("slug", "path_names"))


def test_created_categories_get_slug_path_and_depth(tree):
    running = Category.objects.get(pk=tree["running"].pk)
    assert (running.slug, running.path_names, running.depth) == ("running", "Clothing > Shoes > Running", 2)
    assert services.create_category(name="Shoes").slug == "shoes-2"


def test_a_taken_slug_or_unknown_parent_is_refused(tree):
    with pytest.raises(SlugTaken):
        services.create_category(name="Footwear", slug="shoes")
    with pytest.raises(UnknownCategory) as raised:
        services.create_category(name="Orphan", parent_id=999999)
    assert "parent" in raised.value.extra["errors"]


def test_renaming_rewrites_the_subtree_and_its_products_search_text(tree):
    product = ProductFactory(category=tree["running"], category_text="Clothing > Shoes > Running")
    category_tree()  # cached before the change

    services.rename_category(category_id=tree["shoes"].pk, name="Footwear")

    assert paths()["running"] == "Clothing > Footwear > Running"
    assert Product.objects.get(pk=product.pk).category_text == "Clothing > Footwear > Running"
    assert category_tree()[tree["running"].pk].path_names == "Clothing > Footwear > Running"


def test_moving_a_category_carries_its_subtree(tree):
    product = ProductFactory(category=tree["running"], category_text="Clothing > Shoes > Running")
    category_tree()

    services.move_category(category_id=tree["shoes"].pk, parent_id=tree["books"].pk)

    shoes, running = Category.objects.get(pk=tree["shoes"].pk), Category.objects.get(pk=tree["running"].pk)
    assert (shoes.path_names, shoes.depth) == ("Books > Shoes", 1)
    assert (running.path_names, running.depth) == ("Books > Shoes > Running", 2)
    assert Product.objects.get(pk=product.pk).category_text == "Books > Shoes > Running"
    assert set(descendant_ids(category_id=tree["books"].pk)) == {tree["books"].pk, shoes.pk, running.pk}

    services.move_category(category_id=tree["shoes"].pk, parent_id=None)
    assert Category.objects.get(pk=tree["running"].pk).depth == 1


@pytest.mark.parametrize("target", ["shoes", "running"])
def test_a_category_cannot_move_below_itself(tree, target):
    with pytest.raises(CategoryCycle):
        services.move_category(category_id=tree["shoes"].pk, parent_id=tree[target].pk)
    assert Category.objects.get(pk=tree["shoes"].pk).parent_id == tree["clothing"].pk


def test_the_admin_sync_repairs_a_direct_change(tree):
    Category.objects.filter(pk=tree["clothing"].pk).update(name="Apparel")
    services.sync_category_subtree(category_id=tree["clothing"].pk)
    assert paths()["running"] == "Apparel > Shoes > Running"


def test_a_cache_that_cannot_forget_the_tree_does_not_fail_the_change(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []

    def cache_down() -> None:
        attempts.append("forget")
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr("catalog.services.categories.forget_category_tree", cache_down)
    failures = REGISTRY.get_sample_value("shop_side_effect_failures_total", {"reason": "catalog.category_tree"}) or 0
    with django_capture_on_commit_callbacks(execute=True):
        renamed = services.rename_category(category_id=tree["shoes"].pk, name="Footwear")
    assert renamed.name == "Footwear"
    assert paths()["running"] == "Clothing > Footwear > Running"
    assert attempts == ["forget", "forget"]  # in the transaction, and again after commit
    after = REGISTRY.get_sample_value("shop_side_effect_failures_total", {"reason": "catalog.category_tree"})
    assert after == failures + 2
