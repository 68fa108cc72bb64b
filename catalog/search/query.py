"""The shopper's query language, parsed once and written out for each engine.

Like PostgreSQL's ``websearch_to_tsquery``: words (all must match), ``"quoted phrases"``, ``-negation``
and ``OR`` between two terms; plus prefix matching on plain words of three letters or more ("head"
finds "headphones"). Words are reduced to letters and digits before they reach any engine, so the
text handed to ``to_tsquery`` or FTS5 ``MATCH`` (always as a bound parameter) is well-formed by
construction, whatever the shopper typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
import re

MAX_TERMS = 12
MIN_PREFIX_LENGTH = 3

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


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


def normalize_words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: the only characters that reach an engine."""
    return _WORD.findall(text.lower())


def parse_query(text: str) -> ParsedQuery:
    """Parse the search box's text; nothing searchable (blank, only punctuation) gives an empty query."""
    groups: list[tuple[Term, ...]] = []
    pending_or = False
    for match in _TOKEN.finditer(text or ""):
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
    return ParsedQuery(tuple(groups))
