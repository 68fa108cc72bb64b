"""Shoppers' signals: views, cart adds and searches, bounded per user, kept in the cache for a guest session only,
buffered in Redis for a task when configured, and cleared on request."""

from datetime import timedelta
import time

from django.core.cache import cache
from django.utils import timezone
from django_redis import get_redis_connection
import pytest

from recommendations import selectors, services, tasks
from recommendations.models import DailyViews, HistoryEntry, SearchEntry, SimilarItem
from recommendations.services import clear_history, learn_from_order, record_cart_add, record_search, record_view
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

SESSION = "guest-session-1"


def ids(products) -> list[int]:
    return [p.pk for p in products]


def test_a_users_recently_viewed_products_come_newest_first(a, b, c):
    user = UserFactory()
    for product in (a, b, c, a):
        record_view(product_id=product.pk, user=user)

    assert ids(selectors.recently_viewed(user=user)) == [a.pk, c.pk, b.pk]
    assert ids(selectors.recently_viewed(user=user, exclude=[a.pk], limit=1)) == [c.pk]


def test_a_users_history_keeps_only_the_latest_views(monkeypatch):
    monkeypatch.setitem(services.HISTORY_LIMITS, services.VIEWED, 3)
    user = UserFactory()
    products = ProductFactory.create_batch(5)
    for product in products:
        record_view(product_id=product.pk, user=user)

    assert HistoryEntry.objects.filter(user=user).count() == 3
    assert ids(selectors.recently_viewed(user=user)) == [p.pk for p in reversed(products[2:])]


def test_a_guests_views_live_in_the_cache_of_their_session_only(a, b):
    record_view(product_id=a.pk, session_key=SESSION)
    record_view(product_id=b.pk, session_key=SESSION)

    assert ids(selectors.recently_viewed(session_key=SESSION)) == [b.pk, a.pk]
    assert selectors.recently_viewed(session_key="another-session") == []
    assert not HistoryEntry.objects.exists()


def test_a_guests_list_is_bounded(monkeypatch):
    monkeypatch.setattr(services, "GUEST_LIMIT", 2)
    products = ProductFactory.create_batch(3)
    for product in products:
        record_view(product_id=product.pk, session_key=SESSION)

    assert ids(selectors.recently_viewed(session_key=SESSION)) == [products[2].pk, products[1].pk]


def test_a_guests_history_expires_with_the_session(a, settings):
    record_view(product_id=a.pk, session_key=SESSION)
    assert 0 < cache.ttl(services.guest_key(session_key=SESSION, kind=services.VIEWED)) <= settings.SESSION_COOKIE_AGE

    settings.RECOMMENDATIONS_GUEST_HISTORY_SECONDS = 1
    record_view(product_id=a.pk, session_key=SESSION)
    time.sleep(1.2)

    assert selectors.recently_viewed(session_key=SESSION) == []


def test_views_are_counted_per_day_for_guests_and_users_alike(a):
    record_view(product_id=a.pk, session_key=SESSION)
    record_view(product_id=a.pk, user=UserFactory())
    record_view(product_id=a.pk)  # no session at all: counted, nothing remembered

    today = timezone.now().date()
    assert DailyViews.objects.get(product=a, day=today).views == 3
    assert selectors.daily_views(since=timezone.now() - timedelta(days=1)) == [(a.pk, today, 3)]
    assert selectors.daily_views(since=timezone.now() + timedelta(days=1)) == []


def test_searches_are_remembered_normalised_and_blank_ones_ignored():
    user = UserFactory()
    record_search(query="  Red   Dress ", user=user)
    record_search(query="   ", user=user)
    record_search(query="boots", user=user)
    record_search(query="red dress", user=user)
    record_search(query="Tent", session_key=SESSION)

    assert selectors.recent_searches(user=user) == ["red dress", "boots"]
    assert selectors.recent_searches(session_key=SESSION) == ["tent"]


def test_cart_adds_purchases_and_views_make_up_the_history(a, b, c):
    user = UserFactory()
    learn_from_order(order_id="ord_1", product_ids=[c.pk], buyer_id=user.pk)
    record_view(product_id=a.pk, user=user)
    record_cart_add(product_id=b.pk, user=user)
    record_view(product_id=b.pk, user=user)

    assert selectors.history_product_ids(user=user) == {
        "bought": [c.pk],
        "viewed": [b.pk, a.pk],
        "added_to_cart": [b.pk],
    }


def test_affinity_weighs_purchases_over_cart_adds_over_views():
    tents, boots, hats = CategoryFactory(name="Tents"), CategoryFactory(name="Boots"), CategoryFactory(name="Hats")
    user = UserFactory()
    tent = ProductFactory(category=tents, brand="Alpina")
    boot = ProductFactory(category=boots, brand="Trek")
    hat = ProductFactory(category=hats, brand="")
    learn_from_order(order_id="ord_1", product_ids=[tent.pk], buyer_id=user.pk)
    record_cart_add(product_id=boot.pk, user=user)
    record_view(product_id=hat.pk, user=user)

    assert selectors.affinity(user=user) == {
        "categories": {tents.pk: 1.0, boots.pk: 2 / 3, hats.pk: 1 / 3},
        "brands": {"alpina": 1.0, "trek": 2 / 3},
    }


