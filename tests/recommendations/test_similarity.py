"""Item-to-item similarity: cosine over the customers who bought both products (so bestsellers do not swamp every
list), "viewed together" as a weaker signal, a content fallback, and incremental learning equal to a rebuild."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
import pytest

from catalog.models import Product
from recommendations import selectors, services
from recommendations.models import CustomerItem, SimilarItem
from recommendations.services import learn_from_order, record_view
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def buy(user, *products, order_id: str | None = None) -> None:
    order_id = order_id or f"ord_{user.pk}_{'_'.join(str(p.pk) for p in products)}"
    learn_from_order(order_id=order_id, product_ids=[p.pk for p in products], buyer_id=user.pk)


def similarity_rows() -> dict:
    return {
        (row.product_id, row.other_id, row.source): (row.together, round(row.score, 9))
        for row in SimilarItem.objects.all()
    }


def test_a_bestseller_bought_with_everything_does_not_top_the_list(a, b):
    bestseller = ProductFactory(name="Bestseller")
    shoppers = UserFactory.create_batch(8)
    for shopper in shoppers[:3]:
        buy(shopper, a, bestseller)
    for shopper in shoppers[:2]:
        buy(shopper, b, order_id=f"ord_b_{shopper.pk}")
    for shopper in shoppers[3:]:
        buy(shopper, bestseller)

    # Raw counts: the bestseller shares 3 customers with A, B only 2; the cosine weighs them by popularity.
    assert selectors.also_bought_ids(product_id=a.pk)[0] == bestseller.pk
    assert selectors.similar_product_ids(product_id=a.pk, limit=2) == [b.pk, bestseller.pk]


def test_products_bought_by_one_customer_in_separate_orders_are_similar(a, b):
    shopper = UserFactory()
    buy(shopper, a, order_id="ord_1")
    buy(shopper, b, order_id="ord_2")

    assert SimilarItem.objects.get(product=a, other=b, source="bought").together == 1
    assert selectors.similar_product_ids(product_id=a.pk, limit=1) == [b.pk]


def test_a_customer_buying_the_same_products_again_counts_once(a, b):
    shopper = UserFactory()
    buy(shopper, a, b, order_id="ord_1")
    buy(shopper, a, b, order_id="ord_2")

    assert SimilarItem.objects.get(product=a, other=b, source="bought").together == 1
    assert CustomerItem.objects.filter(user=shopper).count() == 2


def test_viewed_together_is_weaker_than_bought_together(a, b, c):
    buyer, browser = UserFactory(), UserFactory()
    record_view(product_id=a.pk, user=browser)
    record_view(product_id=c.pk, user=browser)
    buy(buyer, a, b)

    # Both pairs have a cosine of 1; the purchase counts for more.
    assert selectors.similar_product_ids(product_id=a.pk, limit=2) == [b.pk, c.pk]


def test_a_strong_view_signal_adds_to_a_purchase_signal(a, b, c):
    buy(UserFactory(), a, b)
    buy(UserFactory(), a, c)
    browser = UserFactory()
    record_view(product_id=a.pk, user=browser)
    record_view(product_id=c.pk, user=browser)

    assert selectors.similar_product_ids(product_id=a.pk, limit=2) == [c.pk, b.pk]


def test_incremental_learning_gives_the_same_pairs_as_a_rebuild(monkeypatch):
    monkeypatch.setitem(services.HISTORY_LIMITS, services.VIEWED, 3)  # views dropped from the bounded history
    products = ProductFactory.create_batch(6)
    shoppers = UserFactory.create_batch(4)
    for index, shopper in enumerate(shoppers):
        mine = [products[(index + step) % 6] for step in range(3)]
        buy(shopper, *mine[:2], order_id=f"ord_{index}_1")
        buy(shopper, mine[0], mine[2], order_id=f"ord_{index}_2")
        for product in products[index:]:
            record_view(product_id=product.pk, user=shopper)
    services.clear_history(user=shoppers[1])
    incremental = similarity_rows()

    services.rebuild_similarity()

    assert {source for _, _, source in incremental} == {"bought", "viewed"}
    assert similarity_rows() == incremental


def test_the_rebuild_command_recomputes_lost_pairs(a, b):
    buy(UserFactory(), a, b)
    SimilarItem.objects.all().delete()
    out = StringIO()

    call_command("rebuild_similarity", stdout=out)

    assert out.getvalue().strip() == "2 bought pairs, 0 viewed pairs."
    assert selectors.similar_product_ids(product_id=a.pk, limit=1) == [b.pk]


def test_a_product_without_history_falls_back_to_its_category_at_a_similar_price():
    boots, hats = CategoryFactory(name="Boots"), CategoryFactory(name="Hats")
    product = ProductFactory(category=boots, brand="Alpina", price=Decimal("100"))
    same_brand = ProductFactory(category=boots, brand="alpina", price=Decimal("150"))
    closest = ProductFactory(category=boots, brand="Other", price=Decimal("105"))
    further = ProductFactory(category=boots, brand="Other", price=Decimal("70"))
    ProductFactory(category=boots, brand="Alpina", price=Decimal("400"))  # not a similar price
    ProductFactory(category=hats, brand="Alpina", price=Decimal("100"))  # another category
    ProductFactory(category=boots, brand="Alpina", price=Decimal("100"), status=Product.Status.ARCHIVED)

    assert selectors.similar_product_ids(product_id=product.pk) == [same_brand.pk, closest.pk, further.pk]


def test_the_fallback_fills_up_after_the_learnt_items_without_repeating_them():
    boots = CategoryFactory(name="Boots")
    product, bought, other = ProductFactory.create_batch(3, category=boots)
    buy(UserFactory(), product, bought)

    assert selectors.similar_product_ids(product_id=product.pk) == [bought.pk, other.pk]


def test_an_archived_product_is_not_recommended(a, b, c):
    buy(UserFactory(), a, b, c)
    Product.objects.filter(pk=b.pk).update(status=Product.Status.ARCHIVED)

    assert [p.pk for p in selectors.similar_products(product_id=a.pk)] == [c.pk]


@pytest.mark.parametrize("others", [1, 6])
def test_similar_products_cost_a_fixed_number_of_queries(others, django_assert_max_num_queries):
    category = CategoryFactory()
    product = ProductFactory(category=category)
    bought = ProductFactory.create_batch(others, category=category)
    buy(UserFactory(), product, *bought)
    ProductFactory.create_batch(3, category=category)

    # similar ids, the product for the fallback, fallback ids, listed and in stock, the cards' rows, first images
    with django_assert_max_num_queries(6):
        cards = selectors.similar_products(product_id=product.pk, limit=6)

    assert len(cards) == min(6, others + 3)
    assert all(hasattr(card, "card_image") for card in cards)
