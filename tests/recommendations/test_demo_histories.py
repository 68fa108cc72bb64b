"""seed_demo teaches the recommendations the shoppers' structured purchase histories, once."""

from io import StringIO

from django.core.management import call_command
import pytest

from recommendations import selectors
from recommendations.demo import learn_demo_history
from recommendations.models import CoPurchase, LearnedOrder
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet", "--products", "60", *args, stdout=out)
    return out.getvalue()


def test_seeding_teaches_the_demo_baskets_to_the_co_purchases_once():
    output = seed()
    baskets = LearnedOrder.objects.filter(order_id__startswith="demo-").count()
    pairs = CoPurchase.objects.count()

    assert f"{baskets} demo shopping baskets learnt" in output
    assert baskets > 100
    assert pairs > 0
    seed()
    assert (LearnedOrder.objects.filter(order_id__startswith="demo-").count(), CoPurchase.objects.count()) == (
        baskets,
        pairs,
    )


def test_the_histories_can_be_left_out():
    seed("--no-purchase-histories")

    assert not LearnedOrder.objects.exists()


def test_the_demo_shoppers_get_tastes_from_their_histories():
    categories = [CategoryFactory(name=f"Category {n}") for n in range(4)]
    for n in range(24):
        ProductFactory(category=categories[n % 4], brand=f"Brand {n % 3}")
    shoppers = [UserFactory() for _ in range(5)]

    baskets = learn_demo_history(shoppers=[s.pk for s in shoppers])

    assert baskets >= 5 * 4
    assert all(selectors.affinity(user=shopper)["categories"] for shopper in shoppers)
