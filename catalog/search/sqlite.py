"""SQLite search, for the embedded default: FTS5 with bm25 column weights, or LIKE without FTS5.

The index tables and triggers are in sqlite_schema. Spelling candidates come from the unstemmed
index's fts5vocab table, matched with difflib.
"""

from __future__ import annotations

from bisect import bisect_left
import difflib
from functools import reduce
import operator

from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from catalog.models import Product
from catalog.search import sqlite_schema
from catalog.search.backends import SearchBackend
from catalog.search.query import ParsedQuery, Term
from catalog.search.spelling import Lookup

FTS = sqlite_schema.SEARCH_TABLE
# bm25 weights of name, brand, category path, description.
BM25 = f"bm25({FTS}, 10.0, 5.0, 2.0, 1.0)"
MATCHING_IDS = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"  # noqa: S608 - table name only  # nosec B608
NEAREST_WORDS = 10
LIKE_COLUMNS = ("name", "brand", "category_text", "description")


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def __init__(self) -> None:
        self._fts_by_database: dict[str, bool] = {}

    def has_fts(self) -> bool:
        """Whether this database has the FTS5 index (once per process and database; reinstalls lost triggers)."""
        name = str(connection.settings_dict["NAME"])
        if name not in self._fts_by_database:
            self._fts_by_database[name] = self._check_index()
        return self._fts_by_database[name]

    def _check_index(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            if FTS not in present:
                return False  # migrated without FTS5: LIKE matching
            if not set(sqlite_schema.TRIGGERS) <= present:
                with transaction.atomic():
                    sqlite_schema.install(cursor)
        return True

    # --- matching and ranking ------------------------------------------------------------------

    def match(self, products: QuerySet, query: ParsedQuery) -> QuerySet:
        if not self.has_fts():
            return _like_match(products, query)
        must, must_not = query.to_fts5()
        if must:
            products = products.filter(id__in=RawSQL(MATCHING_IDS, [must]))  # noqa: S611 - constant SQL, bound value  # nosec B611
        if must_not:
            products = products.exclude(id__in=RawSQL(MATCHING_IDS, [must_not]))  # noqa: S611 - constant SQL, bound value  # nosec B611
        return products

    def condition(self, query: ParsedQuery) -> Q:
        if not self.has_fts():
            return _like_condition(query)
        must, _ = query.to_fts5()
        return Q(id__in=RawSQL(MATCHING_IDS, [must]))  # noqa: S611 - constant SQL, bound value  # nosec B611

    @property
    def higher_rank_is_better(self) -> bool:
        return not self.has_fts()  # bm25 is lower for better matches; the LIKE score higher

    def rank(self, query: ParsedQuery):
        must, _ = query.to_fts5()
        if self.has_fts() and must:
            return Bm25(must)
        return _like_score(query)

    # --- spelling and suggestions --------------------------------------------------------------

    def look_up_words(self, words: list[str]) -> dict[str, Lookup]:
        if not words or not self.has_fts():
            return {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term FROM {sqlite_schema.VOCABULARY_TABLE} ORDER BY term")  # noqa: S608 - a constant table name  # nosec B608
            terms = [row[0] for row in cursor.fetchall()]
        lookups = {}
        for word in words:
            at = bisect_left(terms, word)
            starts = at < len(terms) and terms[at].startswith(word)
            nearest = difflib.get_close_matches(word, terms, n=NEAREST_WORDS, cutoff=0.6)
            lookups[word] = Lookup(starts and terms[at] == word, starts, tuple(nearest))
        return lookups

    def suggest_products(self, words: list[str], *, limit: int) -> list[Product]:
        products = Product.objects.filter(status=Product.Status.ACTIVE)
        if self.has_fts():
            expression = " AND ".join(f'name : "{word}"*' for word in words)
            products = products.filter(id__in=RawSQL(MATCHING_IDS, [expression]))  # noqa: S611 - constant SQL, bound value  # nosec B611
        else:
            products = products.filter(reduce(operator.and_, (Q(name__icontains=w) for w in words)))
        return list(products.order_by("-sales_count", "-rating", "id").only("id", "name", "slug")[:limit])


class Bm25(Func):
    """bm25 of the product's row for an FTS5 expression (a correlated look-up by rowid)."""

    output_field = FloatField()

    def __init__(self, expression: str) -> None:
        super().__init__(F("id"), Value(expression))

    def as_sql(self, compiler, connection, **extra_context):
        row_id, expression = self.get_source_expressions()
        id_sql, id_params = compiler.compile(row_id)
        match_sql, match_params = compiler.compile(expression)
        sql = f"(SELECT {BM25} FROM {FTS} WHERE {FTS} MATCH {match_sql} AND {FTS}.rowid = {id_sql})"  # noqa: S608 - constant names; the match and row id are parameters  # nosec B608
        return sql, [*match_params, *id_params]


def _like_term(term: Term) -> Q:
    """A term matched with LIKE in any text column (a quoted phrase as written, other words each)."""
    pieces = [" ".join(term.words)] if term.quoted else list(term.words)
    return reduce(
        operator.and_,
        (reduce(operator.or_, (Q(**{f"{column}__icontains": piece}) for column in LIKE_COLUMNS)) for piece in pieces),
    )


def _like_match(products: QuerySet, query: ParsedQuery) -> QuerySet:
    for group in query.groups:
        positive = [_like_term(term) for term in group if not term.negated]
        negative = [_like_term(term) for term in group if term.negated]
        if positive:
            products = products.filter(reduce(operator.or_, positive))
        elif negative:
            products = products.exclude(reduce(operator.or_, negative))
    return products


def _like_condition(query: ParsedQuery) -> Q:
    """Every positive group's terms, any of them, in any text column."""
    groups = [[_like_term(term) for term in group if not term.negated] for group in query.groups]
    return reduce(operator.and_, (reduce(operator.or_, terms) for terms in groups if terms), Q())


def _like_score(query: ParsedQuery):
    """Without FTS5: a word in the name scores 4, in the brand 2, in the category path 1."""
    score = Value(0, output_field=IntegerField())
    for word in query.positive_words:
        score = score + Case(
            When(name__icontains=word, then=Value(4)),
            When(brand__icontains=word, then=Value(2)),
            When(category_text__icontains=word, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return score
