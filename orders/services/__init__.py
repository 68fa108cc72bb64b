"""Write use cases of the orders app. Each one a view, task or event handler calls opens the one
durable transaction of its step; see each module for its locks.

- purchase: place an order from the cart, pay it, settle late payments, expire it, back to the cart
- lifecycle: lines shipped/delivered (logistics' events), the order's derived status, cancelling items
- returns: request, approve, reject, receive
- refunds: money back for cancelled and returned items, claimed then paid (retried safely)
- fairness: the caps on what one buyer may hold unpaid, checked by place_order
- staff: the back office's cancel, refund of any amount and retry of a refused refund
"""

from orders.services.lifecycle import (
    CancelResult,
    apply_derived_status,
    cancel_item,
    derived_status,
    mark_lines_delivered,
    mark_lines_shipped,
    tax_share,
)
from orders.services.purchase import (
    PayResult,
    expire_order,
    expire_overdue_orders,
    pay_order,
    place_order,
    record_payment_failed,
    restore_to_cart,
    settle_payment,
)
from orders.services.refunds import pay_pending_refunds, pay_refund
from orders.services.returns import (
    ReceiveResult,
    approve_return,
    receive_return,
    reject_return,
    request_return,
)
from orders.services.staff import retry_refund, staff_cancel, staff_refund

__all__ = [
    "CancelResult",
    "PayResult",
    "ReceiveResult",
    "apply_derived_status",
    "approve_return",
    "cancel_item",
    "derived_status",
    "expire_order",
    "expire_overdue_orders",
    "mark_lines_delivered",
    "mark_lines_shipped",
    "pay_order",
    "pay_pending_refunds",
    "pay_refund",
    "place_order",
    "receive_return",
    "record_payment_failed",
    "reject_return",
    "request_return",
    "restore_to_cart",
    "retry_refund",
    "settle_payment",
    "staff_cancel",
    "staff_refund",
    "tax_share",
]
