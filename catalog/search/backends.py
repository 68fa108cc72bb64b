"""What every search backend does the same way: filters, sorts, the page, facets, "did you mean".

An engine subclass adds only the text part: how a parsed query matches and ranks products, where the
vocabulary for spelling corrections comes from, and the search box's suggestions.
"""

from __future__ import annotations

from dataclasses import replace
from functools import reduce
import itertools
import operator
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from catalog.models import Product, Variant
from catalog.search import SearchParams, SearchResult, results_cache
from catalog.search.facets import PageOf, count_and_facets
from catalog.search.query import ParsedQuery, Understanding, normalize_words, understand_query
from catalog.search.spelling import Lookup, closest_words
from catalog.selectors.categories import category_tree, descendant_ids
from catalog.selectors.products import listed_cards
from inventory import selectors as inventory_selectors

# A query finding this many products or fewer is worth a spelling check.
FEW_RESULTS = 2
MAX_SPELLINGS_TRIED = 4
MAX_LIMIT = 100
MAX_SKU_MATCHES = 10
# How far a boost (SKU match, word coverage) outweighs the engine's own rank.
BOOST_SCALE = 10_000.0
OPTION_VALUES_SECONDS = 3600
_SKU_SHAPE = re.compile(r"[\w\-./#]{3,64}", re.ASCII)

