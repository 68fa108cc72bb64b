"""What buyers and sellers are told about each event: the messages' texts, from an event's payload plus a few
cheap reads of what the payload does not carry. notifications/events.py decides when; this module says what."""

from __future__ import annotations

from collections import defaultdict
from decimal import InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from inventory import selectors as inventory_selectors
from logistics import selectors as logistics_selectors
from notifications import selectors
from notifications.models import Notification
from notifications.services import Message
from orders import selectors as order_selectors
from orders.errors import OrderNotFound
from shop import money

Kind = Notification.Kind

# Pages of the order-lifecycle storefront (issue 5, part J).
BUYER_RETURNS_PATH = "/returns/"
SELLER_ORDERS_PATH = "/seller/orders/"
SELLER_RETURNS_PATH = "/seller/returns/"


# --- Buyers: their orders -----------------------------------------------------------------------


def order_placed(*, order_id: str, buyer_id: int) -> list[Message]:
    """The buyer placed an order: it is held for them until they pay."""
    order = _order(buyer_id=buyer_id, order_id=order_id)
    body = f"We are holding the items of order {order_id} for you. Pay for it to confirm it."
    if order is not None:
        body = (
            f"We are holding the items of order {order_id} for you until "
            f"{order.expires_at:%H:%M} UTC. Pay {_money(order.total)} before then to confirm it."
        )
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ORDER_PLACED,
        title=f"Order {order_id} placed",
        body=body,
        url=_order_url(order_id),
        lines=_order_lines(order),
        total=_money(order.total) if order is not None else "",
    )


def order_paid(*, order_id: str, buyer_id: int, lines: list[dict], shipping_method: str, paid_at) -> list[Message]:
    """The buyer's confirmation, and for each seller a "new sale" naming only their own lines."""
    order = _order(buyer_id=buyer_id, order_id=order_id)
    method = settings.SHIPPING_METHODS.get(shipping_method, {}).get("label", shipping_method)
    total = _money(order.total) if order is not None else ""
    messages = _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ORDER_PAID,
        title=f"Order {order_id} confirmed",
        body=(
            f"Thank you! We received your payment{f' of {total}' if total else ''} for {_items(lines)}. "
            "The sellers are preparing your items; we will tell you when they ship."
        ),
        url=_order_url(order_id),
        lines=lines,
        total=total,
        shipping_method=method,
        paid_at=parse_datetime(paid_at) if isinstance(paid_at, str) else paid_at,
    )
    by_seller: dict[int, list[dict]] = defaultdict(list)
    for line in lines:
        by_seller[int(line["seller_id"])].append(line)
    sellers = selectors.seller_recipients(seller_ids=by_seller)
    for seller_id, seller_lines in sorted(by_seller.items()):
        if seller_id not in sellers:
            continue
        messages.append(
            Message(
                recipient=sellers[seller_id],
                kind=Kind.NEW_SALE,
                title=f"New sale: order {order_id}",
                body=f"You sold {_items(seller_lines)}. Ship {'it' if len(seller_lines) == 1 else 'them'} by {method}.",
                url=SELLER_ORDERS_PATH,
                context={"lines": seller_lines, "shipping_method": method, "order_id": order_id},
            )
        )
    return messages


def order_expired(*, order_id: str, buyer_id: int) -> list[Message]:
    """Nobody paid in time: the order expired and nothing was charged."""
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ORDER_EXPIRED,
        title=f"Order {order_id} expired",
        body=f"Order {order_id} was not paid in time, so it expired. Nothing was charged.",
        url=_order_url(order_id),
    )


def order_cancelled(*, order_id: str, buyer_id: int) -> list[Message]:
    """The whole order is cancelled."""
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ORDER_CANCELLED,
        title=f"Order {order_id} cancelled",
        body=f"Order {order_id} is cancelled. Anything you paid for it is refunded to your original payment method.",
        url=_order_url(order_id),
    )


def item_cancelled(*, order_id: str, buyer_id: int, line_id: int, refund_amount) -> list[Message]:
    """One item of an order is cancelled, refunded if it was paid."""
    lines = _order_lines(_order(buyer_id=buyer_id, order_id=order_id), [line_id])
    name = lines[0]["product_name"] if lines else "An item"
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ITEM_CANCELLED,
        title=f"{name} cancelled",
        body=f"{name} is cancelled from order {order_id}.{_refunding(refund_amount)}",
        url=_order_url(order_id),
        lines=lines,
    )


def refund_succeeded(*, order_id: str, buyer_id: int, amount) -> list[Message]:
    """Money went back to the buyer."""
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.REFUND_SUCCEEDED,
        title=f"Refund of {_money(amount)} issued",
        body=(
            f"We refunded {_money(amount)} for order {order_id} to your original payment method. "
            "Banks usually show it within 5 to 10 business days."
        ),
        url=_order_url(order_id),
    )


# --- Buyers: shipping -----------------------------------------------------------------------------


