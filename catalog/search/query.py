"""The shopper's query language, parsed once and written out for each engine.

Like PostgreSQL's ``websearch_to_tsquery``: words (all must match), ``"quoted phrases"``, ``-negation``
and ``OR`` between two terms; plus prefix matching on plain words of three letters or more ("head"
finds "headphones"). Words are reduced to letters and digits before they reach any engine, so the
text handed to ``to_tsquery`` or FTS5 ``MATCH`` (always as a bound parameter) is well-formed by
construction, whatever the shopper typed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
import re

MAX_TERMS = 12
MIN_PREFIX_LENGTH = 3

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")
# "men's" -> "men", "kids'" -> "kids": the possessive is no word of its own.
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019](?:s\b|(?!\w))", re.I)
# "under 50", "below $49.99", "less than 50 dollars", "< 50": an upper price bound.
_PRICE_PHRASE = re.compile(
    r"(?:\b(?:under|below|less\s+than|cheaper\s+than|up\s+to|max)|<)\s*[$\u20ac\u00a3]?\s*"
    r"(\d+(?:[.,]\d{1,2})?)(?:\s*(?:dollars?|usd|eur|euros?|gbp|pounds?)\b|[$\u20ac\u00a3])?",
    re.I,
)
# Units written after a number: "16gb", "16 GB", "500ml", "27in" are the same whatever the spacing.
# fmt: off
UNITS = frozenset((
    "gb", "tb", "mb", "kb", "mah", "mp", "hz", "ghz", "mhz", "w", "kw", "v", "mm", "cm", "m", "km", "ml", "l",
    "kg", "g", "mg", "oz", "lb", "lbs", "inch", "ft", "pc", "pcs", "pack",
))
# fmt: on
_NUMBER_WITH_UNIT = re.compile(r"^(\d+)([a-z]+)$")


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of words that must appear in this order."""

    words: tuple[str, ...]
    negated: bool = False
    quoted: bool = False  # typed in quotes: matched exactly, never as a prefix

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def prefix(self) -> bool:
        return not (self.negated or self.quoted or self.is_phrase) and len(self.words[0]) >= MIN_PREFIX_LENGTH

    def text(self) -> str:
        body = f'"{" ".join(self.words)}"' if self.quoted else "-".join(self.words)
        return f"-{body}" if self.negated else body


