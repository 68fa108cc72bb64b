"""Stand-ins for the signal reads (history, affinity, similar products, recently viewed: recommendations.selectors),
so the landing page's own rules (exclusions, no repeats, diversity, caching) are tested whatever the signals say."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from recommendations import selectors


@dataclass
class Signals:
    bought: dict = field(default_factory=dict)  # user id -> product ids, newest first
    viewed: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)  # user id -> {category id: weight}
    similar: dict = field(default_factory=dict)  # product id -> products
    recent: dict = field(default_factory=dict)  # user id or session key -> products
    history_reads: int = 0

    def history_product_ids(self, *, user):
        self.history_reads += 1
        return {"bought": list(self.bought.get(user.pk, [])), "viewed": list(self.viewed.get(user.pk, []))}

    def affinity(self, *, user):
        return {"categories": dict(self.categories.get(user.pk, {})), "brands": {}}

    def similar_product_ids(self, *, product_id, limit=6):
        return [p.pk for p in self.similar.get(product_id, [])][:limit]

    def recently_viewed_ids(self, *, user=None, session_key=None, limit=8, exclude=()):
        found = self.recent.get(user.pk if user is not None else session_key, [])
        return [p.pk for p in found if p.pk not in set(exclude)][:limit]


@pytest.fixture
def signals(monkeypatch) -> Signals:
    fake = Signals()
    for name in ("history_product_ids", "affinity", "similar_product_ids", "recently_viewed_ids"):
        monkeypatch.setattr(selectors, name, getattr(fake, name))
    return fake