def test_affinity_is_cached_until_the_history_changes(a, django_assert_num_queries):
    user = UserFactory()
    record_view(product_id=a.pk, user=user)
    selectors.affinity(user=user)
    with django_assert_num_queries(0):
        selectors.affinity(user=user)

    clear_history(user=user)

    assert selectors.affinity(user=user) == {"categories": {}, "brands": {}}


def test_a_signed_out_shopper_has_no_affinity():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.affinity(user=AnonymousUser()) == {"categories": {}, "brands": {}}


def test_clearing_a_users_history_forgets_views_cart_adds_searches_and_viewed_together_pairs(a, b):
    user = UserFactory()
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk], buyer_id=user.pk)
    record_view(product_id=a.pk, user=user)
    record_view(product_id=b.pk, user=user)
    record_cart_add(product_id=a.pk, user=user)
    record_search(query="tent", user=user)
    assert SimilarItem.objects.filter(source="viewed").count() == 2

    clear_history(user=user)

    assert not HistoryEntry.objects.filter(user=user).exists()
    assert not SearchEntry.objects.filter(user=user).exists()
    assert not SimilarItem.objects.filter(source="viewed").exists()
    assert sorted(selectors.history_product_ids(user=user)["bought"]) == sorted([a.pk, b.pk])  # orders stay


def test_clearing_one_users_history_leaves_anothers(a):
    user, other = UserFactory(), UserFactory()
    record_view(product_id=a.pk, user=user)
    record_view(product_id=a.pk, user=other)

    clear_history(user=user)

    assert ids(selectors.recently_viewed(user=other)) == [a.pk]


def test_clearing_a_guests_history_empties_their_session_lists(a):
    record_view(product_id=a.pk, session_key=SESSION)
    record_search(query="tent", session_key=SESSION)

    clear_history(session_key=SESSION)

    assert selectors.recently_viewed(session_key=SESSION) == []
    assert selectors.recent_searches(session_key=SESSION) == []


@pytest.fixture
def buffered(settings):
    settings.RECOMMENDATIONS_BUFFER_SIGNALS = True
    yield
    get_redis_connection("default").delete(cache.make_key(services.PENDING_KEY))


def test_with_buffering_a_view_costs_the_request_no_query(buffered, a, django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(0):
        record_view(product_id=a.pk, user=user)

    assert not HistoryEntry.objects.exists()
    assert tasks.flush_signals() == 1
    assert ids(selectors.recently_viewed(user=user)) == [a.pk]
    assert DailyViews.objects.get(product=a).views == 1


def test_a_second_flush_applies_nothing_twice(buffered, a):
    record_view(product_id=a.pk, user=UserFactory())
    record_view(product_id=a.pk, session_key=SESSION)
    tasks.flush_signals()

    assert tasks.flush_signals() == 0
    assert DailyViews.objects.get(product=a).views == 2


def test_flushing_works_through_the_backlog_in_batches(buffered):
    user = UserFactory()
    products = ProductFactory.create_batch(5)
    for product in products:
        record_view(product_id=product.pk, user=user)

    assert services.flush_signals(batch=2) == 5
    assert ids(selectors.recently_viewed(user=user)) == [p.pk for p in reversed(products)]


def test_signals_waiting_in_redis_do_not_come_back_after_clearing(buffered, a):
    user = UserFactory()
    record_view(product_id=a.pk, user=user)

    clear_history(user=user)
    tasks.flush_signals()

    assert selectors.recently_viewed(user=user) == []


def test_a_lost_signal_never_breaks_the_page(buffered, a, monkeypatch):
    def redis_down():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(services, "_redis", redis_down)

    record_view(product_id=a.pk, user=UserFactory())  # no exception


def test_a_view_of_a_product_deleted_before_the_flush_is_skipped(buffered, a, b):
    user = UserFactory()
    record_view(product_id=a.pk, user=user)
    record_view(product_id=b.pk, user=user)
    a.delete()

    tasks.flush_signals()

    assert ids(selectors.recently_viewed(user=user)) == [b.pk]


@pytest.mark.parametrize("viewed", [1, 8])
def test_recently_viewed_costs_a_fixed_number_of_queries(viewed, django_assert_num_queries):
    user = UserFactory()
    for product in ProductFactory.create_batch(viewed):
        record_view(product_id=product.pk, user=user)

    # history ids, listed and in stock, the cards' rows (none kept yet), first images
    with django_assert_num_queries(4):
        cards = selectors.recently_viewed(user=user)

    assert len(cards) == viewed


def test_history_and_affinity_cost_a_fixed_number_of_queries(a, b, django_assert_num_queries):
    user = UserFactory()
    learn_from_order(order_id="ord_1", product_ids=[a.pk, b.pk], buyer_id=user.pk)
    record_view(product_id=a.pk, user=user)

    with django_assert_num_queries(2):
        selectors.history_product_ids(user=user)
    with django_assert_num_queries(2):
        selectors.affinity(user=user)
