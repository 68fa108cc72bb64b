"""Round trips saved on the purchase path: statements the ORM builds but does not send, for the few writes that
combine several into one (PostgreSQL's data-modifying CTEs: ``WITH a AS (INSERT ...) INSERT ...``), and joining
the caller's transaction instead of opening a savepoint (``joined_transaction``).

Each function returns ``(sql, params)`` compiled by Django itself for ``connection``: names come from the models'
metadata and every value is a parameter, so callers only join statements, never values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import contextlib

from django.db import transaction
from django.db.models import AutoField, Model, QuerySet
from django.db.models.sql import InsertQuery, UpdateQuery


def insert(connection, objs: Sequence[Model], *, on_conflict=None, returning=None) -> tuple[str, tuple]:
    """The INSERT that ``bulk_create`` sends for ``objs`` (instances of one model, their defaults set by the
    constructor; an auto-increment primary key left to the database), as one statement; ``on_conflict=
    OnConflict.IGNORE`` skips rows a unique constraint already has, ``returning`` (a field) is RETURNed for each
    row inserted."""
    model = type(objs[0])
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.generated and not (isinstance(field, AutoField) and field.primary_key)
    ]
    query = InsertQuery(model, on_conflict=on_conflict)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [returning] if returning is not None else None
    [(sql, params)] = compiler.as_sql()
    return sql, tuple(params)


def update(connection, queryset: QuerySet, values: Mapping, *, returning: Sequence[str] = ()) -> tuple[str, tuple]:
    """The UPDATE that ``queryset.update(**values)`` sends (values may be expressions), RETURNING the columns of
    the fields named in ``returning`` for each row it changed (PostgreSQL, and SQLite from 3.35)."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(dict(values))
    sql, params = query.get_compiler(connection=connection).as_sql()
    if returning:
        quote = connection.ops.quote_name
        meta = queryset.model._meta
        sql += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    return sql, tuple(params)


def insert_select(connection, obj: Model, *, source: str) -> tuple[str, tuple]:
    """``INSERT INTO <obj's table> (...) SELECT <obj's values> FROM <source> RETURNING <pk>``: the row ``obj``
    once for each row of ``source`` (a CTE's name: a change that RETURNs a row only when it was made)."""
    model = type(obj)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key and not field.generated]
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(connection=connection)
    values = [[compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]]
    [placeholders], [params] = compiler.assemble_as_sql(fields, values)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"  # noqa: S608 - names from the model's metadata, values are parameters  # nosec B608
        f" SELECT {', '.join(placeholders)} FROM {quote(source)} RETURNING {quote(model._meta.pk.column)}"
    )
    return sql, tuple(params)


def joined_transaction():
    """The caller's transaction when there is one, else one of our own; never a savepoint (a round trip to set
    and one to release). For writers whose callers let their errors propagate and roll back, and that refuse
    before writing anything, so no partial change can be kept."""
    if transaction.get_connection().in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()