def shipped(
    *, shipment_id: str, order_id: str, buyer_id: int, line_ids, carrier: str = "", tracking_number: str = ""
) -> list[Message]:
    """A parcel left the seller, with its carrier, tracking number and expected day."""
    lines = _order_lines(_order(buyer_id=buyer_id, order_id=order_id), line_ids)
    shipment = next(
        (s for s in logistics_selectors.shipments_for_order(order_id=order_id) if s.pk == shipment_id), None
    )
    code = carrier or (shipment.carrier if shipment else "")
    carrier = logistics_selectors.carrier_name(code=code) if code else ""  # a name, never the code
    tracking = tracking_number or (shipment.tracking_number if shipment else "")
    eta = shipment.eta if shipment else None
    tracking_text = f" with {carrier}, tracking number {tracking}" if carrier and tracking else ""
    eta_text = f" It should arrive by {eta:%A} {eta.day} {eta:%B}." if eta else ""
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ORDER_SHIPPED,
        title=f"Order {order_id} shipped",
        body=(
            f"{_items(lines) or 'Items of your order'} shipped{tracking_text}.{eta_text} "
            "Follow the parcel on the order page."
        ),
        url=_order_url(order_id),
        lines=lines,
        carrier=carrier,
        tracking_number=tracking,
    )


def delivered(*, order_id: str, buyer_id: int, line_ids) -> list[Message]:
    """A parcel arrived: the return window starts."""
    order = _order(buyer_id=buyer_id, order_id=order_id)
    lines = _order_lines(order, line_ids)
    return _buyer_message(
        buyer_id=buyer_id,
        kind=Kind.ORDER_DELIVERED,
        title=f"Order {order_id} delivered",
        body=(
            f"{_items(lines) or 'Items of your order'} {'was' if len(lines) == 1 else 'were'} delivered. "
            f"{_returns_policy(_seller_of(order, line_ids))}"
        ),
        url=_order_url(order_id),
        lines=lines,
    )


# --- Returns ----------------------------------------------------------------------------------


def return_requested(*, return_id: str, order_id: str, buyer_id: int, seller_id: int, payload: dict) -> list[Message]:
    """A buyer asks to return one of the seller's items: the seller decides."""
    details = _return_details(buyer_id=buyer_id, return_id=return_id, payload=payload)
    item, quantity, reason = details["product_name"] or "an item", details["quantity"], details["reason"]
    return _seller_message(
        seller_id=seller_id,
        kind=Kind.RETURN_REQUESTED,
        title=f"Return requested for order {order_id}",
        body=(
            f"A buyer asks to return {f'{quantity} x ' if quantity else ''}{item} from order {order_id}"
            f"{': ' + reason if reason else ''}. Approve or reject it."
        ),
        url=SELLER_RETURNS_PATH,
        return_id=return_id,
    )


def return_approved(*, return_id: str, order_id: str, buyer_id: int, return_code: str) -> list[Message]:
    """The seller takes the item back: the buyer gets the return code to put in the parcel."""
    ret = _return_request(buyer_id=buyer_id, return_id=return_id)
    item = f"your return of {ret.line.product_name}" if ret is not None else "your return"
    seller = ret.seller if ret is not None else None
    if seller is None:
        send = "send it back. "
    elif seller.return_address:
        send = f"send it back to:\n{seller.return_address}\n"
    else:
        send = f"send it back. {seller.return_instructions}\n"
    return _return_update(
        buyer_id=buyer_id,
        return_id=return_id,
        kind=Kind.RETURN_APPROVED,
        title=f"Return approved for order {order_id}",
        body=(
            f"The seller approved {item} from order {order_id}. "
            f"Write the return code {return_code} on the parcel and {send}"
            "We refund you once the seller receives it."
        ),
        return_code=return_code,
        return_instructions=seller.return_instructions if seller is not None else "",
    )


def return_rejected(*, return_id: str, order_id: str, buyer_id: int, reason: str) -> list[Message]:
    """The seller refused the return, for ``reason``."""
    item = _return_item(buyer_id=buyer_id, return_id=return_id)
    return _return_update(
        buyer_id=buyer_id,
        return_id=return_id,
        kind=Kind.RETURN_REJECTED,
        title=f"Return rejected for order {order_id}",
        body=f"The seller did not accept {item} from order {order_id}{': ' + reason if reason else ''}.",
    )


def return_received(*, return_id: str, order_id: str, buyer_id: int, refund_amount) -> list[Message]:
    """The seller has the item back: the refund is on its way."""
    item = _return_item(buyer_id=buyer_id, return_id=return_id)
    return _return_update(
        buyer_id=buyer_id,
        return_id=return_id,
        kind=Kind.RETURN_RECEIVED,
        title=f"Return received for order {order_id}",
        body=f"The seller received {item} from order {order_id}.{_refunding(refund_amount)}",
    )


# --- Sellers: stock ---------------------------------------------------------------------------------


