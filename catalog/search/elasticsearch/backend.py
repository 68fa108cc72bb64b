"""Search on Elasticsearch: the same reading of the query as the SQL backends (colours, sizes, price phrases,
SKUs), one request per search for the page, the count and the facets, and the page's products loaded from
the database in the hits' order, so pages render exactly as with the other backends.

Typos are matched by the query itself (fuzziness), so no "did you mean" spelling is reported; when not every
word can match, the products matching the most words are shown and the answer says which words were dropped.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from elasticsearch.dsl.connections import connections

from catalog.models import Product
from catalog.search import SearchParams, SearchResult
from catalog.search.backends import MAX_LIMIT, SearchBackend, _group_text
from catalog.search.elasticsearch import queries
from catalog.search.elasticsearch.documents import PRODUCTS_INDEX
from catalog.search.query import ParsedQuery


def client():
    """The configured client (settings.ELASTICSEARCH_DSL); it connects when first used."""
    return connections.get_connection()


class ElasticsearchBackend(SearchBackend):
    vendor = "elasticsearch"
    higher_rank_is_better = True

    def _search_words(self, params: SearchParams, query: ParsedQuery, *, pinned: list[int]) -> SearchResult:
        """Every word matched (typos within their budget); else the products matching the most words."""
        result, _ = self._run(params, query, pinned=pinned)
        positive = [group for group in query.groups if not any(term.negated for term in group)]
        if result.count or pinned or len(positive) < 2:
            return result
        relaxed, matched = self._run(params, query, relaxed=True)
        if not relaxed.count:
            return result
        words = {index: _group_text(group) for index, group in enumerate(query.groups) if group in positive}
        matched = matched if matched is not None else set(words)
        relaxed.relaxed = True
        relaxed.matched_terms = [text for index, text in words.items() if index in matched]
        relaxed.dropped_terms = [text for index, text in words.items() if index not in matched]
        return relaxed

    def _run(
        self, params: SearchParams, query: ParsedQuery, *, pinned: list[int] = (), relaxed: bool = False
    ) -> tuple[SearchResult, set[int] | None]:
        """One request: the page, the total and (``with_facets``) the facets; and the groups the first hit matched."""
        sort = self._sort(params, query)
        offset, limit = max(params.offset, 0), min(max(params.limit, 1), MAX_LIMIT)
        body = queries.search_body(
            params, query, sort=sort, offset=offset, limit=limit, pinned=tuple(pinned), relaxed=relaxed
        )
        response = dict(client().search(index=PRODUCTS_INDEX, body=body))
        ranked = queries.ranked_hits(response)
        facets = None
        if "aggs" in body:
            facets = queries.facets_from(response["aggregations"], category_id=params.category_id)
        products = self._load(ranked, relevance=sort == "relevance") if ranked else []
        result = SearchResult(products=products, count=queries.total(response), facets=facets, query=params.q)
        return result, queries.matched_groups(response)

    def suggest_products(self, words: list[str], *, limit: int) -> list[Product]:
        response = dict(client().search(index=PRODUCTS_INDEX, body=queries.suggest_body(words, limit=limit)))
        ids = queries.suggested_ids(response)[:limit]
        if not ids:
            return []
        order = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField())
        return list(
            Product.objects.filter(pk__in=ids, status=Product.Status.ACTIVE).only("id", "name", "slug").order_by(order)
        )
