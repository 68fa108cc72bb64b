"""Scenarios run on the embedded default (SQLite) in a child process, from a PostgreSQL test session.

The test process's Django is configured for PostgreSQL; a child with ``DATABASE_URL=sqlite:///...`` migrates a
fresh file database and runs a module's ``run_scenarios()``, whose JSON answer the tests then read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[1]


def run_scenarios(module: str, *, database: Path) -> dict:
    """``module.run_scenarios()`` in a child process on a SQLite file at ``database``; its JSON result."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="shop.settings", LOG_LEVEL="WARNING")
    return run_in_child(module, env=env, timeout=300)


def run_in_child(module: str, *, env: dict[str, str], timeout: float) -> dict:
    """``module.run_scenarios()`` in a child Python with exactly ``env``; its JSON result (the child's last
    ``RESULT`` line). Also used for scenarios on other databases (tests/shop/replica_scenarios.py)."""
    code = f"import json, {module} as t; print('RESULT ' + json.dumps(t.run_scenarios()))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0, done.stderr[-4000:]
    assert lines, done.stdout[-2000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


def rebuild_tables(*models) -> None:
    """In the child: what a later migration altering ``models`` does on SQLite (Django rebuilds each table, which
    fails while a trigger names one of them), between the signals ``migrate`` sends around its work."""
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db import connection

    emit_pre_migrate_signal(0, False, "default")
    with connection.schema_editor() as editor:
        for model in models:
            editor._remake_table(model)
    emit_post_migrate_signal(0, False, "default")