@dataclass(frozen=True)
class ParsedQuery:
    """Terms that must all match; each group holds one term, or several alternatives joined by OR."""

    groups: tuple[tuple[Term, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def positive_words(self) -> list[str]:
        """The words a matching product contains (what spelling correction may change)."""
        seen: dict[str, None] = {}
        for term in self.terms:
            if not term.negated:
                for word in term.words:
                    seen.setdefault(word, None)
        return list(seen)

    @property
    def has_positive_terms(self) -> bool:
        return any(not term.negated for group in self.groups for term in group)

    def text(self) -> str:
        """The query written back in its own syntax: what "did you mean" shows."""
        return " ".join(" OR ".join(term.text() for term in group) for group in self.groups)

    def with_words_replaced(self, corrections: Mapping[str, str]) -> ParsedQuery:
        return ParsedQuery(
            tuple(
                tuple(replace(term, words=tuple(corrections.get(w, w) for w in term.words)) for term in group)
                for group in self.groups
            )
        )

    def to_tsquery(self) -> str:
        """Text for PostgreSQL's ``to_tsquery('english', %s)``."""

        def term_sql(term: Term) -> str:
            if term.is_phrase:
                body = "(" + " <-> ".join(term.words) + ")"
            else:
                body = term.words[0] + (":*" if term.prefix else "")
            return f"!{body}" if term.negated else body

        def group_sql(group: tuple[Term, ...]) -> str:
            parts = [term_sql(term) for term in group]
            return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"

        return " & ".join(group_sql(group) for group in self.groups)

    def to_fts5(self) -> tuple[str | None, str | None]:
        """``(must_match, must_not_match)`` FTS5 expressions; either may be None.

        FTS5's NOT is binary, so negated terms are returned apart: the caller keeps the rows matching the
        first and drops those matching the second. A negated alternative inside an OR group ("-a OR b")
        has no FTS5 form and is left out there.
        """

        def term_fts(term: Term) -> str:
            quoted = '"' + " ".join(term.words) + '"'
            return quoted + ("*" if term.prefix else "")

        positive, negative = [], []
        for group in self.groups:
            if len(group) == 1 and group[0].negated:
                negative.append(term_fts(group[0]))
                continue
            alternatives = [term_fts(term) for term in group if not term.negated]
            if alternatives:
                positive.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
        return (" AND ".join(positive) or None, " OR ".join(negative) or None)


def _unit_alternatives(word: str) -> tuple[str, ...] | None:
    """("16gb", "16 gb") for a number glued to a unit, else None."""
    found = _NUMBER_WITH_UNIT.match(word)
    if found and found.group(2) in UNITS:
        return found.group(1), found.group(2)
    return None


def _with_units(groups: list[tuple[Term, ...]]) -> list[tuple[Term, ...]]:
    """A number with a unit, glued or apart, matches both ways: ("16gb" OR "16 gb")."""

    def plain(group: tuple[Term, ...]) -> str | None:
        term = group[0]
        if len(group) == 1 and not (term.negated or term.quoted or term.is_phrase):
            return term.words[0]
        return None

    result: list[tuple[Term, ...]] = []
    for group in groups:
        word, previous = plain(group), plain(result[-1]) if result else None
        if word in UNITS and len(word) > 1 and previous is not None and previous.isdigit():
            result[-1] = (Term((previous + word,)), Term((previous, word)))
            continue
        split = _unit_alternatives(word) if word else None
        result.append((group[0], Term(split)) if split else group)
    return result


def normalize_words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: the only characters that reach an engine."""
    return _WORD.findall(text.lower())


def parse_query(text: str) -> ParsedQuery:
    """Parse the search box's text; nothing searchable (blank, only punctuation) gives an empty query."""
    groups: list[tuple[Term, ...]] = []
    pending_or = False
    for match in _TOKEN.finditer(_POSSESSIVE.sub("", text or "")):
        sign, quoted, bare = match.groups()
        if bare is not None and bare.upper() == "OR":
            pending_or = bool(groups)
            continue
        if bare is not None:
            negated = bare.startswith("-")
            words = normalize_words(bare.lstrip("-"))
            term = Term(tuple(words), negated=negated) if words else None
        else:
            words = normalize_words(quoted)
            term = Term(tuple(words), negated=bool(sign), quoted=True) if words else None
        if term is None:
            continue
        if pending_or:
            groups[-1] = (*groups[-1], term)
        else:
            groups.append((term,))
        pending_or = False
        if sum(len(g) for g in groups) >= MAX_TERMS:
            break
    return ParsedQuery(tuple(_with_units(groups)))


@dataclass(frozen=True)
class Understanding:
    """What a shopper's text asks for: the words to search, and the filters read out of it."""

    query: ParsedQuery
    max_price: Decimal | None = None
    color: str | None = None  # a catalogue colour named in the text (its words left out of ``query``)
    size: str | None = None
    # The query with the colour and size words kept as words: what to search when the filters find nothing.
    with_option_words: ParsedQuery = field(default_factory=ParsedQuery)


def read_price(text: str) -> tuple[str, Decimal | None]:
    """``(text without its price phrase, the price bound)``; the lowest bound wins when several are given."""
    bounds: list[Decimal] = []

    def take(match: re.Match) -> str:
        try:
            bounds.append(Decimal(match.group(1).replace(",", ".")))
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            return match.group(0)
        return " "

    rest = _PRICE_PHRASE.sub(take, text or "")
    return rest, (min(bounds) if bounds else None)


def understand_query(text: str, *, colors: Collection[str] = (), sizes: Collection[str] = ()) -> Understanding:
    """Parse ``text`` and read its filters: a price phrase ("under 50"), a colour and a size of the
    catalogue's variants (``colors``/``sizes``: lower-cased values). A colour or size is read only from
    plain words and only when other words remain to search; a size needs two characters or more and a
    letter ("xl", "10y"), or the word "size" before it ("size 42", then "size" goes too)."""
    rest, max_price = read_price(text)
    query = parse_query(rest)
    plain = [
        group[0].words[0]
        if len(group) == 1 and not (group[0].negated or group[0].quoted or group[0].is_phrase)
        else None
        for group in query.groups
    ]
    drop: set[int] = set()
    color = size = None
    for index, word in enumerate(plain):
        if word is None:
            continue
        pair = f"{word} {plain[index + 1]}" if index + 1 < len(plain) and plain[index + 1] else None
        if color is None and pair in colors:
            color, drop = pair, drop | {index, index + 1}
        elif color is None and word in colors and index not in drop:
            color, drop = word, drop | {index}
        elif size is None and word in sizes and len(word) > 1 and not word.isdigit() and index not in drop:
            size, drop = word, drop | {index}
        elif size is None and word == "size" and index + 1 < len(plain) and plain[index + 1] in sizes:
            size, drop = plain[index + 1], drop | {index, index + 1}
    kept = ParsedQuery(tuple(group for index, group in enumerate(query.groups) if index not in drop))
    if not kept.has_positive_terms:  # "red" alone is searched as a word
        return Understanding(query, max_price=max_price, with_option_words=query)
    return Understanding(kept, max_price=max_price, color=color, size=size, with_option_words=query)
