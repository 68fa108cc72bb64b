"""Trending: recent sales (and views), older days decayed, stored on the products for sort=trending and home."""

from datetime import timedelta

from django.utils import timezone
import pytest

from catalog import services as catalog_services
from catalog.models import Product, SalesEntry
from recommendations import trending
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def sold(product, units: int, *, days_ago: int = 0, event: str = "") -> None:
    """Units sold through the catalog's service, then dated back (the entry's date is when it was recorded)."""
    event_id = event or f"evt-{product.pk}-{units}-{days_ago}"
    catalog_services.record_sales(event_id=event_id, units={product.pk: units})
    SalesEntry.objects.filter(event_id=event_id).update(created_at=timezone.now() - timedelta(days=days_ago))


def test_a_sale_today_weighs_more_than_the_same_sale_a_week_ago():
    today, last_week = ProductFactory(), ProductFactory()
    sold(today, 3)
    sold(last_week, 3, days_ago=7)

    scores = trending.trending_scores()

    assert scores[today.pk] == pytest.approx(3)
    assert 0 < scores[last_week.pk] < scores[today.pk] / 4  # two half-lives and more


def test_sales_older_than_the_window_and_products_no_longer_listed_do_not_trend():
    old, archived, fresh = ProductFactory(), ProductFactory(), ProductFactory()
    sold(old, 50, days_ago=trending.WINDOW_DAYS + 1)
    sold(archived, 5)
    sold(fresh, 1)
    Product.objects.filter(pk=archived.pk).update(status=Product.Status.ARCHIVED)

    assert set(trending.trending_scores()) == {fresh.pk}


def test_returns_taken_off_lower_the_score():
    product = ProductFactory()
    sold(product, 4, event="paid")
    sold(product, -3, event="returned")

    assert trending.trending_scores()[product.pk] == pytest.approx(1)


def test_refresh_stores_the_scores_and_clears_the_products_that_stopped_trending():
    was, now = ProductFactory(), ProductFactory()
    catalog_services.set_trending_scores(scores={was.pk: 9.0})
    sold(now, 2)
    version = trending.trending_version()

    assert trending.refresh_trending() == 1

    assert dict(Product.objects.filter(pk__in=[was.pk, now.pk]).values_list("pk", "trending_score")) == {
        was.pk: 0,
        now.pk: pytest.approx(2),
    }
    assert trending.trending_version() != version  # landing pages built on the old scores are not served


def test_sort_trending_lists_the_hottest_products_first(api_client):
    cold, warm, hot = ProductFactory(name="Cold"), ProductFactory(name="Warm"), ProductFactory(name="Hot")
    sold(warm, 1)
    sold(hot, 5)
    trending.refresh_trending()

    response = api_client.get("/api/v1/products", {"sort": "trending"})

    assert response.status_code == 200
    assert [card["id"] for card in response.json()["products"]][:3] == [hot.pk, warm.pk, cold.pk]


def test_the_search_page_offers_the_trending_order(client):
    ProductFactory(name="Lamp")

    response = client.get("/search", {"q": "lamp", "sort": "trending"})

    assert response.status_code == 200
    assert 'value="trending"' in response.content.decode()


def test_the_home_page_shows_trending_products_hottest_first(client):
    warm, hot = ProductFactory(name="Warm Socks"), ProductFactory(name="Hot Cocoa Mug")
    sold(warm, 1)
    sold(hot, 6)
    trending.refresh_trending()

    html = client.get("/").content.decode()
    row = html.split('id="trending-heading"')[1].split("</section>")[0]

    assert row.index("Hot Cocoa Mug") < row.index("Warm Socks")


def test_the_command_refreshes_the_scores():
    from django.core.management import call_command

    product = ProductFactory()
    sold(product, 2)

    call_command("refresh_trending", stdout=open("/dev/null", "w"))  # noqa: SIM115

    product.refresh_from_db()
    assert product.trending_score == pytest.approx(2)


def test_the_beat_task_refreshes_the_scores_and_is_scheduled(settings):
    from recommendations import tasks

    product = ProductFactory()
    sold(product, 3)

    assert tasks.refresh_trending.delay().get() == 1

    product.refresh_from_db()
    assert product.trending_score == pytest.approx(3)
    schedule = settings.CELERY_BEAT_SCHEDULE["refresh-trending"]
    assert schedule["task"] == "recommendations.tasks.refresh_trending"
    assert 0 < schedule["schedule"] <= 3600
