"""The landing page for each shopper, and the product and cart panels built from the same parts.

Signed in: "because you bought / viewed X" (similar products), trending in the shopper's categories
(affinity), trending everywhere, recently viewed; signed out: trending and best rated. Never an archived or
out-of-stock product, nor one the shopper bought (unless its category is consumable); no product twice on a
page; at most ``PER_CATEGORY`` products of one category per row while others are on offer.

Plans (each row's product ids) are cached: the public one per trending refresh, a shopper's per trending
refresh and history (a new purchase or view is a new key), a product's "also bought" per trending refresh.
Rows are then loaded as cards in a fixed number of queries; products archived or sold out since drop out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
import hashlib

from django.core.cache import cache
from django.db.models import QuerySet

from catalog import selectors as catalog_selectors
from inventory import selectors as inventory_selectors
from recommendations import selectors
from recommendations.trending import trending_version

ROW_SIZE = 8
PER_CATEGORY = 3
CANDIDATES = 24
ANCHORS_BOUGHT = 2  # "because you bought" rows
TOP_CATEGORIES = 3
CACHE_SECONDS = 600
# Bought again and again: a purchase in these top-level categories (or below them) does not hide the product.
CONSUMABLE_CATEGORY_SLUGS = frozenset({"beauty", "grocery", "groceries", "food", "health", "pet-supplies"})


@dataclass
class Section:
    key: str
    title: str
    reason: str
    product_ids: list[int]
    products: list = field(default_factory=list)  # cards, once loaded


# --- The signals' reads (recommendations.selectors) --------------------------------------------------


def _similar_ids(product_id: int, limit: int) -> list[int]:
    return selectors.similar_product_ids(product_id=product_id, limit=limit)


def _recently_viewed_ids(*, user, session_key, limit: int) -> list[int]:
    return selectors.recently_viewed_ids(user=user, session_key=session_key, limit=limit)


# --- Building blocks ----------------------------------------------------------------------------------


def _is_consumable(category_id: int | None) -> bool:
    tree = catalog_selectors.category_tree()
    while category_id in tree:
        node = tree[category_id]
        if node.slug in CONSUMABLE_CATEGORY_SLUGS:
            return True
        category_id = node.parent_id
    return False


def _with_facts(products) -> QuerySet:
    """``(id, category id, in stock)`` rows of listed products."""
    return products.annotate(in_stock=inventory_selectors.product_in_stock()).values_list(
        "pk", "category_id", "in_stock"
    )


def _facts(ids: Iterable[int]) -> dict[int, tuple[int | None, bool]]:
    """Listed products among ``ids``: id -> (category id, in stock), in one query."""
    rows = _with_facts(catalog_selectors.listed_products().filter(pk__in=set(ids)))
    return {pk: (category_id, in_stock) for pk, category_id, in_stock in rows}


def _ranked(products, facts: dict, limit: int = CANDIDATES) -> list[int]:
    """The ids of ``products`` (listed, ordered) that are in stock, up to ``limit``, adding their facts to
    ``facts``: one query. In stock is read from each product's own row (its stocked-variants count, or one of
    the few lapsed holds), so the scan of the ranking's index stops at the LIMIT, and a ranking whose top is
    sold out still fills its row."""
    rows = list(products.filter(inventory_selectors.in_stock_condition()).values_list("pk", "category_id")[:limit])
    facts.update({pk: (category_id, True) for pk, category_id in rows})
    return [pk for pk, _ in rows]


def _pick(ids: Iterable[int], facts: dict, taken: set[int], limit: int = ROW_SIZE) -> list[int]:
    """Up to ``limit`` of ``ids`` in their order: listed, in stock, not taken; at most PER_CATEGORY of one
    category while other categories still have candidates. The picks are added to ``taken``."""
    fit = [pk for pk in dict.fromkeys(ids) if pk in facts and facts[pk][1] and pk not in taken]
    chosen: list[int] = []
    per_category: dict = {}
    for pk in fit:
        category = facts[pk][0]
        if len(chosen) < limit and per_category.get(category, 0) < PER_CATEGORY:
            chosen.append(pk)
            per_category[category] = per_category.get(category, 0) + 1
    chosen += [pk for pk in fit if pk not in chosen][: limit - len(chosen)]
    order = {pk: n for n, pk in enumerate(fit)}
    chosen.sort(key=order.__getitem__)
    taken.update(chosen)
    return chosen


def _trending(facts: dict, *, category_ids: Sequence[int] | None = None, limit: int = CANDIDATES) -> list[int]:
    products = catalog_selectors.listed_products().filter(trending_score__gt=0)
    if category_ids is not None:
        products = products.filter(category_id__in=category_ids)
    return _ranked(products.order_by("-trending_score", "-sales_count", "id"), facts, limit)


def _best_rated(facts: dict) -> list[int]:
    products = catalog_selectors.listed_products().filter(review_count__gt=0)
    return _ranked(products.order_by("-rating", "-review_count", "-id"), facts)


TRENDING = ("trending", "Trending now", "Selling and looked at most this week")
RATED = ("rated", "Best rated", "Loved by the shoppers who bought them")


def _public_plan() -> list[Section]:
    facts: dict = {}
    trending, rated = _trending(facts), _best_rated(facts)
    taken: set[int] = set()
    return [Section(*TRENDING, _pick(trending, facts, taken)), Section(*RATED, _pick(rated, facts, taken))]


def _personal_plan(*, user, history: dict) -> list[Section]:
    bought, viewed = list(history.get("bought") or ()), list(history.get("viewed") or ())
    anchors = dict(
        catalog_selectors.listed_products()
        .filter(pk__in=[*bought[:ANCHORS_BOUGHT], *viewed[:1]])
        .values_list("pk", "name")
    )
    recent = _recently_viewed_ids(user=user, session_key=None, limit=ROW_SIZE)
    because = [(pk, "bought") for pk in bought[:ANCHORS_BOUGHT] if pk in anchors]
    because += [(pk, "viewed") for pk in viewed[:1] if pk in anchors and pk not in bought]
    similar = {pk: _similar_ids(pk, CANDIDATES) for pk, _ in because}
    weights = selectors.affinity(user=user).get("categories") or {}
    top = sorted(weights, key=lambda c: (-weights[c], c))[:TOP_CATEGORIES]
    tree = catalog_selectors.category_tree()
    in_top = [c for category in top for c in catalog_selectors.descendant_ids(category_id=category)]
    facts = _facts([*bought, *recent, *(pk for ids in similar.values() for pk in ids)])
    yours = _trending(facts, category_ids=in_top, limit=CANDIDATES * 2) if in_top else []
    trending = _trending(facts)
    # Bought: never again, unless consumable. Recently viewed: its own row, not offered again in the others.
    taken = {pk for pk in bought if not _is_consumable(facts.get(pk, (None,))[0])}
    recent_row = _pick(recent, facts, taken)
    sections = [
        Section(
            f"because-{verb}-{pk}",
            f"Because you {verb} {anchors[pk]}",
            f"Often bought with or instead of {anchors[pk]}",
            _pick(similar[pk], facts, taken),
        )
        for pk, verb in because
    ]
    if in_top:
        names = ", ".join(tree[c].name for c in top if c in tree)
        sections.append(
            Section("your-categories", "Trending in your categories", f"From {names}", _pick(yours, facts, taken))
        )
    sections.append(Section(*TRENDING, _pick(trending, facts, taken)))
    if not bought and not viewed:  # nothing known yet: as for a visitor
        sections.append(Section(*RATED, _pick(_best_rated(facts), facts, taken)))
    sections.append(Section("recently-viewed", "Recently viewed", "Pick up where you left off", recent_row))
    return sections


def _load(sections: list[Section]) -> list[Section]:
    """Fill each row's cards in one go (a fixed number of queries); rows left empty are dropped."""
    ids = {pk for section in sections for pk in section.product_ids}
    if not ids:
        return []
    cards = catalog_selectors.listed_cards(ids)
    by_id = {p.pk: p for p in catalog_selectors.with_card_data(cards) if p.in_stock}
    shown: set[int] = set()
    for section in sections:
        section.products = [by_id[pk] for pk in section.product_ids if pk in by_id and pk not in shown]
        shown.update(p.pk for p in section.products)
    return [section for section in sections if section.products]


