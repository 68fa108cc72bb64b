"""Keeping the products index in step with the database, through the outbox only.

A catalog write names the products it changed (``catalog.products_changed``), a stock change the variants whose
availability may have flipped (inventory's ``stock.availability_changed``); catalog.events' subscribers then
call ``reindex_products``, which reads each product as it is now and indexes it, or deletes it from the index
when it is no longer listed. Reading the current state makes a delivery safe to run twice, in any order.
A full rebuild: ``manage.py search_index --rebuild -f``.
"""

from __future__ import annotations

from collections.abc import Iterable

from elasticsearch.helpers import bulk
import structlog

from catalog.models import Variant
from catalog.search.elasticsearch.backend import client
from catalog.search.elasticsearch.documents import PRODUCTS_INDEX, indexable_products, product_document

logger = structlog.get_logger(__name__)

BATCH = 500


def reindex_products(*, product_ids: Iterable[int]) -> tuple[int, int]:
    """Index the listed products of ``product_ids`` as they are now and delete the others from the index (an
    absent document is no error); returns (indexed, deleted). Raises on a failed request, so the outbox retries."""
    ids = sorted({int(pk) for pk in product_ids})
    indexed = deleted = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        listed = {product.pk: product for product in indexable_products().filter(pk__in=batch)}
        actions = [
            {"_op_type": "index", "_index": PRODUCTS_INDEX, "_id": pk, "_source": product_document(listed[pk])}
            if pk in listed
            else {"_op_type": "delete", "_index": PRODUCTS_INDEX, "_id": pk}
            for pk in batch
        ]
        bulk(client(), actions, ignore_status=(404,), refresh=False)
        indexed += len(listed)
        deleted += len(batch) - len(listed)
    logger.info("search.products_reindexed", indexed=indexed, deleted=deleted)
    return indexed, deleted


def products_of_variants(variant_ids: Iterable[int]) -> list[int]:
    """The products of these variants (one query)."""
    return sorted(set(Variant.objects.filter(pk__in=list(variant_ids)).values_list("product_id", flat=True)))
