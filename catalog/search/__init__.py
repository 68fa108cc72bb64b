"""Product search and browse behind one small interface.

``search_products(params)`` filters, ranks, paginates and counts facets; the backend is chosen by
SEARCH_BACKEND (catalog.search.backends.get_backend), by default the database engine's own: PostgreSQL
(weighted tsvector + pg_trgm) or SQLite (FTS5); or Elasticsearch (catalog.search.elasticsearch, with
django-elasticsearch-dsl), its index kept through the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SORTS = ("relevance", "price", "-price", "newest", "rating", "bestselling", "trending")
# Price facet bands, the same everywhere: under 25, 25-49.99, 50-99.99, 100-199.99, 200 and up.
PRICE_BAND_EDGES = (25, 50, 100, 200)
# Rating facet steps: "4 stars & up" ... "1 star & up".
RATING_STEPS = (4, 3, 2, 1)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    category_id: int | None = None  # includes the category's descendants
    brands: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    rating_gte: int | None = None
    in_stock: bool | None = None
    sizes: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    seller_id: int | None = None
    sort: str | None = None  # None: "relevance" with a query, else "newest"
    offset: int = 0
    limit: int = 20
    with_facets: bool = False
    # The shopper's tastes ({"categories": {id: weight}, "brands": {brand: weight}}, see
    # catalog.search.personal): orders near-ties of a relevance ranking; None: the same for everyone.
    affinity: Mapping[str, Mapping] | None = None


@dataclass
class SearchResult:
    # One page of catalog.models.Product, ready to render: seller and category joined, ``in_stock``
    # annotated, ``first_image`` (a ProductImage or None) prefetched.
    products: list
    count: int  # over the whole result set
    # With ``with_facets``: {"category": [{"id","slug","name","count"}], "brand": [{"value","count"}],
    # "price": [{"value","min","max","count"}], "rating": [{"value","count"}], "size": [...], "color": [...]},
    # counted over the whole result set.
    facets: dict | None = None
    query: str = ""
    corrected_query: str | None = None  # the spelling actually searched when the query had a typo
    extra: dict = field(default_factory=dict)
    # Not every word could match: the products match some of them, the most (and rarest) first.
    # ``matched_terms`` are the words the first product matches, ``dropped_terms`` the others.
    relaxed: bool = False
    matched_terms: list[str] = field(default_factory=list)
    dropped_terms: list[str] = field(default_factory=list)
    # Filters read from the query and applied: a catalogue colour or size named in it (then matched
    # against the variants, not the text), and a price phrase ("under 50").
    detected_color: str | None = None
    detected_size: str | None = None
    detected_max_price: Decimal | None = None
    sku_match: bool = False  # the query is (the start of) a SKU: those products come first


def search_products(params: SearchParams) -> SearchResult:
    from catalog.search import personal
    from catalog.search.backends import get_backend

    result = get_backend().search(params)
    # Only the page is reordered, after every cache: cached pages and counts stay the same for everyone.
    if params.affinity and result.products and hasattr(result.products[0], "search_rank"):
        ranks = [product.search_rank for product in result.products]
        result.products = personal.reorder(result.products, ranks, params.affinity)
    return result


def suggest(q: str, *, limit: int = 8) -> dict:
    """Top product names and categories for the search box: ``{"products": [...], "categories": [...]}``."""
    from catalog.search.backends import get_backend

    return get_backend().suggest(q, limit=limit)
