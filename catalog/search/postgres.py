"""PostgreSQL search: the stored, weighted ``search_vector`` (GIN), ``ts_rank_cd``, and pg_trgm for typos.

The vector (name A, brand B, category path C, description D) and the vocabulary of words are kept by
triggers (migration 0002), so nothing here writes.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

from catalog.models import Product, SearchTerm
from catalog.search.backends import SearchBackend
from catalog.search.query import ParsedQuery
from catalog.search.spelling import Lookup

CONFIG = "english"
# ts_rank_cd weights for D, C, B, A: a word in the name counts ten times one in the description.
WEIGHTS = [0.1, 0.2, 0.4, 1.0]
NEAREST_WORDS = 10


def ts_query(text: str) -> SearchQuery:
    """``to_tsquery('english', %s)``: the text is a bound parameter, built by catalog.search.query."""
    return SearchQuery(text, search_type="raw", config=CONFIG)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def match(self, products: QuerySet, query: ParsedQuery) -> QuerySet:
        return products.filter(self.condition(query))

    def condition(self, query: ParsedQuery) -> Q:
        return Q(search_vector=ts_query(query.to_tsquery()))

    def rank(self, query: ParsedQuery) -> SearchRank:
        return SearchRank(F("search_vector"), ts_query(query.to_tsquery()), weights=WEIGHTS, cover_density=True)

    def look_up_words(self, words: list[str]) -> dict[str, Lookup]:
        if not words:
            return {}
        table = SearchTerm._meta.db_table
        # One row per word: is it a vocabulary word, does one start with it (words hold only letters and
        # digits, so the LIKE pattern has no wildcards but the final one), and its nearest words by
        # trigram distance (a GiST KNN scan, whatever the similarity: "iphnoe"/"iphone" is only 0.27).
        select = (
            f"SELECT %s, EXISTS (SELECT 1 FROM {table} WHERE term = %s), "  # noqa: S608 - a table name  # nosec B608
            f"EXISTS (SELECT 1 FROM {table} WHERE term LIKE %s), "
            f"ARRAY(SELECT term FROM {table} ORDER BY term <-> %s LIMIT {NEAREST_WORDS})"
        )
        params = []
        for word in words:
            params += [word, word, f"{word}%", word]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join([select] * len(words)), params)
            rows = cursor.fetchall()
        return {word: Lookup(known, starts, tuple(nearest)) for word, known, starts, nearest in rows}

    def suggest_products(self, words: list[str], *, limit: int) -> list[Product]:
        # Every typed word as the start of a word of the name (weight A only). The last word is still
        # being typed, so it is also tried unstemmed, without the stop-word list ("he" on the way to
        # "headphones" is an English stop word, which to_tsquery('english') would drop).
        *typed, typing = words
        query = ts_query(f"{typing}:*A") | SearchQuery(f"{typing}:*A", search_type="raw", config="simple")
        for word in typed:
            query = ts_query(f"{word}:*A") & query
        return list(
            Product.objects.filter(status=Product.Status.ACTIVE, search_vector=query)
            .order_by("-sales_count", "-rating", "id")
            .only("id", "name", "slug")[:limit]
        )
