"""The recommendations' write side: learning from paid orders, recording shoppers' signals (views, cart adds,
searches), and clearing a shopper's history.

Signals are cheap for the request that records them. A guest's live in the cache under their session key (a
bounded list, expiring with the session: nothing is written to the database about a guest but anonymous daily
view counts). A signed-in shopper's are pushed onto one Redis list (a single command) and applied in batches by
the beat task ``recommendations.tasks.flush_signals``; without a broker or Redis (eager Celery: tests, make run)
they are applied at once (``RECOMMENDATIONS_BUFFER_SIGNALS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from itertools import permutations
import json

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone
import structlog

from catalog import selectors as catalog_selectors
from recommendations import similarity, trending
from recommendations.locks import lock_item_sets
from recommendations.models import CoPurchase, CustomerItem, DailyViews, HistoryEntry, LearnedOrder, SearchEntry

logger = structlog.get_logger(__name__)

VIEWED, CART, SEARCHED = HistoryEntry.Kind.VIEWED, HistoryEntry.Kind.CART, "searched"
# How much of a signed-in shopper's history is kept, per kind (older entries are dropped as new ones come).
HISTORY_LIMITS = {VIEWED: 50, CART: 30, SEARCHED: 20}
# A guest's lists are shorter: they only serve "recently viewed" during the visit.
GUEST_LIMIT = 20
PENDING_KEY = "recommendations:pending-signals"
FLUSH_BATCH = 1000
QUERY_MAX_CHARS = SearchEntry._meta.get_field("query").max_length


# --- Paid orders ---------------------------------------------------------------------------------


def learn_from_order(*, order_id: str, product_ids: list[int], buyer_id: int | None = None) -> bool:
    """Count every pair of distinct products of a paid order once, both ways, and add the products to the buyer's
    item set (updating the "bought by the same customers" similarity); False if the order was counted before.

    One durable transaction, a constant number of queries whatever the number of products: the order is recorded
    (its unique order_id makes a second run, even a concurrent one, a no-op), then one upsert adds 1 to each pair.
    """
    distinct = sorted(set(product_ids))
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                LearnedOrder.objects.create(order_id=order_id)
        except IntegrityError:
            return False
        pairs = list(permutations(distinct, 2))
        if pairs:
            _add_one(sorted(pairs))  # in a stable order, so concurrent upserts lock rows alike
        if buyer_id is not None and distinct:
            _add_to_customer_items(user_id=buyer_id, product_ids=distinct)
    _forget_affinity(user_id=buyer_id)
    return True


def _add_one(pairs: list[tuple[int, int]]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE orders + 1 (PostgreSQL and SQLite >= 3.24 alike)."""
    table = connection.ops.quote_name(CoPurchase._meta.db_table)
    values = ", ".join(["(%s, %s, 1)"] * len(pairs))
    params = [value for pair in pairs for value in pair]
    sql = (
        f"INSERT INTO {table} (product_id, other_id, orders) VALUES {values} "  # noqa: S608 (only placeholders)  # nosec B608
        f"ON CONFLICT (product_id, other_id) DO UPDATE SET orders = {table}.orders + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _add_to_customer_items(*, user_id: int, product_ids: list[int]) -> None:
    """Add products to the buyer's item set and move the similarity along. Under the "bought" item-set lock."""
    lock_item_sets(source=similarity.BOUGHT)
    before = similarity.item_set(source=similarity.BOUGHT, user_id=user_id)
    CustomerItem.objects.bulk_create(
        [CustomerItem(user_id=user_id, product_id=pk) for pk in product_ids if pk not in before]
    )
    similarity.item_set_changed(
        source=similarity.BOUGHT, user_id=user_id, before=before, after=before | set(product_ids)
    )


def rebuild_similarity() -> dict[str, int]:
    """Recompute every similar-item pair from the item sets (bought, viewed); the number of pairs of each."""
    counts = {}
    for source in (similarity.BOUGHT, similarity.VIEWED):
        with transaction.atomic(durable=True):
            lock_item_sets(source=source)
            counts[str(source)] = similarity.rebuild(source=source)
    return counts


def refresh_trending() -> int:
    """Recompute every product's trending score from the recent window (beat, every TRENDING_REFRESH_SECONDS; the
    demo seed); returns how many products trend. Safe to run twice."""
    return trending.refresh_trending()


# --- Signals -------------------------------------------------------------------------------------


def record_view(*, product_id: int, user=None, session_key: str | None = None) -> None:
    """Remember that a shopper viewed a product (and count the view for the day): cheap, never raises."""
    _record(kind=VIEWED, value=int(product_id), user=user, session_key=session_key)


def record_cart_add(*, product_id: int, user=None, session_key: str | None = None) -> None:
    """Remember that a shopper added a product to their cart: cheap, never raises."""
    _record(kind=CART, value=int(product_id), user=user, session_key=session_key)


def record_search(*, query: str, user=None, session_key: str | None = None) -> None:
    """Remember a shopper's search (blank queries are ignored): cheap, never raises."""
    query = " ".join(str(query).split()).lower()[:QUERY_MAX_CHARS]
    if query:
        _record(kind=SEARCHED, value=query, user=user, session_key=session_key)


def record_activity(*, kind: str, value, user=None, session_key: str | None = None) -> None:
    """The listener of ``shop.activity`` (registered in AppConfig.ready()): a cart add or a search done in the
    cart or catalog apps, which cannot call this app themselves."""
    if kind == "cart_add":
        record_cart_add(product_id=value, user=user, session_key=session_key)
    elif kind == "search":
        record_search(query=value, user=user, session_key=session_key)


def signed_in_user_id(user) -> int | None:
    """The user's id when signed in; None for None or an anonymous user."""
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def _record(*, kind: str, value, user, session_key: str | None) -> None:
    """A guest's signal goes to their session's list; a user's (and every view, to be counted) to the database,
    at once or through the Redis buffer."""
    user_id = signed_in_user_id(user)
    signal = {"user": user_id, "kind": kind, "value": value, "at": timezone.now().isoformat()}
    if user_id is None:
        if session_key:
            _push_guest(session_key=session_key, kind=kind, value=value)
        if kind != VIEWED:
            return
    try:
        if settings.RECOMMENDATIONS_BUFFER_SIGNALS:
            _redis().rpush(cache.make_key(PENDING_KEY), json.dumps(signal))
        else:
            apply_signals([signal])
    except Exception:  # a lost signal must never break the page that records it
        logger.exception("recommendations.signal_lost", kind=kind)


def _redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def guest_key(*, session_key: str, kind: str) -> str:
    """The cache key of a guest session's list of ``kind``."""
    return f"recommendations:guest:{session_key}:{kind}"


def _push_guest(*, session_key: str, kind: str, value) -> None:
    """Put ``value`` first in the guest's list (once), bounded; the list expires with the session."""
    key = guest_key(session_key=session_key, kind=kind)
    values = [value, *(v for v in cache.get(key, []) if v != value)][:GUEST_LIMIT]
    cache.set(key, values, timeout=settings.RECOMMENDATIONS_GUEST_HISTORY_SECONDS)


def flush_signals(*, batch: int = FLUSH_BATCH) -> int:
    """Apply the signals waiting in Redis, a batch at a time until none is left; the number applied.

    Each batch is taken off the list atomically, so two flushes never apply one signal twice."""
    if not settings.RECOMMENDATIONS_BUFFER_SIGNALS:
        return 0
    key, applied = cache.make_key(PENDING_KEY), 0
    while True:
        pipe = _redis().pipeline(transaction=True)
        pipe.lrange(key, 0, batch - 1)
        pipe.ltrim(key, batch, -1)
        raw, _ = pipe.execute()
        if not raw:
            return applied
        apply_signals([json.loads(item) for item in raw])
        applied += len(raw)


def apply_signals(signals: Iterable[dict]) -> None:
    """Write signals (``{"user", "kind", "value", "at"}``) to the database: daily view counts for every view,
    each signed-in shopper's bounded history, and the "viewed together" similarity. One durable transaction."""
    signals = list(signals)
    listed = _listed_products({s["value"] for s in signals if s["kind"] != SEARCHED})
    signals = [s for s in signals if s["kind"] == SEARCHED or s["value"] in listed]  # deleted meanwhile: skipped
    views: dict[tuple[int, object], int] = defaultdict(int)
    by_user: dict[int, list[dict]] = defaultdict(list)
    for signal in signals:
        if signal["kind"] == VIEWED:
            views[(signal["value"], datetime.fromisoformat(signal["at"]).date())] += 1
        if signal["user"] is not None:
            by_user[signal["user"]].append(signal)
    with transaction.atomic(durable=True):
        if views:
            _count_views(views)
        if any(s["kind"] == VIEWED for user_signals in by_user.values() for s in user_signals):
            lock_item_sets(source=similarity.VIEWED)
        for user_id, user_signals in sorted(by_user.items()):
            _remember(user_id=user_id, signals=user_signals)
    for user_id in by_user:
        _forget_affinity(user_id=user_id)


def _count_views(views: dict[tuple[int, object], int]) -> None:
    table = connection.ops.quote_name(DailyViews._meta.db_table)
    rows = sorted(views.items())
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} (product_id, day, views) VALUES {values} "  # noqa: S608 (only placeholders)  # nosec B608
        f"ON CONFLICT (product_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for (product_id, day), count in rows for v in (product_id, day, count)])


