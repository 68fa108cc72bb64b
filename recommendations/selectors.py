"""Reading what the recommendations learnt: products bought together, similar products (with a content
fallback), a shopper's recent history and tastes, and daily view counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, F, FloatField, Sum, Value, When

from catalog import selectors as catalog_selectors
from recommendations import services
from recommendations.models import CoPurchase, CustomerItem, DailyViews, HistoryEntry, SearchEntry, SimilarItem


def also_bought_ids(*, product_id: int, limit: int = 6) -> list[int]:
    """Ids of the listed products bought together with ``product_id``, most orders first, then by id."""
    return list(
        CoPurchase.objects.filter(product_id=product_id, other__in=catalog_selectors.listed_products())
        .order_by("-orders", "other_id")
        .values_list("other_id", flat=True)[:limit]
    )


def also_bought(*, product_id: int, limit: int = 6) -> list:
    """The listed products bought together with ``product_id``, ready for cards (catalog's card attributes),
    most orders first, then by id; a fixed number of queries whatever ``limit``."""
    return _cards(also_bought_ids(product_id=product_id, limit=limit))


# --- Similar items -------------------------------------------------------------------------------

# How much each similarity counts: "viewed together" is a weaker sign than "bought by the same customers".
SOURCE_WEIGHTS = {SimilarItem.Source.BOUGHT: 1.0, SimilarItem.Source.VIEWED: 0.3}
# Content fallback: products of the same category within this price ratio (either way) of the product's.
SIMILAR_PRICE_RATIO = Decimal("2")


def similar_product_ids(*, product_id: int, limit: int = 6) -> list[int]:
    """Ids of the listed products most like ``product_id``: by similarity (bought by the same customers, then
    viewed together, weighted by SOURCE_WEIGHTS and summed), then, to fill ``limit``, the content fallback."""
    weighted = Case(
        *(When(source=source, then=Value(weight)) for source, weight in SOURCE_WEIGHTS.items()),
        output_field=FloatField(),
    )
    ids = list(
        SimilarItem.objects.filter(product_id=product_id, other__in=catalog_selectors.listed_products())
        .values("other_id")
        .annotate(rank=Sum(weighted * F("score")), together=Sum("together"))
        .order_by("-rank", "-together", "other_id")
        .values_list("other_id", flat=True)[:limit]
    )
    if len(ids) < limit:
        ids += content_fallback_ids(product_id=product_id, limit=limit - len(ids), exclude=ids)
    return ids


def content_fallback_ids(*, product_id: int, limit: int, exclude: Iterable[int] = ()) -> list[int]:
    """Listed products of the same category at a similar price (within SIMILAR_PRICE_RATIO), the same brand first,
    then the closest price (catalog's ``near_in_price_ids``: index ranges, whatever the category's size)."""
    return catalog_selectors.near_in_price_ids(
        product_id=product_id, limit=limit, ratio=SIMILAR_PRICE_RATIO, exclude=exclude
    )


def similar_products(*, product_id: int, limit: int = 6) -> list:
    """The products most like ``product_id`` (similar_product_ids), ready for cards; a bounded number of queries."""
    return _cards(similar_product_ids(product_id=product_id, limit=limit))


def _cards(ids: list[int]) -> list:
    """Listed products of ``ids``, in that order, ready for cards (catalog's card attributes)."""
    if not ids:
        return []
    return catalog_selectors.product_cards(catalog_selectors.listed_cards(ids))


# --- A shopper's history -------------------------------------------------------------------------


def recently_viewed_ids(*, user=None, session_key: str | None = None, limit: int = 8, exclude=()) -> list[int]:
    """Ids of the products a signed-in user (else a guest session) viewed, newest first (listed or not)."""
    excluded = set(exclude)
    user_id = services.signed_in_user_id(user)
    if user_id is not None:
        ids = list(
            HistoryEntry.objects.filter(user_id=user_id, kind=HistoryEntry.Kind.VIEWED)
            .exclude(product_id__in=excluded)
            .order_by("-at", "-pk")
            .values_list("product_id", flat=True)[:limit]
        )
    elif session_key:
        viewed = cache.get(services.guest_key(session_key=session_key, kind=services.VIEWED), [])
        ids = [pk for pk in viewed if pk not in excluded][:limit]
    else:
        ids = []
    return ids


def recently_viewed(*, user=None, session_key: str | None = None, limit: int = 8, exclude=()) -> list:
    """The listed products a signed-in user (else a guest session) viewed lately, newest first, ready for cards;
    ``exclude``: product ids left out (the page's own product). A bounded number of queries."""
    return _cards(recently_viewed_ids(user=user, session_key=session_key, limit=limit, exclude=exclude))


def recent_searches(*, user=None, session_key: str | None = None, limit: int = 5) -> list[str]:
    """A signed-in user's (else a guest session's) latest searches, newest first."""
    user_id = services.signed_in_user_id(user)
    if user_id is not None:
        return list(
            SearchEntry.objects.filter(user_id=user_id).order_by("-at", "-pk").values_list("query", flat=True)[:limit]
        )
    if session_key:
        return list(cache.get(services.guest_key(session_key=session_key, kind=services.SEARCHED), []))[:limit]
    return []


def bought_product_ids(*, user) -> list[int]:
    """The products the user bought, newest first purchase first: one query."""
    return list(
        CustomerItem.objects.filter(user_id=user.pk)
        .order_by("-first_bought_at", "-pk")
        .values_list("product_id", flat=True)
    )


def history_product_ids(*, user) -> dict:
    """``{"bought": [...], "viewed": [...], "added_to_cart": [...]}``: the user's product ids, newest first
    (bought: by first purchase; viewed and added to cart: bounded, see services.HISTORY_LIMITS). Two queries."""
    bought = bought_product_ids(user=user)
    history: dict[str, list[int]] = {HistoryEntry.Kind.VIEWED: [], HistoryEntry.Kind.CART: []}
    for kind, product_id in (
        HistoryEntry.objects.filter(user_id=user.pk).order_by("-at", "-pk").values_list("kind", "product_id")
    ):
        history[kind].append(product_id)
    return {
        "bought": bought,
        "viewed": history[HistoryEntry.Kind.VIEWED],
        "added_to_cart": history[HistoryEntry.Kind.CART],
    }


# A purchase says more about a shopper's tastes than a cart add, which says more than a view.
AFFINITY_WEIGHTS = {"bought": 3.0, HistoryEntry.Kind.CART: 2.0, HistoryEntry.Kind.VIEWED: 1.0}
AFFINITY_CACHE_SECONDS = 600


def affinity(*, user) -> dict:
    """``{"categories": {category_id: weight}, "brands": {brand (lower case): weight}}``, weights 0..1 (1: the
    strongest), from what the user bought, added to the cart and viewed (AFFINITY_WEIGHTS); empty dicts without
    any. Cached per user, forgotten when their history changes; two queries when not cached."""
    user_id = services.signed_in_user_id(user)
    if user_id is None:
        return {"categories": {}, "brands": {}}
    key = services.affinity_key(user_id=user_id)
    cached = cache.get(key)
    if cached is not None:
        return cached
    categories: Counter = Counter()
    brands: Counter = Counter()
    bought = CustomerItem.objects.filter(user_id=user_id, product__in=catalog_selectors.listed_products())
    rows = [("bought", *row) for row in bought.values_list("product__category_id", "product__brand")]
    history = HistoryEntry.objects.filter(user_id=user_id, product__in=catalog_selectors.listed_products())
    rows += history.values_list("kind", "product__category_id", "product__brand")
    for kind, category_id, brand in rows:
        if category_id is not None:
            categories[category_id] += AFFINITY_WEIGHTS[kind]
        if brand:
            brands[brand.lower()] += AFFINITY_WEIGHTS[kind]
    result = {"categories": _weights(categories), "brands": _weights(brands)}
    cache.set(key, result, timeout=AFFINITY_CACHE_SECONDS)
    return result


def _weights(counts: Counter) -> dict:
    top = max(counts.values(), default=0)
    return {key: count / top for key, count in counts.items()} if top else {}


def daily_views(*, since: datetime) -> list[tuple[int, date, int]]:
    """``(product_id, day, views)`` of every product viewed from ``since``'s day on (guests' views included)."""
    return list(
        DailyViews.objects.filter(day__gte=since.date())
        .order_by("day", "product_id")
        .values_list("product_id", "day", "views")
    )
