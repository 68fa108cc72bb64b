"""The lock lint: row locks live in each app's ``locks.py`` and nowhere else.

A small AST check (run by ``make lint``): any use of ``select_for_update`` (a call or a mere reference)
in a module other than a ``locks.py`` is refused, so the lock order documented in docs/ARCHITECTURE.md
("Lock order") can be read, and kept, in one file per app. Tests and migrations are left out.

Usage: ``python tools/lock_lint.py [paths...]`` (default: the project root); exit status 1 on a violation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
import sys

ROOT = Path(__file__).resolve().parent.parent
LOCKING_METHOD = "select_for_update"
# Directories never checked: tests lock rows to set up races, migrations are history; the rest is not ours.
SKIPPED_DIRS = {"tests", "migrations", ".venv", "venv", "node_modules", "var", "__pycache__", ".git"}


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {LOCKING_METHOD} outside a locks.py "
            "(take row locks through the app's locks.py, in the documented lock order)"
        )


def violations_in_source(source: str, *, path: Path) -> list[Violation]:
    """Every use of ``select_for_update`` in ``source`` (none are allowed unless ``path`` is a locks.py)."""
    if path.name == "locks.py":
        return []
    tree = ast.parse(source, filename=str(path))
    found = [
        Violation(path=path, line=node.lineno, column=node.col_offset + 1)
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr == LOCKING_METHOD)
        or (isinstance(node, ast.Name) and node.id == LOCKING_METHOD)
    ]
    return sorted(found, key=lambda violation: (violation.line, violation.column))


def python_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The Python modules under ``paths``, skipping tests, migrations and tool directories."""
    for path in paths:
        if path.is_file():
            if path.suffix == ".py":
                yield path
            continue
        for candidate in sorted(path.rglob("*.py")):
            if not SKIPPED_DIRS.intersection(candidate.relative_to(path).parts[:-1]):
                yield candidate


def check(paths: Iterable[Path]) -> list[Violation]:
    """Every violation in the modules under ``paths``."""
    return [
        violation
        for module in python_files(paths)
        for violation in violations_in_source(module.read_text(encoding="utf-8"), path=module)
    ]


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [ROOT]
    violations = check(paths)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} row lock(s) outside a locks.py.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
