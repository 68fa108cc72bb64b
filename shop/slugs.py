"""Readable, unique URL slugs for things named by people (stores, categories)."""

from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(*, queryset: QuerySet, text: str, max_length: int, fallback: str) -> str:
    """``text`` slugified, with ``-2``, ``-3``, ... appended when ``queryset`` already has that slug.

    One query; the caller's unique constraint still decides a race between two writers.
    """
    base = slugify(text)[:max_length].strip("-") or fallback
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
