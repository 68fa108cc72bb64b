"""Facet counts over the whole filtered result set, in one statement.

The matching products are computed once (a materialized CTE) and every facet is a GROUP BY over them:
category, brand, price band, rating, size, colour, and the total count. (No "in stock" count: it
would take a stock look-up per matching product.) Facets count within
the current filters (selecting a brand narrows the other facets, and the brand facet, to it).
"""

from __future__ import annotations

from decimal import Decimal
import itertools

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from catalog.models import Variant
from catalog.search import PRICE_BAND_EDGES, RATING_STEPS
from catalog.selectors.categories import category_tree
from shop import money

BRAND_FACET_SIZE = 20
OPTION_FACET_SIZE = 30


def price_bands() -> list[dict]:
    """The fixed bands, as filters: ``min_price``/``max_price`` (both inclusive) select exactly one band."""
    bands = []
    edges = [None, *PRICE_BAND_EDGES, None]
    step = money.minor_unit()  # a band's inclusive top is one minor unit under the next edge
    for low, high in itertools.pairwise(edges):
        top = None if high is None else money.quantize(Decimal(high) - step)
        bands.append(
            {
                "value": f"{'' if low is None else low}-{'' if top is None else top}",
                "min": None if low is None else money.to_str(low),
                "max": None if top is None else str(top),
            }
        )
    return bands


def _band_case(column: str, edges, *, descending: bool = False) -> tuple[str, list]:
    """A CASE giving a band number per row; the edges are parameters."""
    if descending:  # rating steps: 4, 3, 2, 1 -> "at least"
        whens = " ".join(f"WHEN {column} >= %s THEN {step}" for step in edges)
        return f"CASE {whens} ELSE 0 END", list(edges)
    whens = " ".join(f"WHEN {column} < %s THEN {index}" for index, _ in enumerate(edges))
    return f"CASE {whens} ELSE {len(edges)} END", list(edges)


def count_and_facets(matching: QuerySet, *, category_id: int | None) -> tuple[int, dict]:
    """``(count, facets)`` for the products of ``matching`` (a filtered Product queryset)."""
    inner = matching.order_by().values("id", "category_id", "brand", "price", "rating")
    try:
        inner_sql, inner_params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter that cannot match anything, e.g. an unknown category
        return _shape([], category_id=category_id)
    price_case, price_params = _band_case("price", PRICE_BAND_EDGES)
    rating_case, rating_params = _band_case("rating", RATING_STEPS, descending=True)
    variants = Variant._meta.db_table
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""

    def option(name: str) -> str:
        # Distinct (product, value) pairs first, then products per value: two hash aggregates.
        return (
            f"SELECT * FROM (SELECT '{name}' AS facet, k, MIN(label) AS label, COUNT(*) AS n FROM ("  # noqa: S608 - facet names and sizes are our constants; values are parameters  # nosec B608
            f"SELECT v.product_id, LOWER(v.{name}) AS k, MIN(v.{name}) AS label FROM {variants} v "
            f"JOIN m ON m.id = v.product_id WHERE v.{name} <> '' GROUP BY v.product_id, LOWER(v.{name})"
            f") AS product_{name}s GROUP BY k ORDER BY n DESC, k LIMIT {OPTION_FACET_SIZE}) AS {name}s"
        )

    sql = f"""
        WITH m AS {materialized} ({inner_sql})
        SELECT 'count' AS facet, '' AS k, '' AS label, COUNT(*) AS n FROM m
        UNION ALL SELECT 'category', CAST(category_id AS VARCHAR(20)), '', COUNT(*) FROM m
            WHERE category_id IS NOT NULL GROUP BY category_id
        UNION ALL SELECT * FROM (SELECT 'brand' AS facet, LOWER(brand) AS k, MIN(brand) AS label, COUNT(*) AS n
            FROM m WHERE brand <> '' GROUP BY LOWER(brand) ORDER BY n DESC, k LIMIT {BRAND_FACET_SIZE}) AS brands
        UNION ALL SELECT 'price', CAST(band AS VARCHAR(2)), '', COUNT(*)
            FROM (SELECT {price_case} AS band FROM m) AS price_bands GROUP BY band
        UNION ALL SELECT 'rating', CAST(band AS VARCHAR(2)), '', COUNT(*)
            FROM (SELECT {rating_case} AS band FROM m) AS rating_bands GROUP BY band
        UNION ALL {option("size")}
        UNION ALL {option("color")}
    """  # noqa: S608 - only our own SQL and column names are interpolated; values are parameters  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*inner_params, *price_params, *rating_params])
        rows = cursor.fetchall()
    return _shape(rows, category_id=category_id)


def _shape(rows, *, category_id: int | None) -> tuple[int, dict]:
    count = 0
    by_category: dict[int, int] = {}
    price_counts: dict[int, int] = {}
    rating_counts: dict[int, int] = {}
    values: dict[str, list[dict]] = {"brand": [], "size": [], "color": []}
    for facet, key, label, n in rows:
        if facet == "count":
            count = n
        elif facet == "category":
            by_category[int(key)] = n
        elif facet == "price":
            price_counts[int(key)] = n
        elif facet == "rating":
            rating_counts[int(key)] = n
        else:
            values[facet].append({"value": label, "count": n})
    # A product rated 4.5 counts for "4 and up" and for every lower step too.
    ratings, running = [], 0
    for step in RATING_STEPS:  # descending
        running += rating_counts.get(step, 0)
        ratings.append({"value": step, "count": running})
    bands = [{**band, "count": price_counts.get(i, 0)} for i, band in enumerate(price_bands())]
    facets = {
        "category": _category_facet(by_category, category_id=category_id),
        "brand": values["brand"],
        "price": bands,
        "rating": ratings,
        "size": values["size"],
        "color": values["color"],
    }
    return count, facets


def _category_facet(by_category: dict[int, int], *, category_id: int | None) -> list[dict]:
    """Counts rolled up to the level below the current category (the top level without one)."""
    tree = category_tree()
    totals: dict[int, int] = {}
    for counted_id, n in by_category.items():
        node = tree.get(counted_id)
        while node is not None and node.parent_id != category_id:
            node = tree.get(node.parent_id) if node.parent_id else None
        if node is not None:
            totals[node.id] = totals.get(node.id, 0) + n
    facet = [
        {"id": tree[i].id, "slug": tree[i].slug, "name": tree[i].name, "count": n} for i, n in totals.items() if n > 0
    ]
    facet.sort(key=lambda c: (-c["count"], c["name"]))
    return facet
