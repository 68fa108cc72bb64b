"""Bulk loading for the demo loaders of every app: rows streamed into a table with PostgreSQL's COPY."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def copy_rows(*, cursor, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows into a model's table (PostgreSQL only); a thread sends while the caller makes the next rows."""
    from psycopg.copy import QueuedLibpqWriter  # only PostgreSQL gets here

    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
    with raw.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
        for row in rows:
            copy.write_row(row)
