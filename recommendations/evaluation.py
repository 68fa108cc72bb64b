"""Offline evaluation of the recommendations: learn from the past, predict the future, compare with baselines.

Pure functions over a purchase history (no database): the history is split at a moment in time, an
item-to-item model (Linden, Smith and York 2003: products bought by the same customers, cosine-scored
so that bestsellers do not swamp everything) is built from the past, and each customer's top ``k``
products are checked against what they bought in the future. Two baselines get the same test: the
past's bestsellers (popularity) and products picked at random.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
import math
import random


@dataclass(frozen=True)
class Purchase:
    """One product bought by one customer at one moment (``basket``: the order it was part of)."""

    user_id: int
    product_id: int
    at: datetime
    basket: str = ""


@dataclass(frozen=True)
class Score:
    """How one recommender did over the customers tested: the share of them for whom at least one of the
    top ``k`` was bought in the future (hit rate), and the mean share of their future buys in the top ``k``."""

    name: str
    hit_rate: float
    recall: float
    customers: int


Recommender = Callable[[set[int], int], list[int]]  # (what a customer bought before, k) -> top k product ids


def split_by_time(purchases: Iterable[Purchase], *, future_share: float = 0.2) -> tuple[list, list]:
    """(past, future): the last ``future_share`` of the purchases in time is the future."""
    ordered = sorted(purchases, key=lambda p: (p.at, p.user_id, p.product_id))
    cut = len(ordered) - int(len(ordered) * future_share)
    return ordered[:cut], ordered[cut:]


def bought_by_user(purchases: Iterable[Purchase]) -> dict[int, set[int]]:
    """Each customer's distinct products."""
    bought: dict[int, set[int]] = defaultdict(set)
    for purchase in purchases:
        bought[purchase.user_id].add(purchase.product_id)
    return dict(bought)


def item_to_item(past: Iterable[Purchase]) -> dict[int, dict[int, float]]:
    """For each product, the products bought by the same customers, with their cosine similarity
    (customers who bought both / sqrt(customers of one x customers of the other))."""
    bought = bought_by_user(past)
    buyers: Counter[int] = Counter()
    together: dict[int, Counter[int]] = defaultdict(Counter)
    for products in bought.values():
        buyers.update(products)
        for product in products:
            together[product].update(other for other in products if other != product)
    return {
        product: {other: n / math.sqrt(buyers[product] * buyers[other]) for other, n in others.items()}
        for product, others in together.items()
    }


def popularity(past: Iterable[Purchase]) -> list[int]:
    """Products by the number of customers who bought them, most first (then by id)."""
    buyers = Counter(product for products in bought_by_user(past).values() for product in products)
    return sorted(buyers, key=lambda product: (-buyers[product], product))


def item_to_item_recommender(model: dict[int, dict[int, float]], fallback: Sequence[int]) -> Recommender:
    """Recommends the products most similar to everything the customer bought (similarities summed),
    topped up from ``fallback`` (the bestsellers) when the neighbours run out; never one already bought."""

    def recommend(history: set[int], k: int) -> list[int]:
        scores: Counter[int] = Counter()
        for product in history:
            for other, similarity in model.get(product, {}).items():
                if other not in history:
                    scores[other] += similarity
        picks = [product for product, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]]
        return picks + _top_up(fallback, history, picks, k)

    return recommend


def popularity_recommender(ranking: Sequence[int]) -> Recommender:
    """The bestsellers the customer has not bought yet."""
    return lambda history, k: _top_up(ranking, history, [], k)


def random_recommender(catalogue: Sequence[int], *, seed: int = 13) -> Recommender:
    """``k`` products the customer has not bought, picked at random (seeded: the same every run)."""
    rng = random.Random(seed)  # noqa: S311 - a baseline, not security  # nosec B311

    def recommend(history: set[int], k: int) -> list[int]:
        unseen = [product for product in catalogue if product not in history]
        return rng.sample(unseen, min(k, len(unseen)))

    return recommend


def _top_up(ranking: Sequence[int], history: set[int], picks: list[int], k: int) -> list[int]:
    chosen = set(picks)
    extra = []
    for product in ranking:
        if len(picks) + len(extra) >= k:
            break
        if product not in history and product not in chosen:
            extra.append(product)
    return extra


def score(
    name: str, recommend: Recommender, *, past: dict[int, set[int]], future: dict[int, set[int]], k: int
) -> Score:
    """Hit rate and recall@k over the customers who bought both before and after the split (something new)."""
    hits, recall_sum, customers = 0, 0.0, 0
    for user_id, later in sorted(future.items()):
        history = past.get(user_id)
        new = later - history if history else set()
        if not new:
            continue  # nothing to learn from, or nothing new to predict
        found = len(set(recommend(history, k)) & new)
        customers += 1
        hits += found > 0
        recall_sum += found / len(new)
    if not customers:
        return Score(name, 0.0, 0.0, 0)
    return Score(name, hits / customers, recall_sum / customers, customers)


def evaluate(purchases: Iterable[Purchase], *, k: int = 10, future_share: float = 0.2, seed: int = 13) -> list[Score]:
    """Item-to-item, popularity and random, each scored at ``k`` on the last ``future_share`` of the history."""
    past, future = split_by_time(purchases, future_share=future_share)
    ranking = popularity(past)
    catalogue = sorted({p.product_id for p in past} | {p.product_id for p in future})
    before, after = bought_by_user(past), bought_by_user(future)
    recommenders = (
        ("item-to-item (cosine)", item_to_item_recommender(item_to_item(past), ranking)),
        ("popularity", popularity_recommender(ranking)),
        ("random", random_recommender(catalogue, seed=seed)),
    )
    return [score(name, recommend, past=before, future=after, k=k) for name, recommend in recommenders]
