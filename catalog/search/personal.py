"""Personal search: among results that tie (or nearly tie) on relevance, the shopper's tastes go first.

Relevance always comes first: the ranked page is cut into groups of near-ties (ranks within
``NEAR_TIE`` of the group's best), and only inside a group are products ordered by the shopper's
affinity (category weight + brand weight); no product ever moves across a group. Catalog knows
nothing of purchase histories: a higher app registers the function that computes a user's affinity
(``register_affinity_provider``, done by recommendations in its AppConfig.ready()).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# Relevance ranks within 5% of the best of their group count as a tie.
NEAR_TIE = 0.05

Affinity = Mapping[str, Mapping]  # {"categories": {category_id: weight}, "brands": {brand: weight}}

_provider: Callable[..., Affinity] | None = None


def register_affinity_provider(provider: Callable[..., Affinity]) -> None:
    """Set the function ``provider(*, user) -> {"categories": {...}, "brands": {...}}`` search uses."""
    global _provider  # one provider per process, set once at start-up
    _provider = provider


def affinity_for(user) -> Affinity | None:
    """The signed-in user's affinity from the registered provider; None for a guest, without a provider,
    or when the user has no history to go by."""
    if _provider is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    affinity = _provider(user=user)
    if not affinity or not (affinity.get("categories") or affinity.get("brands")):
        return None
    return affinity


def score(product, affinity: Affinity) -> float:
    """How much the shopper likes what the product is: its category's weight plus its brand's."""
    categories = affinity.get("categories") or {}
    brands = {str(b).lower(): w for b, w in (affinity.get("brands") or {}).items()}
    return float(categories.get(product.category_id, 0)) + float(brands.get((product.brand or "").lower(), 0))


def near_tie(best: float, rank: float) -> bool:
    """Whether ``rank`` is within NEAR_TIE of ``best`` (either sign: bm25 scores are negative)."""
    return abs(best - rank) <= NEAR_TIE * max(abs(best), abs(rank))


def reorder(products: Sequence, ranks: Sequence[float | None], affinity: Affinity) -> list:
    """``products`` (in relevance order, with their ``ranks``) with each group of near-ties ordered by
    affinity, the best liked first; equally liked products keep their order."""
    ordered: list = []
    group: list[tuple[int, object]] = []
    best: float | None = None
    for index, (product, rank) in enumerate(zip(products, ranks, strict=True)):
        rank = float(rank or 0)
        if best is None or not near_tie(best, rank):
            ordered += _by_affinity(group, affinity)
            group, best = [], rank
        group.append((index, product))
    ordered += _by_affinity(group, affinity)
    return ordered


def _by_affinity(group: list[tuple[int, object]], affinity: Affinity) -> list:
    return [product for _, product in sorted(group, key=lambda item: (-score(item[1], affinity), item[0]))]
