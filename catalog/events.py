"""What the catalog does when the orders app announces a sale, a cancellation, a return or a delivery: the
products' sales figures follow (``catalog.services.record_sales``, once per event), and a buyer who received a
product may review it (``catalog.services.record_received``). With search on Elasticsearch, the catalog announces
the products its writes change (``catalog.products_changed``) and reindexes them, and those whose stock went in or
out (inventory's ``stock.availability_changed``)."""

from __future__ import annotations

from catalog import services
from shop.events import declare_event, subscriber

PRODUCTS_CHANGED = declare_event(
    "catalog.products_changed",
    description="Products were created, changed, archived, repriced, rated, sold or recategorised: what search "
    "indexes of them changed. Published only when search keeps an index outside the database "
    "(SEARCH_BACKEND=elasticsearch).",
    fields={"product_ids": list[int]},
)


@subscriber("order.paid", name="catalog.count_units_sold")
def count_units_sold(*, event_id: str, lines: list[dict], **_) -> None:
    """The paid lines' units are sold."""
    units: dict[int, int] = {}
    for line in lines:
        if line.get("product_id") is not None:
            units[line["product_id"]] = units.get(line["product_id"], 0) + int(line["quantity"])
    services.record_sales(event_id=event_id, units=units)


@subscriber("order.item_cancelled", name="catalog.uncount_units_cancelled")
def uncount_units_cancelled(
    *, event_id: str, paid: bool = False, product_id: int | None = None, quantity: int = 0, **_
) -> None:
    """A paid line cancelled is a sale undone; an unpaid one was never counted (nor is an event published
    before it named its product)."""
    if paid and product_id is not None:
        services.record_sales(event_id=event_id, units={product_id: -int(quantity)})


@subscriber("return.received", name="catalog.uncount_units_returned")
def uncount_units_returned(*, event_id: str, product_id: int | None = None, quantity: int = 0, **_) -> None:
    """Returned units are a sale undone."""
    if product_id is not None:
        services.record_sales(event_id=event_id, units={product_id: -int(quantity)})


@subscriber("order.lines_delivered", name="catalog.record_received_products")
def record_received_products(*, event_id: str, buyer_id: int, product_ids: list[int], **_) -> None:
    """The buyer received these products: their reviews of them are verified purchases."""
    services.record_received(event_id=event_id, user_id=int(buyer_id), product_ids=[int(p) for p in product_ids])


@subscriber("catalog.products_changed", name="catalog.reindex_changed_products")
def reindex_changed_products(*, event_id: str, product_ids: list[int], **_) -> None:
    """Index the products as they are now (delete those no longer listed); safe to run twice."""
    from catalog.search.elasticsearch.indexing import reindex_products

    reindex_products(product_ids=product_ids)


@subscriber("stock.availability_changed", name="catalog.reindex_restocked_products")
def reindex_restocked_products(*, event_id: str, variant_ids: list[int], **_) -> None:
    """The products of variants that went in or out of stock: their ``in_stock`` is indexed."""
    from catalog.search.elasticsearch.indexing import products_of_variants, reindex_products

    reindex_products(product_ids=products_of_variants(variant_ids))
