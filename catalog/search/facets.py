"""Facet counts over the whole filtered result set, and the first page asked for, in one statement.

The matching products are computed once (a materialized CTE) and every facet is a GROUP BY over them:
category, brand, price band, rating, size, colour (each product's own sizes and colours, kept on its row),
and the total count. (No "in stock" count: it would take a stock look-up per matching product.) Facets count within
the current filters (selecting a brand narrows the other facets, and the brand facet, to it). The page asked for
is ranked from the same rows, so a first search reads its matching products once, not once for the counts and
again for the ranking (at a million products, reading 30,000 scattered rows is most of a broad query's time).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
import itertools

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

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


@dataclass(frozen=True)
class PageOf:
    """A page of the matches read in the same pass as the count: ``order_by`` names fields of the matching rows
    (an annotation such as ``rank`` too), "-" first for descending, ending on a unique one."""

    order_by: tuple[str, ...]
    offset: int
    limit: int

    @property
    def columns(self) -> list[str]:
        return [name.removeprefix("-") for name in self.order_by]

    def sql(self) -> str:
        return ", ".join(f"{name[1:]} DESC" if name.startswith("-") else name for name in self.order_by)


def count_and_facets(
    matching: QuerySet, *, category_id: int | None, with_facets: bool = True, page: PageOf | None = None
) -> tuple[int, dict | None, list | None]:
    """``(count, facets, page)`` for the products of ``matching`` (a filtered Product queryset, annotated with
    ``rank`` when the page is ordered by it), in one statement reading the matching rows once: facets only
    ``with_facets`` (else None), and the ``page`` as ``[(id, rank or None), ...]`` when one is asked (else None)."""
    facet_columns = ["category_id", "brand", "price", "rating", "sizes", "colors"] if with_facets else []
    page_columns = page.columns if page is not None else []
    columns = list(dict.fromkeys(["id", *facet_columns, *page_columns]))
    try:
        inner_sql, inner_params = matching.order_by().values(*columns).query.sql_with_params()
    except EmptyResultSet:  # a filter that cannot match anything, e.g. an unknown category
        return _shape([], category_id=category_id, with_facets=with_facets, page=page)
    postgres = connection.vendor == "postgresql"
    materialized = "MATERIALIZED" if postgres else ""
    # The UNION's fifth column carries a page row's rank; NULL elsewhere.
    score = "CAST(NULL AS DOUBLE PRECISION)"
    parts = [f"SELECT 'count' AS facet, '' AS k, '' AS label, COUNT(*) AS n, {score} AS score FROM m"]  # noqa: S608 - our own SQL  # nosec B608
    params = list(inner_params)
    if with_facets:
        price_case, price_params = _band_case("price", PRICE_BAND_EDGES)
        rating_case, rating_params = _band_case("rating", RATING_STEPS, descending=True)
        each = "jsonb_each_text" if postgres else "json_each"  # both give the pairs as (key, value)

        def option(name: str) -> str:
            # Products grouped by their whole set of values first (a category's products mostly share one), then
            # each distinct set's values counted for its products: the JSON is taken apart once per set, not per row.
            return (
                f"SELECT * FROM (SELECT '{name}' AS facet, e.key AS k, MIN(e.value) AS label, "  # noqa: S608 - facet names and sizes are our constants  # nosec B608
                f"CAST(SUM(sets.n) AS BIGINT) AS n, {score} AS score "
                f"FROM (SELECT {name}s AS options, COUNT(*) AS n FROM m GROUP BY {name}s) AS sets, "
                f"{each}(sets.options) AS e GROUP BY e.key ORDER BY n DESC, k LIMIT {OPTION_FACET_SIZE}) AS {name}s"
            )

        parts += [
            f"SELECT 'category', CAST(category_id AS VARCHAR(20)), '', COUNT(*), {score} FROM m "  # noqa: S608 - our own SQL  # nosec B608
            "WHERE category_id IS NOT NULL GROUP BY category_id",
            f"SELECT * FROM (SELECT 'brand' AS facet, LOWER(brand) AS k, MIN(brand) AS label, COUNT(*) AS n, "  # noqa: S608 - our own SQL  # nosec B608
            f"{score} AS score FROM m WHERE brand <> '' GROUP BY LOWER(brand) ORDER BY n DESC, k "
            f"LIMIT {BRAND_FACET_SIZE}) AS brands",
            f"SELECT 'price', CAST(band AS VARCHAR(2)), '', COUNT(*), {score} "  # noqa: S608 - our own SQL  # nosec B608
            f"FROM (SELECT {price_case} AS band FROM m) AS price_bands GROUP BY band",
            f"SELECT 'rating', CAST(band AS VARCHAR(2)), '', COUNT(*), {score} "  # noqa: S608 - our own SQL  # nosec B608
            f"FROM (SELECT {rating_case} AS band FROM m) AS rating_bands GROUP BY band",
            option("size"),
            option("color"),
        ]
        params += [*price_params, *rating_params]
    if page is not None:
        order = page.sql()
        rank = "rank" if "rank" in page_columns else score
        # Numbered by the same order within the page: a UNION keeps no order of its own.
        parts.append(
            f"SELECT 'page', CAST(id AS VARCHAR(20)), '', ROW_NUMBER() OVER (ORDER BY {order}), {rank} "  # noqa: S608 - field names of our own orderings  # nosec B608
            f"FROM (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) AS page"
        )
        params += [page.limit, page.offset]
    sql = f"WITH m AS {materialized} ({inner_sql}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _shape(rows, category_id=category_id, with_facets=with_facets, page=page)


def _shape(
    rows, *, category_id: int | None, with_facets: bool, page: PageOf | None
) -> tuple[int, dict | None, list | None]:
    count = 0
    by_category: dict[int, int] = {}
    price_counts: dict[int, int] = {}
    rating_counts: dict[int, int] = {}
    values: dict[str, list[dict]] = {"brand": [], "size": [], "color": []}
    ranked: list[tuple[int, int, float | None]] = []
    for facet, key, label, n, score in rows:
        if facet == "count":
            count = n
        elif facet == "page":
            ranked.append((n, int(key), score))
        elif facet == "category":
            by_category[int(key)] = n
        elif facet == "price":
            price_counts[int(key)] = n
        elif facet == "rating":
            rating_counts[int(key)] = n
        else:
            values[facet].append({"value": label, "count": n})
    found = [(pk, score) for _, pk, score in sorted(ranked)] if page is not None else None
    if not with_facets:
        return count, None, found
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
    return count, facets, found


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