def _remember(*, user_id: int, signals: list[dict]) -> None:
    """Upsert one shopper's signals (the latest time wins), keep the last few per kind, and move the "viewed
    together" pairs along when their viewed set changed. Under the "viewed" item-set lock when there are views."""
    latest: dict[tuple[str, object], datetime] = {}
    for signal in signals:
        at = datetime.fromisoformat(signal["at"])
        key = (signal["kind"], signal["value"])
        latest[key] = max(at, latest.get(key, at))
    kinds = {kind for kind, _ in latest}
    before = similarity.item_set(source=similarity.VIEWED, user_id=user_id) if VIEWED in kinds else None
    entries = [
        HistoryEntry(user_id=user_id, kind=kind, product_id=value, at=at)
        for (kind, value), at in latest.items()
        if kind != SEARCHED
    ]
    if entries:
        HistoryEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["user", "kind", "product"], update_fields=["at"]
        )
    searches = [
        SearchEntry(user_id=user_id, query=value, at=at) for (kind, value), at in latest.items() if kind == SEARCHED
    ]
    if searches:
        SearchEntry.objects.bulk_create(
            searches, update_conflicts=True, unique_fields=["user", "query"], update_fields=["at"]
        )
    for kind in kinds:
        _keep_latest(user_id=user_id, kind=kind)
    if before is not None:
        after = similarity.item_set(source=similarity.VIEWED, user_id=user_id)
        similarity.item_set_changed(source=similarity.VIEWED, user_id=user_id, before=before, after=after)


