"""What computing one answer costs in-process, with no cache of any kind: the figures issue 15's "independent of
the catalogue's size" compares between bench databases (docs/PERFORMANCE.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop_bench_1m REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/computed.py search      # the bench's 24 queries with facets, 3 rounds
    ... bench/computed.py landing                       # 20 demo shoppers' landing rows, nothing cached at all

Run it on an idle machine against a seeded bench database (``make bench`` creates them; the cache database is
flushed first, as each run of ``make bench`` does). Prints each query's best and median time and, over all
rounds but the first, the p50 / p95 / max in milliseconds.
"""

from __future__ import annotations

import os
from pathlib import Path
import statistics
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
os.environ["SEARCH_CACHE_SECONDS"] = "0"  # every search computed


def _summary(times: dict[str, list[float]]) -> None:
    for label, values in times.items():
        print(f"{label[:32]:32s} best {min(values):7.1f}  median {statistics.median(values):7.1f}")
    from workloads import _percentile

    later = [v for values in times.values() for v in values[1:]]
    p50, p95 = _percentile(later, 50), _percentile(later, 95)
    print(f"all but the first round: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(later):.1f} ms")


def search(rounds: int = 3) -> None:
    from workloads import QUERIES

    from catalog.search import SearchParams, search_products

    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            search_products(SearchParams(q=q, with_facets=True))
            times[q].append((time.perf_counter() - started) * 1000)
    _summary(times)


def landing(shoppers: int = 20, rounds: int = 2) -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from recommendations.landing import landing_sections

    users = list(get_user_model().objects.filter(email__startswith="shopper").order_by("email")[:shoppers])
    times: dict[str, list[float]] = {u.email: [] for u in users}
    for _ in range(rounds):
        for user in users:
            cache.clear()  # their first visit, and no other shopper's cards cached either
            started = time.perf_counter()
            landing_sections(user=user)
            times[user.email].append((time.perf_counter() - started) * 1000)
    _summary(times)


if __name__ == "__main__":
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    {"search": search, "landing": landing}[sys.argv[1] if len(sys.argv) > 1 else "search"]()