def _cached(key: str, build) -> list[Section]:
    plan = cache.get(key)
    if plan is None:
        plan = [Section(s.key, s.title, s.reason, s.product_ids) for s in build()]
        cache.set(key, plan, CACHE_SECONDS)
    return [Section(s.key, s.title, s.reason, list(s.product_ids)) for s in plan]


# --- Public reads -------------------------------------------------------------------------------------


def landing_sections(*, user=None) -> list[Section]:
    """The landing page's rows for this shopper (the public rows for a visitor), each with its cards."""
    if user is None or not user.is_authenticated:
        return _load(_cached(f"reco:landing:public:{trending_version()}", _public_plan))
    history = selectors.history_product_ids(user=user)
    digest = hashlib.blake2b(repr((history.get("bought"), history.get("viewed"))).encode(), digest_size=8)
    key = f"reco:landing:user:{user.pk}:{trending_version()}:{digest.hexdigest()}"
    return _load(_cached(key, lambda: _personal_plan(user=user, history=history)))


def new_arrivals(*, user=None, sections: Sequence[Section] = ()) -> list:
    """The landing page's newest products: none its other rows show, and for a signed-in shopper none they
    bought (unless consumable), like every row of their page."""
    hidden = {p.pk for section in sections for p in section.products}
    if user is not None and user.is_authenticated and (bought := selectors.bought_product_ids(user=user)):
        facts = _facts(bought)
        hidden |= {pk for pk in bought if not _is_consumable(facts.get(pk, (None,))[0])}
    return catalog_selectors.new_arrivals(exclude=hidden)


def product_panels(*, product_id: int, user=None, session_key: str | None = None) -> list[Section]:
    """A product page's rows: "Customers who bought this also bought" (cached per product), "Recently viewed"."""

    def build() -> list[Section]:
        ids = [pk for pk in _similar_ids(product_id, CANDIDATES) if pk != product_id]
        row = _pick(ids, _facts(ids), {product_id})
        return [Section("also-bought", "Customers who bought this also bought", "Bought together", row)]

    sections = _cached(f"reco:product:{product_id}:{trending_version()}", build)
    signed_in = user is not None and user.is_authenticated
    recent = _recently_viewed_ids(
        user=user if signed_in else None, session_key=None if signed_in else session_key, limit=ROW_SIZE + 1
    )
    recent = [pk for pk in recent if pk != product_id][:ROW_SIZE]
    sections.append(Section("recently-viewed", "Recently viewed", "Pick up where you left off", recent))
    return _load(sections)


def cart_complements(*, product_ids: Sequence[int]) -> list[Section]:
    """What goes with a cart: products bought together with its products, not already in it."""
    in_cart = set(product_ids)
    ids = [pk for product_id in sorted(in_cart)[:ROW_SIZE] for pk in _similar_ids(product_id, ROW_SIZE)]
    row = _pick(ids, _facts(ids), set(in_cart))
    return _load([Section("complements", "Goes well with your cart", "Often bought together", row)])
