"""SQLite triggers that name tables other than their own, kept out of the way of ``migrate``.

SQLite checks every trigger whenever a table is renamed, and Django alters a table there by building a new one,
dropping the old and renaming the new: with a trigger in place that names another table, altering either table
fails ("error in trigger ...: no such table"), and altering the trigger's own table drops it silently. So a
``TriggerSet`` is taken away before ``migrate`` runs (every set, whatever the apps migrated) and put back, with
its derived columns recomputed, once its app's migrations are done, if the migration creating it is applied.

Each app declares its set in a module imported with its models (inventory.sqlite_triggers, catalog.sqlite_triggers);
the PostgreSQL twins are functions and triggers created by the same migrations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate, pre_migrate


@dataclass(frozen=True)
class TriggerSet:
    app_label: str
    migration: str  # the migration of ``app_label`` that creates the set
    triggers: dict[str, str]  # name -> CREATE TRIGGER IF NOT EXISTS ...
    recompute: tuple[str, ...] = ()  # statements setting the derived columns afresh after an install

    def install(self, cursor) -> None:
        """Create the triggers that are missing, then compute what they keep afresh."""
        for statement in self.triggers.values():
            cursor.execute(statement)
        for statement in self.recompute:
            cursor.execute(statement)

    def uninstall(self, cursor) -> None:
        for name in self.triggers:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

    def register(self) -> TriggerSet:
        """Connect the set to ``migrate``; returns it, for the module to keep."""
        _REGISTERED[(self.app_label, self.migration)] = self
        return self


_REGISTERED: dict[tuple[str, str], TriggerSet] = {}


def before_migrate(*, using: str = "default", **kwargs) -> None:
    """Every set out of the way of the tables Django may rebuild (sent for every app: dropping twice is harmless)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for trigger_set in _REGISTERED.values():
            trigger_set.uninstall(cursor)


def after_migrate(*, sender, using: str = "default", **kwargs) -> None:
    """The sender app's sets back, computed afresh, once its migrations are done, if they are applied."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    sets = [s for s in _REGISTERED.values() if s.app_label == sender.label]
    if not sets:
        return
    applied = MigrationRecorder(connection).applied_migrations()
    with connection.cursor() as cursor:
        for trigger_set in sets:
            if (trigger_set.app_label, trigger_set.migration) in applied:
                trigger_set.install(cursor)


pre_migrate.connect(before_migrate, dispatch_uid="shop.sqlite_triggers.before_migrate")
post_migrate.connect(after_migrate, dispatch_uid="shop.sqlite_triggers.after_migrate")


def trigger_migration(
    *, postgres_forward: list[str], postgres_backward: list[str], sqlite: str, sqlite_backward: tuple[str, ...] = ()
):
    """A migration operation creating database-kept columns' triggers: the PostgreSQL statements, or on SQLite the
    ``TriggerSet`` at the dotted path ``sqlite`` (installed with its recomputation; taken away backwards, then the
    ``sqlite_backward`` statements)."""
    from django.db import migrations
    from django.utils.module_loading import import_string

    def run(schema_editor, *, forward: bool) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            for statement in postgres_forward if forward else postgres_backward:
                schema_editor.execute(statement)
        elif vendor == "sqlite":
            trigger_set = import_string(sqlite)
            with schema_editor.connection.cursor() as cursor:
                if forward:
                    trigger_set.install(cursor)
                    return
                trigger_set.uninstall(cursor)
                for statement in sqlite_backward:
                    cursor.execute(statement)

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, forward=True),
        lambda apps, schema_editor: run(schema_editor, forward=False),
    )
