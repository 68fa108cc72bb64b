"""One writer of the order's history and one way to change a status: OrderEvent rows are written only by
orders.services.history.record, and no service assigns a status itself (each model's transition() does)."""

import ast
from pathlib import Path

import pytest

from orders.models import Order, OrderEvent
from orders.services.history import record
from tests.orders.conftest import checkout, fill_cart

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [*sorted((ROOT / "orders" / "services").glob("*.py")), ROOT / "payments" / "services.py"]


def _calls_creating_order_events(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "OrderEvent")
            or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ("create", "bulk_create")
                and "OrderEvent" in ast.unparse(node.func.value)
            )
        )
    ]


def _status_assignments(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and target.attr == "status"
    ]


def test_only_the_history_module_writes_order_events():
    writers = {
        path.relative_to(ROOT).as_posix(): lines
        for path in SERVICES
        if (lines := _calls_creating_order_events(ast.parse(path.read_text())))
    }
    assert list(writers) == ["orders/services/history.py"]


def test_no_service_assigns_a_status_itself():
    found = {
        path.relative_to(ROOT).as_posix(): lines
        for path in SERVICES
        if (lines := _status_assignments(ast.parse(path.read_text())))
    }
    assert found == {}


@pytest.mark.django_db
def test_a_history_row_records_where_the_order_was_and_is(buyer, buyer_client, variant):
    fill_cart(buyer, (variant, 1))
    order = Order.objects.get(pk=checkout(buyer_client).json()["order"]["id"])

    unchanged = record(order, OrderEvent.Kind.PAYMENT_FAILED, data={"payment_id": "pay_1"})
    order.transition(Order.Status.EXPIRED)
    moved = record(order, OrderEvent.Kind.EXPIRED, from_status="pending_payment", actor=buyer)

    assert (unchanged.from_status, unchanged.to_status, unchanged.actor) == ("pending_payment", "pending_payment", None)
    assert (moved.from_status, moved.to_status, moved.actor) == ("pending_payment", "expired", buyer)
