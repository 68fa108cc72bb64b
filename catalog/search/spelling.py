"""Choosing a correction for a misspelt word among the vocabulary's nearest words.

The engines propose candidates (PostgreSQL: pg_trgm nearest neighbours, SQLite: difflib over the
FTS5 vocabulary); the choice is the same everywhere: the fewest edits, where swapping two neighbouring
letters counts as one ("iphnoe" -> "iphone"), within a budget that grows with the word's length. When
several words are equally close ("matt" -> "matte", "mat"), the search tries them in turn and keeps
the first that finds something.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[len(b)]


def allowed_edits(word: str) -> int:
    """One slip in a word of four letters or more, two from eight; beyond that a "correction" is a
    different word ("kettle" is two letters from "bottle")."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 7 else 2


@dataclass(frozen=True)
class Lookup:
    """What the vocabulary says about one typed word."""

    known: bool  # the vocabulary has this very word
    starts_a_word: bool  # some vocabulary word starts with it ("head" -> "headphones")
    nearest: tuple[str, ...] = ()  # candidate corrections, closest first by the engine's measure


def closest_words(word: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates the fewest edits away from ``word`` within its budget, in their given order."""
    budget = allowed_edits(word)
    by_distance: dict[int, list[str]] = {}
    for candidate in candidates:
        if candidate != word:
            distance = edit_distance(word, candidate)
            if distance <= budget:
                by_distance.setdefault(distance, []).append(candidate)
    return by_distance[min(by_distance)][:limit] if by_distance else []
