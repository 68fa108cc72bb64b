"""The events the inventory app publishes, and what it does itself when one happens: e-mail the seller
about a low-stock alert, once."""

from __future__ import annotations

from inventory import services
from shop.events import declare_event, subscriber

STOCK_LOW = declare_event(
    "stock.low",
    description="A variant's available stock fell to its low-stock threshold: a low-stock alert opened.",
    fields={"alert_id": int, "seller_id": int, "variant_id": int, "sku": str, "available": int, "threshold": int},
)

STOCK_AVAILABILITY_CHANGED = declare_event(
    "stock.availability_changed",
    description="Variants went in or out of stock (units on hand above those held, or no longer). Published only "
    "when search keeps an index outside the database (SEARCH_BACKEND=elasticsearch).",
    fields={"variant_ids": list[int]},
)


@subscriber("stock.low", name="inventory.email_low_stock_alert")
def email_low_stock_alert(*, event_id: str, alert_id: int, **_) -> None:
    """E-mail the seller once per alert (``LowStockAlert.notified_at``); an SMTP failure raises, so the outbox
    retries the delivery."""
    services.send_low_stock_email(alert_id=int(alert_id))