def _listed_products(ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(catalog_selectors.listed_products().filter(pk__in=ids).values_list("pk", flat=True))


def _keep_latest(*, user_id: int, kind: str) -> None:
    """Drop the user's entries of ``kind`` beyond the newest HISTORY_LIMITS[kind]."""
    if kind == SEARCHED:
        rows = SearchEntry.objects.filter(user_id=user_id)
    else:
        rows = HistoryEntry.objects.filter(user_id=user_id, kind=kind)
    newest = rows.order_by("-at", "-pk").values("pk")[: HISTORY_LIMITS[kind]]
    rows.exclude(pk__in=Subquery(newest)).delete()


# --- Clearing ------------------------------------------------------------------------------------


def clear_history(*, user=None, session_key: str | None = None) -> None:
    """Forget a shopper's views, cart adds and searches (a signed-in user's, a guest session's, or both);
    the purchases stay, as the orders do. Signals still waiting to be applied are applied first, so none
    comes back afterwards."""
    if session_key:
        cache.delete_many([guest_key(session_key=session_key, kind=kind) for kind in HISTORY_LIMITS])
    user_id = signed_in_user_id(user)
    if user_id is None:
        return
    flush_signals()
    with transaction.atomic(durable=True):
        lock_item_sets(source=similarity.VIEWED)
        before = similarity.item_set(source=similarity.VIEWED, user_id=user_id)
        HistoryEntry.objects.filter(user_id=user_id).delete()
        SearchEntry.objects.filter(user_id=user_id).delete()
        similarity.item_set_changed(source=similarity.VIEWED, user_id=user_id, before=before, after=set())
    _forget_affinity(user_id=user_id)


def affinity_key(*, user_id: int) -> str:
    """The cache key of a user's category and brand affinity (selectors.affinity)."""
    return f"recommendations:affinity:{user_id}"


def _forget_affinity(*, user_id: int | None) -> None:
    if user_id is not None:
        cache.delete(affinity_key(user_id=user_id))