# Every sort ends on the id, so pages never overlap or skip rows that tie.
ORDERINGS = {
    "price": ("price", "id"),
    "-price": ("-price", "id"),
    "newest": ("-created_at", "-id"),
    "rating": ("-rating", "-review_count", "id"),
    "bestselling": ("-sales_count", "-rating", "id"),
    # Part D (issue 13): Product.trending_score, set by recommendations.trending.
    "trending": ("-trending_score", "-sales_count", "id"),
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

    def condition(self, query: ParsedQuery) -> Q:
        """A filter condition for the products matching a query of positive terms (usable in aggregates)."""
        raise NotImplementedError

    def look_up_words(self, words: list[str]) -> dict[str, Lookup]:
        """What the vocabulary knows of each word, with its nearest vocabulary words."""
        raise NotImplementedError

    def suggest_products(self, words: list[str], *, limit: int) -> list[Product]:
        raise NotImplementedError

    # --- the algorithm -----------------------------------------------------------------------------

    def search(self, params: SearchParams) -> SearchResult:
        understood = self.understand(params.q)
        pinned = sku_matches(params.q)
        result = None
        if understood.color or understood.size:
            narrowed = _narrowed(params, understood, with_options=True)
            result = self._search_words(narrowed, understood.query, pinned=pinned)
            if result.count:
                result.detected_color, result.detected_size = understood.color, understood.size
            else:
                result = None  # no such colour or size of those words: search the words themselves
        if result is None:
            narrowed = _narrowed(params, understood, with_options=False)
            result = self._search_words(narrowed, understood.with_option_words, pinned=pinned)
        result.detected_max_price = understood.max_price
        result.sku_match = bool(pinned)
        result.query = params.q
        return result

    def understand(self, text: str) -> Understanding:
        """The query's words and the filters read from it (the catalogue's colours and sizes only when
        the text has a word that could be one)."""
        if len(normalize_words(text)) < 2:  # a lone colour or size is searched as a word
            return understand_query(text)
        colors, sizes = option_values()
        return understand_query(text, colors=colors, sizes=sizes)

    def _search_words(self, params: SearchParams, query: ParsedQuery, *, pinned: list[int]) -> SearchResult:
        """Every word matched; else with typos corrected; else the best partial matches."""
        result = self._search(params, query, pinned=pinned)
        if not query.has_positive_terms or result.count > FEW_RESULTS:
            return result
        corrected = self.corrected(params, query, found=result.count)
        if corrected is not None:
            retry = self._search(params, corrected, pinned=pinned)
            if retry.count > result.count:
                retry.corrected_query = corrected.text()
                return retry
        if result.count or pinned:
            return result
        relaxed = self._relaxed(params, corrected or query)
        if relaxed is not None:
            relaxed.corrected_query = corrected.text() if corrected is not None else None
            return relaxed
        return result

    def _relaxed(self, params: SearchParams, query: ParsedQuery) -> SearchResult | None:
        """Products matching some of the words, the most (and the rarest) first.

        Each word (group of alternatives) weighs 1, plus up to 0.5 the fewer products it matches, so
        two words beat one and, of single words, the one that says more wins; a number counts half
        ("laptop 16gb" prefers a laptop to anything 16 GB). Words that match nothing are dropped.
        """
        positive = [group for group in query.groups if not any(term.negated for term in group)]
        negative = tuple(group for group in query.groups if any(term.negated for term in group))
        if len(positive) < 2:
            return None
        conditions = [self.condition(ParsedQuery((group,))) for group in positive]
        # Counted among the products matching any word (found through the text index), not over the catalogue.
        found = (
            filtered_products(params)
            .filter(reduce(operator.or_, conditions))
            .aggregate(
                total=Count("pk"),
                **{f"g{i}": Count("pk", filter=condition) for i, condition in enumerate(conditions)},
            )
        )
        total = found.pop("total")
        if not total:
            return None
        weights = {}
        for i, group in enumerate(positive):
            df = found[f"g{i}"]
            if df:
                numeric = all(any(c.isdigit() for c in word) for term in group for word in term.words)
                weights[i] = (0.5 if numeric else 1.0) + 0.5 * (1 - df / total)
        kept = [positive[i] for i in weights]
        relaxed = ParsedQuery(((*(term for group in kept for term in group),), *negative))
        coverage = reduce(
            operator.add,
            (
                Case(When(conditions[i], then=Value(w)), default=Value(0.0), output_field=FloatField())
                for i, w in weights.items()
            ),
        )
        result = self._search(params, relaxed, boost=coverage, relaxed=True)
        if not result.count:
            return None
        words = [_group_text(group) for group in positive]
        matched = self._groups_matched(result.products[0].pk, conditions) if result.products else set(weights)
        result.relaxed = True
        result.matched_terms = [words[i] for i in sorted(matched)]
        result.dropped_terms = [words[i] for i in range(len(positive)) if i not in matched]
        return result

    @staticmethod
    def _groups_matched(product_id: int, conditions: list[Q]) -> set[int]:
        """Which of the conditions one product meets (one query)."""
        flags = Product.objects.filter(pk=product_id).aggregate(
            **{f"g{i}": Count("pk", filter=condition) for i, condition in enumerate(conditions)}
        )
        return {i for i in range(len(conditions)) if flags[f"g{i}"]}

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

    def _search(
        self,
        params: SearchParams,
        query: ParsedQuery,
        *,
        pinned: list[int] = (),
        boost: Expression | None = None,
        relaxed: bool = False,
    ) -> SearchResult:
        """One search of ``query`` under ``params``. ``pinned`` products (a SKU's) are found whatever the
        words and come first; ``boost`` scores matches ahead of the engine's rank (a relaxed search's
        word coverage)."""
        matching = filtered_products(params)
        if query:
            matching = self.match(matching, query)
        if pinned:
            matching = filtered_products(params).filter(Q(pk__in=pinned) | Q(pk__in=matching.values("pk")))
            boost = Case(
                *(When(pk=pk, then=Value(float(len(pinned) - i))) for i, pk in enumerate(pinned)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        variant = {"relaxed": relaxed, "pinned": list(pinned)}
        offset, limit = max(params.offset, 0), min(max(params.limit, 1), MAX_LIMIT)
        sort = self._sort(params, query)
        page_key = results_cache.key("page", params, query, sort=sort, offset=offset, limit=limit, **variant)
        totals_key = results_cache.key("totals", params, query, **variant)
        totals = results_cache.get(totals_key)
        if totals is not None and (totals[1] is not None or not params.with_facets):
            count, facets, ranked = totals[0], (totals[1] if params.with_facets else None), None
        else:
            count, facets, ranked = self._count(matching, params, query, sort=sort, page=(offset, limit), boost=boost)
            results_cache.put(totals_key, (count, facets), count=count)
            if ranked is not None:
                results_cache.put(page_key, ranked, count=count)
        if ranked is None and offset < count:
            ranked = results_cache.get(page_key, count=count)
            if ranked is None:
                ranked = self._page_ids(matching, query, sort=sort, offset=offset, limit=limit, boost=boost)
                results_cache.put(page_key, ranked, count=count)
        products = self._load(ranked, relevance=sort == "relevance") if ranked else []
        return SearchResult(products=products, count=count, facets=facets, query=params.q)

    def _count(
        self, matching: QuerySet, params: SearchParams, query: ParsedQuery, *, sort: str, page: tuple[int, int], boost
    ) -> tuple[int, dict | None, list | None]:
        """``(count, facets or None, page or None)``: a relevance ranking reads every match anyway, so its first
        page comes from the same reading of them as the count and the facets; a page in another order comes from
        an index, by itself (None here)."""
        if sort == "relevance":
            ordered, order_by = self._ordered(matching, query, sort=sort, boost=boost)
            offset, limit = page
            return count_and_facets(
                ordered,
                category_id=params.category_id,
                with_facets=params.with_facets,
                page=PageOf(order_by=order_by, offset=offset, limit=limit),
            )
        if params.with_facets:
            count, facets, _ = count_and_facets(matching, category_id=params.category_id)
            return count, facets, None
        return matching.count(), None, None

    def _sort(self, params: SearchParams, query: ParsedQuery) -> str:
        sort = params.sort or "relevance"
        if sort == "relevance" and not query.has_positive_terms:
            return "newest"  # nothing to be relevant to
        return sort if sort == "relevance" or sort in ORDERINGS else "newest"

    def _ordered(
        self, matching: QuerySet, query: ParsedQuery, *, sort: str, boost=None
    ) -> tuple[QuerySet, tuple[str, ...]]:
        """``matching`` with what ``sort`` orders by (``rank`` for relevance), and that order. A ``boost``
        outweighs any difference of the engine's rank."""
        if sort != "relevance":
            return matching, ORDERINGS[sort]
        rank = self.rank(query) if query else Value(0.0)
        if boost is not None:
            sign = 1 if self.higher_rank_is_better else -1
            rank = ExpressionWrapper(
                Coalesce(rank, Value(0.0), output_field=FloatField()) + Value(sign * BOOST_SCALE) * boost,
                output_field=FloatField(),
            )
        return matching.annotate(rank=rank), ("-rank" if self.higher_rank_is_better else "rank", "-rating", "id")

    def _page_ids(
        self, matching: QuerySet, query: ParsedQuery, *, sort: str, offset: int, limit: int, boost=None
    ) -> list:
        """``[(id, rank or None), ...]`` of one page, in order: a narrow query, so sorting thousands of
        matches moves ids and sort keys only."""
        ordered, order_by = self._ordered(matching, query, sort=sort, boost=boost)
        ordered = ordered.order_by(*order_by)
        if sort == "relevance":
            return [tuple(row) for row in ordered.values_list("pk", "rank")[offset : offset + limit]]
        return [(pk, None) for pk in ordered.values_list("pk", flat=True)[offset : offset + limit]]

    def _load(self, ranked: list, *, relevance: bool) -> list[Product]:
        """The page's products in order. Among equally relevant products, those in stock come first
        (within the page: knowing it for every match would cost a stock look-up per match)."""
        by_id = {p.pk: p for p in listed_cards([pk for pk, _ in ranked])}
        products = [by_id[pk] for pk, _ in ranked if pk in by_id]  # a product archived since a cached page drops out
        if relevance:
            rank = {pk: r for pk, r in ranked}
            sign = -1 if self.higher_rank_is_better else 1
            products.sort(key=lambda p: (sign * (rank[p.pk] or 0), not p.in_stock))  # stable: rating, id stay
            for product in products:  # for catalog.search.personal's tie-break
                product.search_rank = rank[product.pk]
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
    if params.in_stock is not None:  # the product's own stocked-variants count, plus the few lapsed holds
        in_stock = inventory_selectors.in_stock_condition()
        products = products.filter(in_stock if params.in_stock else ~in_stock)
    # A product matches a size (colour) when any of its variants has it (Product.sizes / .colors, keyed by the
    # lower-cased value); size and colour are checked separately, exactly as the facets count them.
    for field, values in (("sizes", params.sizes), ("colors", params.colors)):
        lowered = _lowered(values)
        if lowered:
            products = products.filter(**{f"{field}__has_any_keys": lowered})
    return products


def _narrowed(params: SearchParams, understood: Understanding, *, with_options: bool) -> SearchParams:
    """``params`` with the filters read from the query added: a price bound, and a colour and size unless
    the shopper already chose some."""
    changes: dict = {}
    if understood.max_price is not None and (params.max_price is None or understood.max_price < params.max_price):
        changes["max_price"] = understood.max_price
    if with_options and understood.color and not params.colors:
        changes["colors"] = (understood.color,)
    if with_options and understood.size and not params.sizes:
        changes["sizes"] = (understood.size,)
    return replace(params, **changes) if changes else params


def option_values() -> tuple[frozenset[str], frozenset[str]]:
    """The lower-cased colours and sizes of the catalogue's variants, cached for an hour (new colours are
    rare). (A colour only archived products have is harmless: filtering by it finds nothing, and the word is
    then searched as a word.)"""
    key = f"catalog:search:options:{connection.settings_dict.get('NAME')}"
    cached = cache.get(key)
    if cached is None:
        cached = (frozenset(_distinct_lowered("color")), frozenset(_distinct_lowered("size")))
        cache.set(key, cached, OPTION_VALUES_SECONDS)
    return cached


def _distinct_lowered(column: str) -> list[str]:
    """The distinct lower-cased non-empty values of a variant column, one index probe per value (a loose
    scan of the LOWER(column) index: tens of values out of millions of variants, where DISTINCT reads them
    all). Same SQL on PostgreSQL and SQLite."""
    variants = Variant._meta.db_table
    sql = f"""
        WITH RECURSIVE found(value) AS (
            SELECT MIN(LOWER({column})) FROM {variants} WHERE LOWER({column}) > ''
            UNION ALL
            SELECT (SELECT MIN(LOWER({column})) FROM {variants} WHERE LOWER({column}) > found.value)
            FROM found WHERE found.value IS NOT NULL
        )
        SELECT value FROM found WHERE value IS NOT NULL
    """  # noqa: S608 - our own table and column names only  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


def sku_matches(text: str) -> list[int]:
    """Listed products whose SKU is ``text`` (any case), then those whose SKU starts with it, in that
    order (at most MAX_SKU_MATCHES). Only a single token with a digit can be a SKU, so that words ("boot")
    never match SKUs ("BOOT-1") nor cost a look-up; a prefix needs a letter too and five characters."""
    token = (text or "").strip()
    if not _SKU_SHAPE.fullmatch(token) or not any(c.isdigit() for c in token):
        return []
    listed = Variant.objects.filter(product__status=Product.Status.ACTIVE)
    exact = list(dict.fromkeys(listed.filter(sku__in={token, token.upper()}).values_list("product_id", flat=True)))
    prefix: list[int] = []
    looks_like_sku = len(token) >= 5 and any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
    if looks_like_sku and len(exact) < MAX_SKU_MATCHES:
        starting = listed.filter(sku__startswith=token.upper()).exclude(product_id__in=exact).order_by("sku")
        prefix = list(dict.fromkeys(starting.values_list("product_id", flat=True)[: MAX_SKU_MATCHES * 4]))
    return [*exact, *prefix][:MAX_SKU_MATCHES]


def _group_text(group) -> str:
    """A group of alternatives as the shopper would write it ("16gb", not "16gb OR 16-gb")."""
    if len(group) == 2 and "".join(group[1].words) == "".join(group[0].words):
        return group[0].text()
    return " OR ".join(term.text() for term in group)


def _lowered(values) -> list[str]:
    return sorted({str(v).strip().lower() for v in values or () if str(v).strip()})


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
# SEARCH_BACKEND -> the database vendor it needs (None: any).
ENGINES = {"postgres": "postgresql", "sqlite": "sqlite", "elasticsearch": None}


def get_backend() -> SearchBackend:
    """The backend SEARCH_BACKEND names (by default the default database's own engine). ImproperlyConfigured for
    an unknown name, or a database engine's search on another database."""
    name = getattr(settings, "SEARCH_BACKEND", "") or ("postgres" if connection.vendor == "postgresql" else "sqlite")
    backend = _BACKENDS.get(name)
    if backend is not None and ENGINES[name] in (None, connection.vendor):
        return backend
    vendor = connection.vendor
    if name not in ENGINES:
        raise ImproperlyConfigured(f"SEARCH_BACKEND={name!r}: choose one of {', '.join(sorted(ENGINES))}.")
    needed = ENGINES[name]
    if needed is not None and needed != vendor:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND={name!r} searches a {needed} database, but the default database is {vendor}: "
            f"unset SEARCH_BACKEND, or choose elasticsearch."
        )
    if name == "postgres":
        from catalog.search.postgres import PostgresBackend

        backend = PostgresBackend()
    elif name == "sqlite":
        from catalog.search.sqlite import SqliteBackend

        backend = SqliteBackend()
    else:
        from catalog.search.elasticsearch.backend import ElasticsearchBackend

        backend = ElasticsearchBackend()
    _BACKENDS[name] = backend
    return backend
