"""What every search backend does the same way: filters, sorts, the page, facets, "did you mean".

An engine subclass adds only the text part: how a parsed query matches and ranks products, where the
vocabulary for spelling corrections comes from, and the search box's suggestions.
"""

from __future__ import annotations

import itertools

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse

from catalog.models import Product, ProductImage, Variant
from catalog.search import SearchParams, SearchResult, results_cache
from catalog.search.facets import count_and_facets
from catalog.search.query import ParsedQuery, normalize_words, parse_query
from catalog.search.spelling import Lookup, closest_words
from catalog.selectors.categories import category_tree, descendant_ids
from inventory import selectors as inventory_selectors

# A query finding this many products or fewer is worth a spelling check.
FEW_RESULTS = 2
MAX_SPELLINGS_TRIED = 4
MAX_LIMIT = 100

# Every sort ends on the id, so pages never overlap or skip rows that tie.
ORDERINGS = {
    "price": ("price", "id"),
    "-price": ("-price", "id"),
    "newest": ("-created_at", "-id"),
    "rating": ("-rating", "-review_count", "id"),
    "bestselling": ("-sales_count", "-rating", "id"),
}


class SearchBackend:
    vendor = ""
    # Whether a higher rank means a better match (ts_rank_cd) or a lower one (bm25).
    higher_rank_is_better = True

    # --- what an engine provides -------------------------------------------------------------------

    def match(self, products: QuerySet, query: ParsedQuery) -> QuerySet:
        """Keep the products matching the query."""
        raise NotImplementedError

    def rank(self, query: ParsedQuery):
        """An expression scoring how well a matching product fits the query."""
        raise NotImplementedError

    def look_up_words(self, words: list[str]) -> dict[str, Lookup]:
        """What the vocabulary knows of each word, with its nearest vocabulary words."""
        raise NotImplementedError

    def suggest_products(self, words: list[str], *, limit: int) -> list[Product]:
        raise NotImplementedError

    # --- the algorithm -----------------------------------------------------------------------------

    def search(self, params: SearchParams) -> SearchResult:
        query = parse_query(params.q)
        result = self._search(params, query)
        if query.has_positive_terms and result.count <= FEW_RESULTS:
            corrected = self.corrected(params, query, found=result.count)
            if corrected is not None:
                retry = self._search(params, corrected)
                if retry.count > result.count:
                    retry.corrected_query = corrected.text()
                    return retry
        return result

    def corrected(self, params: SearchParams, query: ParsedQuery, *, found: int) -> ParsedQuery | None:
        """The query with its unknown words replaced by the closest vocabulary words, or None.

        A word that only starts a known word ("matt" of "mattress") is taken as a typo too when the query
        found nothing. With several equally close words, the first spelling that finds a product wins.
        """
        choices: dict[str, list[str]] = {}
        for word, lookup in self.look_up_words(query.positive_words).items():
            if lookup.known or (lookup.starts_a_word and found):
                continue
            closest = closest_words(word, lookup.nearest)
            if closest:
                choices[word] = closest
        if not choices:
            return None
        spellings = [
            query.with_words_replaced(dict(zip(choices, combination, strict=True)))
            for combination in itertools.islice(itertools.product(*choices.values()), MAX_SPELLINGS_TRIED)
        ]
        if len(spellings) == 1:
            return spellings[0]
        return next((s for s in spellings if self.match(filtered_products(params), s).exists()), None)

    def _search(self, params: SearchParams, query: ParsedQuery) -> SearchResult:
        matching = filtered_products(params)
        if query:
            matching = self.match(matching, query)
        count, facets = self._totals(matching, params, query)
        offset, limit = max(params.offset, 0), min(max(params.limit, 1), MAX_LIMIT)
        products = []
        if offset < count:
            sort = self._sort(params, query)
            key = results_cache.key("page", params, query, sort=sort, offset=offset, limit=limit)
            ranked = results_cache.get(key, count=count)
            if ranked is None:
                ranked = self._page_ids(matching, query, sort=sort, offset=offset, limit=limit)
                results_cache.put(key, ranked, count=count)
            products = self._load(ranked, relevance=sort == "relevance")
        return SearchResult(products=products, count=count, facets=facets, query=params.q)

    def _totals(self, matching: QuerySet, params: SearchParams, query: ParsedQuery) -> tuple[int, dict | None]:
        key = results_cache.key("totals", params, query)
        cached = results_cache.get(key)
        if cached is not None and (cached[1] is not None or not params.with_facets):
            return cached[0], (cached[1] if params.with_facets else None)
        if params.with_facets:
            count, facets = count_and_facets(matching, category_id=params.category_id)
        else:
            count, facets = matching.count(), None
        results_cache.put(key, (count, facets), count=count)
        return count, facets

    def _sort(self, params: SearchParams, query: ParsedQuery) -> str:
        sort = params.sort or "relevance"
        if sort == "relevance" and not query.has_positive_terms:
            return "newest"  # nothing to be relevant to
        return sort if sort == "relevance" or sort in ORDERINGS else "newest"

    def _page_ids(self, matching: QuerySet, query: ParsedQuery, *, sort: str, offset: int, limit: int) -> list:
        """``[(id, rank or None), ...]`` of one page, in order: a narrow query, so sorting thousands of
        matches moves ids and sort keys only."""
        if sort == "relevance":
            first = "-rank" if self.higher_rank_is_better else "rank"
            ordered = matching.annotate(rank=self.rank(query)).order_by(first, "-rating", "id")
            return [tuple(row) for row in ordered.values_list("pk", "rank")[offset : offset + limit]]
        ordered = matching.order_by(*ORDERINGS[sort])
        return [(pk, None) for pk in ordered.values_list("pk", flat=True)[offset : offset + limit]]

    def _load(self, ranked: list, *, relevance: bool) -> list[Product]:
        """The page's products in order. Among equally relevant products, those in stock come first
        (within the page: knowing it for every match would cost a stock look-up per match)."""
        by_id = {p.pk: p for p in load_products([pk for pk, _ in ranked])}
        products = [by_id[pk] for pk, _ in ranked if pk in by_id]  # a product archived since a cached page drops out
        if relevance:
            rank = {pk: r for pk, r in ranked}
            sign = -1 if self.higher_rank_is_better else 1
            products.sort(key=lambda p: (sign * (rank[p.pk] or 0), not p.in_stock))  # stable: rating, id stay
        return products

    def suggest(self, q: str, *, limit: int = 8) -> dict:
        words = normalize_words(q)[:6]
        if not words:
            return {"products": [], "categories": []}
        products = [
            {
                "id": p.pk,
                "name": p.name,
                "slug": p.slug,
                "url": reverse("catalog:product", kwargs={"product_id": p.pk, "slug": p.slug})
                if p.slug
                else reverse("catalog:product-short", kwargs={"product_id": p.pk}),
            }
            for p in self.suggest_products(words, limit=limit)
        ]
        return {"products": products, "categories": suggest_categories(words, limit=max(1, limit // 2))}


def filtered_products(params: SearchParams) -> QuerySet:
    """Listed products passing every filter of ``params`` except the text query."""
    products = Product.objects.filter(status=Product.Status.ACTIVE)
    if params.category_id is not None:
        products = products.filter(category_id__in=descendant_ids(category_id=params.category_id))
    brands = _lowered(params.brands)
    if brands:
        products = products.alias(brand_lower=Lower("brand")).filter(brand_lower__in=brands)
    if params.min_price is not None:
        products = products.filter(price__gte=params.min_price)
    if params.max_price is not None:
        products = products.filter(price__lte=params.max_price)
    if params.rating_gte is not None:
        products = products.filter(rating__gte=params.rating_gte)
    if params.seller_id is not None:
        products = products.filter(seller_id=params.seller_id)
    if params.in_stock is not None:
        in_stock = inventory_selectors.product_in_stock()
        products = products.filter(in_stock if params.in_stock else ~in_stock)
    # A product matches a size (colour) when any of its variants has it; size and colour are checked
    # separately, exactly as the facets count them.
    for column, values in (("size", params.sizes), ("color", params.colors)):
        lowered = _lowered(values)
        if lowered:
            variants = Variant.objects.filter(product_id=OuterRef("pk")).alias(value=Lower(column))
            products = products.filter(Exists(variants.filter(value__in=lowered)))
    return products


def _lowered(values) -> list[str]:
    return sorted({str(v).strip().lower() for v in values or () if str(v).strip()})


def load_products(ids: list[int]) -> list[Product]:
    """Listed products by id, ready for cards: seller and category joined, ``in_stock`` annotated and the
    first image in ``first_image`` (None without one; also as ``first_images``, the catalog selectors'
    prefetch attribute). Two queries whatever the number."""
    products = list(
        Product.objects.filter(pk__in=ids, status=Product.Status.ACTIVE)
        .select_related("seller", "category")
        .defer("search_vector")
        .annotate(in_stock=inventory_selectors.product_in_stock())
    )
    # Every image of the page's products, first ones first: a product has a handful, and this plain
    # query costs far less to build than a windowed "first image per product" prefetch.
    first: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=[p.pk for p in products]).order_by(
        "product_id", "position", "id"
    ):
        first.setdefault(image.product_id, image)
    for product in products:
        product.first_image = first.get(product.pk)
        product.first_images = [product.first_image] if product.first_image else []
    return products


def suggest_categories(words: list[str], *, limit: int) -> list[dict]:
    """Categories whose name has a word starting with each typed word, shallowest first (no query)."""
    found = []
    for node in category_tree().values():
        name_words = normalize_words(node.name)
        if all(any(n.startswith(w) for n in name_words) for w in words):
            found.append(node)
    found.sort(key=lambda n: (n.depth, n.position, n.name))
    return [
        {"id": n.id, "slug": n.slug, "name": n.name, "url": reverse("catalog:category", kwargs={"slug": n.slug})}
        for n in found[:limit]
    ]


_BACKENDS: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    """The backend for the default database's engine."""
    vendor = connection.vendor
    backend = _BACKENDS.get(vendor)
    if backend is None:
        if vendor == "postgresql":
            from catalog.search.postgres import PostgresBackend

            backend = PostgresBackend()
        elif vendor == "sqlite":
            from catalog.search.sqlite import SqliteBackend

            backend = SqliteBackend()
        else:
            raise NotImplementedError(f"No search backend for the {vendor} database.")
        _BACKENDS[vendor] = backend
    return backend