def stock_low(*, alert_id: int, seller_id: int, sku: str, available: int, threshold: int) -> list[Message]:
    """A variant fell to its low-stock threshold: in the notification centre only, because inventory e-mails the
    seller about each alert itself (once, ``LowStockAlert.notified_at``)."""
    alert = inventory_selectors.alerts_for_seller(seller_id=seller_id).filter(pk=alert_id).first()
    name = alert.variant.product.name if alert is not None else sku
    return _seller_message(
        seller_id=seller_id,
        kind=Kind.STOCK_LOW,
        title=f"Low stock: {name} ({sku})",
        body=(
            f"{name} (SKU {sku}) is running low: {available} unit{'s' if available != 1 else ''} available, "
            f"at or below your alert level of {threshold}. Restock it to keep it on sale."
        ),
        url=reverse("inventory:seller-alerts"),
        email=False,
        sku=sku,
        product_name=name,
    )


# --- Reading what the payload does not carry -----------------------------------------------------


def _order(*, buyer_id: int, order_id: str):
    """The buyer's order with its lines, or None (a gone account or order still gets its notification)."""
    user = get_user_model().objects.filter(pk=buyer_id).first()
    if user is None:
        return None
    try:
        return order_selectors.order_for_buyer(user=user, order_id=order_id)
    except OrderNotFound:
        return None


def _order_lines(order, line_ids=None) -> list[dict]:
    """An order's lines as the e-mails list them (only ``line_ids``, when given)."""
    if order is None:
        return []
    wanted = {int(i) for i in line_ids} if line_ids is not None else None
    return [
        {"product_name": line.product_name, "sku": line.sku, "quantity": line.quantity}
        for line in order.lines.all()
        if wanted is None or line.pk in wanted
    ]


def _return_request(*, buyer_id: int, return_id: str):
    """The buyer's return request with its line and seller, or None (a gone account or request)."""
    user = get_user_model().objects.filter(pk=buyer_id).first()
    return order_selectors.returns_for_buyer(user=user).filter(pk=return_id).first() if user is not None else None


def _return_details(*, buyer_id: int, return_id: str, payload: dict) -> dict:
    """What was asked back: product name, quantity and reason, from the return request (payload keys win)."""
    details = {"product_name": "", "quantity": None, "reason": ""}
    ret = _return_request(buyer_id=buyer_id, return_id=return_id)
    if ret is not None:
        details.update(product_name=ret.line.product_name, quantity=ret.quantity, reason=ret.reason)
    details.update({key: payload[key] for key in details if payload.get(key)})
    return details


def _seller_of(order, line_ids):
    """The seller of these lines of the order (a parcel is one seller's), loaded with its lines; None without."""
    wanted = {int(i) for i in line_ids}
    return next((line.seller for line in order.lines.all() if line.pk in wanted), None) if order else None


def _return_item(*, buyer_id: int, return_id: str) -> str:
    """ "your return of Blue Mug": the return as the buyer's messages name it."""
    name = _return_details(buyer_id=buyer_id, return_id=return_id, payload={})["product_name"]
    return f"your return of {name}" if name else "your return"


# --- Wording --------------------------------------------------------------------------------------


def _order_url(order_id: str) -> str:
    return reverse("orders:detail", kwargs={"order_id": order_id})


def _money(amount) -> str:
    """ "12.50 USD": an amount from a payload (a decimal string) as the e-mails show it."""
    try:
        return f"{money.to_str(amount)} {settings.STORE_CURRENCY}"
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)


def _refunding(amount) -> str:
    """ " We are refunding 12.50 USD to ...": the sentence a refund adds to a message; none without one."""
    return f" We are refunding {_money(amount)} to your original payment method." if amount else ""


def _returns_policy(seller) -> str:
    """ "Not what you expected? You can return items within 14 days.": the seller's return window in words."""
    days = seller.return_window if seller is not None else settings.RETURN_WINDOW_DAYS
    if not days:
        return f"{seller.store_name if seller is not None else 'The seller'} does not accept returns."
    return f"Not what you expected? You can return items within {_days(days)}."


def _days(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def _items(lines: list[dict]) -> str:
    """ "2 x Blue mug, 1 x Tea": lines in one phrase."""
    return ", ".join(f"{line['quantity']} x {line['product_name']}" for line in lines)


def _buyer_message(*, buyer_id: int, kind: str, title: str, body: str, url: str, **context) -> list[Message]:
    recipient = selectors.buyer_recipient(user_id=buyer_id)
    if recipient is None:
        return []
    return [Message(recipient=recipient, kind=kind, title=title, body=body, url=url, context=context)]


def _seller_message(
    *, seller_id: int, kind: str, title: str, body: str, url: str, email: bool = True, **context
) -> list[Message]:
    recipient = selectors.seller_recipients(seller_ids=[seller_id]).get(int(seller_id))
    if recipient is None:
        return []
    return [Message(recipient=recipient, kind=kind, title=title, body=body, url=url, context=context, email=email)]


def _return_update(*, buyer_id: int, return_id: str, kind: str, title: str, body: str, **context) -> list[Message]:
    """The buyer's message about their return: it links to their returns and names the return."""
    return _buyer_message(
        buyer_id=buyer_id, kind=kind, title=title, body=body, url=BUYER_RETURNS_PATH, return_id=return_id, **context
    )
