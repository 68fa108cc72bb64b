"""The lock lint (tools/lock_lint.py, run by `make lint`): select_for_update only in an app's locks.py."""

from pathlib import Path
import subprocess
import sys

from tools import lock_lint

ROOT = Path(__file__).resolve().parents[2]

LOCKING_SERVICE = """
from orders.models import Order


def pay(order_id):
    return Order.objects.select_for_update().get(pk=order_id)
"""


def test_a_select_for_update_in_a_services_module_is_refused():
    violations = lock_lint.violations_in_source(LOCKING_SERVICE, path=Path("orders/services/purchase.py"))
    assert [(v.line, str(v.path)) for v in violations] == [(6, "orders/services/purchase.py")]


def test_a_mere_reference_to_select_for_update_is_refused_too():
    source = "locking = getattr(qs, 'x') or qs.select_for_update\n"
    assert len(lock_lint.violations_in_source(source, path=Path("cart/services.py"))) == 1


def test_the_same_code_in_a_locks_module_passes():
    assert lock_lint.violations_in_source(LOCKING_SERVICE, path=Path("orders/locks.py")) == []


def test_tests_and_migrations_are_not_checked(tmp_path):
    for folder in ("tests", "shop/migrations"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "test_race.py").write_text(LOCKING_SERVICE)
    (tmp_path / "shop" / "views.py").write_text(LOCKING_SERVICE)
    assert [v.path.relative_to(tmp_path) for v in lock_lint.check([tmp_path])] == [Path("shop/views.py")]


def test_the_command_fails_on_a_violation_and_names_it(tmp_path):
    (tmp_path / "services.py").write_text(LOCKING_SERVICE)
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "lock_lint.py"), str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"{tmp_path / 'services.py'}:6:" in result.stdout


def test_the_project_has_no_row_lock_outside_a_locks_module():
    assert [str(violation) for violation in lock_lint.check([ROOT])] == []
