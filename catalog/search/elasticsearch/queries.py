"""Search requests as plain data: SearchParams and a parsed query in, the request body out; the answer back
into ids, a count and facets. Pure functions, so every request the store sends can be checked without a server.

The text part follows catalog.search.query: every group of the query must match (relaxed: any, the most first),
a word as a ``multi_match`` over name > brand > category path > description with typo tolerance, the start of
a word through the name's edge n-grams, a phrase in order, ``-word`` excluded. Everything else is a filter.
"""

from __future__ import annotations

from decimal import Decimal
import itertools

from catalog.search import PRICE_BAND_EDGES, RATING_STEPS, SearchParams
from catalog.search.facets import BRAND_FACET_SIZE, OPTION_FACET_SIZE, _category_facet, price_bands
from catalog.search.query import ParsedQuery, Term

# The same order of importance as PostgreSQL's weights (A > B > C > D) and SQLite's bm25 column weights.
TEXT_FIELDS = ("name^10", "brand^5", "category_path^2", "description")
PREFIX_FIELD = "name.prefix"
PREFIX_BOOST = 2.0
# The edits a word may have, as catalog.search.spelling allows: none up to three letters, one up to seven,
# two from eight.
FUZZINESS = "AUTO:4,8"
# Pinned products (a SKU's) outweigh any text score, as in the SQL backends.
PINNED_BOOST = 10_000.0
CATEGORY_BUCKETS = 1000
ORDER_BY_COUNT = [{"_count": "desc"}, {"_key": "asc"}]
RELEVANCE_SORT = [{"_score": "desc"}, {"rating": "desc"}, {"id": "asc"}]


def group_name(index: int) -> str:
    """The name a group's clause carries, so a hit says which groups it matched (``matched_queries``)."""
    return f"g{index}"


def term_clause(term: Term) -> dict:
    """One word or phrase, matched in any text field (a negated term is matched the same way, to exclude)."""
    text = " ".join(term.words)
    if term.is_phrase or term.quoted:
        return {"multi_match": {"query": text, "type": "phrase", "fields": list(TEXT_FIELDS)}}
    word = {"multi_match": {"query": text, "type": "best_fields", "fields": list(TEXT_FIELDS)}}
    if not any(c.isdigit() for c in text) and not term.negated:
        word["multi_match"]["fuzziness"] = FUZZINESS  # "128gb" is not a typo of "256gb"
        word["multi_match"]["prefix_length"] = 1
    if not term.prefix:
        return word
    starts = {"match": {PREFIX_FIELD: {"query": text, "boost": PREFIX_BOOST}}}
    return {"bool": {"should": [word, starts], "minimum_should_match": 1}}


def text_query(query: ParsedQuery, *, relaxed: bool = False) -> dict | None:
    """The query's words as a bool query: every positive group (any with ``relaxed``), none of the negated
    terms. None for an empty query."""
    positive, negative = [], []
    for index, group in enumerate(query.groups):
        if len(group) == 1 and group[0].negated:
            negative.append(term_clause(group[0]))
            continue
        alternatives = [term_clause(term) for term in group if not term.negated]
        if alternatives:  # "-a OR b": the negated alternative has no meaning of its own (as with FTS5)
            positive.append({"bool": {"should": alternatives, "minimum_should_match": 1, "_name": group_name(index)}})
    if not positive and not negative:
        return None
    body: dict = {}
    if positive and relaxed:
        body.update(should=positive, minimum_should_match=1)
    elif positive:
        body["must"] = positive
    if negative:
        body["must_not"] = negative
    return {"bool": body}


def _lowered(values) -> list[str]:
    return sorted({str(v).strip().lower() for v in values or () if str(v).strip()})


def filters(params: SearchParams) -> list[dict]:
    """One filter per SearchParams field set (listed products only, always)."""
    found: list[dict] = [{"term": {"status": "active"}}]
    if params.category_id is not None:
        found.append({"term": {"category_ids": params.category_id}})  # its descendants index it as an ancestor
    brands = _lowered(params.brands)
    if brands:
        found.append({"terms": {"brand.keyword": brands}})
    price: dict = {}
    if params.min_price is not None:
        price["gte"] = str(Decimal(params.min_price))
    if params.max_price is not None:
        price["lte"] = str(Decimal(params.max_price))
    if price:
        found.append({"range": {"price": price}})
    if params.rating_gte is not None:
        found.append({"range": {"rating": {"gte": params.rating_gte}}})
    if params.seller_id is not None:
        found.append({"term": {"seller_id": params.seller_id}})
    if params.in_stock is not None:
        found.append({"term": {"in_stock": params.in_stock}})
    for field, values in (("sizes", params.sizes), ("colors", params.colors)):
        lowered = _lowered(values)
        if lowered:
            found.append({"terms": {field: lowered}})
    return found


def sort_clause(sort: str) -> list[dict]:
    """``sort`` (a key of catalog.search.backends.ORDERINGS, or "relevance") as an Elasticsearch sort."""
    from catalog.search.backends import ORDERINGS

    if sort == "relevance":
        return list(RELEVANCE_SORT)
    return [{name.removeprefix("-"): "desc" if name.startswith("-") else "asc"} for name in ORDERINGS[sort]]


