"""Demo purchase histories with structure, so that recommendations (and their offline evaluation) mean something.

Real shoppers are not random: each has tastes (a couple of favourite categories, a favourite brand),
some products are bought together (a tent, then its sleeping bag and its lamp), and categories have
seasons. ``structured_history`` makes such a history, deterministic for a seed, over the demo catalog;
``learn_demo_history`` teaches it to the co-purchase tables through the real learning service. The
demo orders themselves are made one by one through the real use cases (orders.demo), which would be
far too slow for thousands, so these histories live only in what recommendations learn from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
import random

from catalog import selectors as catalog_selectors
from recommendations import services
from recommendations.evaluation import Purchase

BUNDLE_SIZE = 3  # products of a category that go together
FAVOURITES = 2  # favourite categories per shopper
ON_TASTE = 0.85  # share of a shopper's picks from their favourite categories
COMPLETE_BUNDLE = 0.6  # chance a bought product's bundle-mate follows (same basket or a later one)
SAME_BASKET = 0.5  # of those, the share bought in the same order
DAYS = 365


@dataclass(frozen=True)
class DemoProduct:
    product_id: int
    category_id: int
    brand: str = ""


def structured_history(
    products: Sequence[DemoProduct],
    shoppers: Sequence[int],
    *,
    orders_per_shopper: int = 8,
    seed: str = "demo-history",
    end: datetime | None = None,
) -> list[Purchase]:
    """A year of purchases by ``shoppers`` over ``products``: tastes, bundles bought together, seasons."""
    rng = random.Random(seed)  # noqa: S311 - demo data  # nosec B311
    end = end or datetime(2026, 12, 1, tzinfo=UTC)
    by_category: dict[int, list[DemoProduct]] = defaultdict(list)
    for product in sorted(products, key=lambda p: p.product_id):
        by_category[product.category_id].append(product)
    categories = sorted(c for c, items in by_category.items() if len(items) >= 2)
    if not categories or not shoppers:
        return []
    bundle_of: dict[int, list[int]] = {}
    for category in categories:
        ids = [p.product_id for p in by_category[category]]
        rng.shuffle(ids)
        for start in range(0, len(ids), BUNDLE_SIZE):
            bundle = ids[start : start + BUNDLE_SIZE]
            for product_id in bundle:
                bundle_of[product_id] = bundle
    peak = {category: rng.randrange(12) for category in categories}  # each category's best month
    # Within a category a few products sell far more than the rest (Zipf-like).
    weights = {c: [1 / (rank + 1) for rank in range(len(by_category[c]))] for c in categories}
    purchases: list[Purchase] = []
    for shopper in shoppers:
        favourites = rng.sample(categories, min(FAVOURITES, len(categories)))
        owed: list[int] = []  # bundle-mates this shopper will come back for
        bought: set[int] = set()
        days = sorted(rng.randrange(DAYS) for _ in range(orders_per_shopper))
        for number, day in enumerate(days):
            at = end - timedelta(days=DAYS - day, minutes=rng.randrange(24 * 60))
            basket = f"demo-{shopper}-{number}"
            picks = [owed.pop(0)] if owed else []
            if not picks or rng.random() < 0.5:
                category = _category_for(rng, at, favourites, categories, peak)
                picks.append(rng.choices(by_category[category], weights=weights[category])[0].product_id)
            for product_id in list(picks):
                mates = [m for m in bundle_of[product_id] if m not in bought and m not in picks]
                if mates and rng.random() < COMPLETE_BUNDLE:
                    mate = rng.choice(mates)
                    picks.append(mate) if rng.random() < SAME_BASKET else owed.append(mate)
            for product_id in dict.fromkeys(picks):
                if product_id not in bought:
                    bought.add(product_id)
                    purchases.append(Purchase(shopper, product_id, at, basket))
    return purchases


def _category_for(rng: random.Random, at: datetime, favourites, categories, peak) -> int:
    """A favourite category most of the time, else any; either way, in season more often than not."""
    pool = favourites if rng.random() < ON_TASTE else categories
    season = [1 + math.cos((at.month - 1 - peak[c]) / 12 * 2 * math.pi) for c in pool]
    return rng.choices(pool, weights=[s + 0.2 for s in season])[0]


def demo_products() -> list[DemoProduct]:
    """The listed products of the catalog, as the history generator needs them."""
    rows = catalog_selectors.listed_products().exclude(category_id=None).values_list("pk", "category_id", "brand")
    return [DemoProduct(pk, category_id, brand) for pk, category_id, brand in rows]


def learn_demo_history(*, shoppers: Sequence[int], orders_per_shopper: int = 8) -> int:
    """Teach a structured demo history to the co-purchase tables (once per basket); returns the baskets learnt."""
    baskets: dict[tuple[str, int], list[int]] = defaultdict(list)
    for purchase in structured_history(demo_products(), shoppers, orders_per_shopper=orders_per_shopper):
        baskets[purchase.basket, purchase.user_id].append(purchase.product_id)
    return sum(
        services.learn_from_order(order_id=basket, product_ids=ids, buyer_id=shopper)
        for (basket, shopper), ids in baskets.items()
    )