def _options_aggregation(path: str) -> dict:
    return {
        "nested": {"path": path},
        "aggs": {
            "values": {
                "terms": {"field": f"{path}.key", "size": OPTION_FACET_SIZE, "order": ORDER_BY_COUNT},
                "aggs": {"label": {"terms": {"field": f"{path}.value", "size": 1, "order": {"_key": "asc"}}}},
            }
        },
    }


def aggregations() -> dict:
    """Every facet, counted over the whole result set (within the filters), as SearchResult shows them."""
    edges = [None, *PRICE_BAND_EDGES, None]
    price_ranges = []
    for index, (low, high) in enumerate(itertools.pairwise(edges)):
        band: dict = {"key": str(index)}
        if low is not None:
            band["from"] = low
        if high is not None:
            band["to"] = high  # exclusive: 49.99 is in the band under 50
        price_ranges.append(band)
    return {
        "category": {"terms": {"field": "category_id", "size": CATEGORY_BUCKETS}},
        "brand": {
            "terms": {"field": "brand.keyword", "size": BRAND_FACET_SIZE, "order": ORDER_BY_COUNT, "exclude": [""]},
            "aggs": {"label": {"terms": {"field": "brand.raw", "size": 1, "order": {"_key": "asc"}}}},
        },
        "price": {"range": {"field": "price", "ranges": price_ranges}},
        # Overlapping ranges: a product rated 4.5 counts for "4 & up" and every lower step.
        "rating": {"range": {"field": "rating", "ranges": [{"key": str(s), "from": s} for s in RATING_STEPS]}},
        "size": _options_aggregation("size_options"),
        "color": _options_aggregation("color_options"),
    }


def search_body(
    params: SearchParams,
    query: ParsedQuery,
    *,
    sort: str,
    offset: int,
    limit: int,
    pinned: tuple[int, ...] | list[int] = (),
    relaxed: bool = False,
) -> dict:
    """The request body of one search: the text query (pinned products first), the filters, the sort, the page,
    the exact total and, ``with_facets``, the aggregations. Ids come back as the hits' ``_id``."""
    text = text_query(query, relaxed=relaxed)
    if pinned:
        boosts = [
            {"constant_score": {"filter": {"term": {"id": pk}}, "boost": PINNED_BOOST * (len(pinned) - i)}}
            for i, pk in enumerate(pinned)
        ]
        text = {"bool": {"should": [*([text] if text else []), *boosts], "minimum_should_match": 1}}
    bool_query: dict = {"filter": filters(params)}
    if text is not None:
        bool_query["must"] = [text]
    body = {
        "query": {"bool": bool_query},
        "sort": sort_clause(sort),
        "from": offset,
        "size": limit,
        "track_total_hits": True,
        "_source": False,
    }
    if params.with_facets:
        body["aggs"] = aggregations()
    return body


def suggest_body(words: list[str], *, limit: int) -> dict:
    """The search box's completion request: the typed words as the start of a name (from any of its words)."""
    return {
        "_source": False,
        "suggest": {
            "products": {
                "prefix": " ".join(words),
                "completion": {"field": "suggest", "size": limit, "skip_duplicates": False},
            }
        },
    }


# --- The answer ---------------------------------------------------------------------------------


def ranked_hits(response: dict) -> list[tuple[int, float | None]]:
    """``[(product id, score), ...]`` in hit order (score None when the sort was not by relevance)."""
    return [(int(hit["_id"]), hit.get("_score")) for hit in response["hits"]["hits"]]


def total(response: dict) -> int:
    found = response["hits"]["total"]
    return found["value"] if isinstance(found, dict) else int(found)


def matched_groups(response: dict) -> set[int] | None:
    """The groups the first hit matched (by their ``group_name``), or None without a hit."""
    hits = response["hits"]["hits"]
    if not hits:
        return None
    names = hits[0].get("matched_queries") or []
    if isinstance(names, dict):  # include_named_queries_score: {name: score}
        names = list(names)
    return {int(name[1:]) for name in names if name.startswith("g") and name[1:].isdigit()}


def facets_from(aggs: dict, *, category_id: int | None) -> dict:
    """The aggregations as SearchResult's facets (the same shape as catalog.search.facets gives)."""
    by_category = {int(b["key"]): b["doc_count"] for b in aggs["category"]["buckets"]}
    price_counts = {int(b["key"]): b["doc_count"] for b in aggs["price"]["buckets"]}
    rating_counts = {int(b["key"]): b["doc_count"] for b in aggs["rating"]["buckets"]}

    def values(buckets: list[dict]) -> list[dict]:
        return [
            {"value": (b["label"]["buckets"] or [{"key": b["key"]}])[0]["key"], "count": b["doc_count"]}
            for b in buckets
        ]

    return {
        "category": _category_facet(by_category, category_id=category_id),
        "brand": values(aggs["brand"]["buckets"]),
        "price": [{**band, "count": price_counts.get(i, 0)} for i, band in enumerate(price_bands())],
        "rating": [{"value": step, "count": rating_counts.get(step, 0)} for step in RATING_STEPS],
        "size": values(aggs["size"]["values"]["buckets"]),
        "color": values(aggs["color"]["values"]["buckets"]),
    }


def suggested_ids(response: dict) -> list[int]:
    """The product ids of a completion answer, best first, each once."""
    options = response.get("suggest", {}).get("products", [{}])[0].get("options", [])
    return list(dict.fromkeys(int(option["_id"]) for option in options))
