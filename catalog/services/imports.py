"""Bulk import of a seller's catalogue: upload and dry run, confirm, then apply all rows or none.

The apply re-reads the stored file and re-checks it under the seller's import lock (catalog.locks), in
the one transaction that writes it: two imports of one file apply one after the other, and the second
finds every row unchanged. Locks, in order: the seller's import lock, the import's row, the changed
products' rows (by id), then stock rows (inventory, by variant). Rows are written in batches with bulk
queries; stock goes through inventory.services, its ledger naming the import. Progress (rows written)
is kept in the cache while the import runs, since its transaction shows nothing to others before it
commits.
"""

from __future__ import annotations

from collections.abc import Iterator
import functools

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone
import structlog

from catalog import locks
from catalog.imports import formats
from catalog.imports.errors import ImportFileError, ImportNotConfirmable, ImportNotFound
from catalog.imports.plan import CHANGE, CREATE, UNCHANGED, Plan, ProductPlan, build_plan, parse_attributes
from catalog.models import Category, Product, ProductImport, Variant
from catalog.search import index_events
from catalog.services.products import _product_slug
from inventory import services as inventory_services
from shop.errors import DomainError
from shop.public_cache import bumps
from shop.side_effects import after_commit

logger = structlog.get_logger(__name__)

Status = ProductImport.Status
MAX_REPORTED_ERRORS = 1000
MAX_PREVIEW_ROWS = 500
BATCH_ROWS = 1000  # rows written between two progress reports
_APPLICABLE = (Status.QUEUED, Status.RUNNING)
_PRODUCT_FIELDS = ["name", "slug", "description", "brand", "category", "category_text", "attributes", "status"]


def progress_key(import_id: int) -> str:
    """The cache key holding a running import's rows written so far."""
    return f"catalog:import:{import_id}:rows_done"


# --- Upload and dry run ---------------------------------------------------------------------------


def start_import(*, seller, actor, file_name: str, content: bytes) -> ProductImport:
    """Keep an uploaded catalogue file and run its dry run: in this call for a small file, as a task for a
    large one (the import is ``validating`` until it ends). Raises ImportFileError for a file that cannot
    be read (nothing is kept then)."""
    file_format = formats.format_of(file_name, content)
    table = formats.read_table(content=content, file_format=file_format)
    if not table.rows:
        raise ImportFileError("The file has a header but no rows.")
    record = ProductImport(
        seller=seller,
        created_by=actor,
        file_name=file_name[:255],
        format=file_format,
        content=content,
        total_rows=len(table.rows),
    )
    if len(table.rows) <= settings.CATALOG_IMPORT_INLINE_ROWS:
        record.status = Status.VALIDATED
        record.report = _report(build_plan(seller=seller, table=table))
        record.save()
        return record
    from catalog import tasks  # the task module imports this one

    with transaction.atomic(durable=True):
        record.save()
        after_commit("catalog.import_check", functools.partial(tasks.check_import.delay, import_id=record.pk))
    return record


def check_import(*, import_id: int) -> None:
    """The dry run of an import still ``validating`` (a second call does nothing)."""
    record = ProductImport.objects.select_related("seller").filter(pk=import_id, status=Status.VALIDATING).first()
    if record is None:
        return
    try:
        table = formats.read_table(content=bytes(record.content), file_format=record.format)
        report = _report(build_plan(seller=record.seller, table=table))
    except ImportFileError as exc:
        _fail(import_id, report={"message": exc.message}, expected=(Status.VALIDATING,))
        return
    ProductImport.objects.filter(pk=import_id, status=Status.VALIDATING).update(status=Status.VALIDATED, report=report)


def _report(plan: Plan) -> dict:
    return {
        "counts": plan.counts(),
        "errors": [error.as_dict() for error in plan.errors[:MAX_REPORTED_ERRORS]],
        "error_count": len(plan.errors),
        "preview": [
            {"line": row.line, "sku": row.sku, "name": row.name, "action": row.action, "changes": row.changes}
            for row in plan.rows[:MAX_PREVIEW_ROWS]
        ],
    }


# --- Confirm and apply ----------------------------------------------------------------------------


def confirm_import(*, seller, import_id: int) -> ProductImport:
    """Queue a checked import without errors to be applied (once: confirming again raises
    ImportNotConfirmable, as does an import with errors); ImportNotFound when it is not ``seller``'s."""
    from catalog import tasks  # the task module imports this one

    with transaction.atomic(durable=True):
        record = locks.lock_product_import(import_id=import_id, seller_id=seller.pk)
        if record is None:
            raise ImportNotFound()
        if record.status != Status.VALIDATED:
            raise ImportNotConfirmable(f"This import is {record.get_status_display().lower()}: it cannot be applied.")
        errors = record.report.get("error_count", 0)
        if errors:
            raise ImportNotConfirmable(
                f"The dry run found {errors} error{'s' if errors != 1 else ''}: fix the file and upload it again."
            )
        record.status = Status.QUEUED
        record.save(update_fields=["status"])
        after_commit("catalog.import_apply", functools.partial(tasks.apply_import.delay, import_id=record.pk))
    return record


@bumps("catalog")
def apply_import(*, import_id: int) -> None:
    """Apply a confirmed import: every row, or none when any fails (the import is ``failed`` then, saying why).

    Safe to run twice: the import's status is checked again under the seller's import lock and the
    import's row lock, and changes in the transaction that writes the rows. A worker that died midway
    wrote nothing and left the import ``running``, which a redelivered task applies again.
    """
    record = ProductImport.objects.filter(pk=import_id, status__in=_APPLICABLE).select_related("seller").first()
    if record is None:
        return
    # Shown while it runs; the rows and the final status are committed together below.
    ProductImport.objects.filter(pk=import_id, status=Status.QUEUED).update(status=Status.RUNNING)
    cache.set(progress_key(import_id), 0, timeout=3600)
    try:
        _apply(import_id=import_id, seller=record.seller)
    except DomainError as exc:
        _fail(import_id, report={**record.report, "message": _failure(exc.message)})
    except IntegrityError:
        logger.warning("catalog.import_conflict", import_id=import_id, exc_info=True)
        message = _failure("Another change to the catalogue (a SKU taken meanwhile?) collided with it.")
        _fail(import_id, report={**record.report, "message": message})
    except Exception:
        _fail(import_id, report={**record.report, "message": _failure("An error occurred.")})
        raise
    finally:
        cache.delete(progress_key(import_id))


def _failure(reason: str) -> str:
    return f"Nothing was imported. {reason}"


def _fail(import_id: int, *, report: dict, expected: tuple[str, ...] = _APPLICABLE) -> None:
    ProductImport.objects.filter(pk=import_id, status__in=expected).update(
        status=Status.FAILED, report=report, finished_at=timezone.now()
    )


def _apply(*, import_id: int, seller) -> None:
    """Re-check the file and write it in one transaction, under the seller's import lock, then the import's."""
    with transaction.atomic(durable=True):
        locks.lock_seller_catalogue_import(seller_id=seller.pk)
        record = locks.lock_product_import(import_id=import_id)
        if record is None or record.status not in _APPLICABLE:
            return  # another run of this task got there first (or the seller is gone)
        table = formats.read_table(content=bytes(record.content), file_format=record.format)
        plan = build_plan(seller=seller, table=table)
        report = _report(plan)
        if plan.errors:
            report["message"] = _failure(
                f"The catalogue changed since the dry run: {report['error_count']} problems now, listed below."
            )
            record.status = Status.FAILED
        else:
            _write(plan, seller_id=seller.pk, import_id=record.pk, actor=record.created_by)
            record.status = Status.DONE
            record.rows_done = record.total_rows
        record.report = report
        record.finished_at = timezone.now()
        record.save(update_fields=["status", "rows_done", "report", "finished_at"])


def _write(plan: Plan, *, seller_id: int, import_id: int, actor) -> None:
    """Write a plan without errors: new products and variants, changed ones, stock. The caller holds the
    seller's import lock; the existing products written are locked here (by id) before anything else."""
    existing = [p for p in plan.products if p.product is not None and any(r.action != UNCHANGED for r in p.rows)]
    locks.lock_products(product_ids=[p.product.pk for p in existing])
    used = {p.values["category"] for p in plan.products if p.values.get("category")}
    paths = dict(Category.objects.filter(pk__in=used).values_list("pk", "path_names"))
    done, stock = 0, {}
    for batch in _batches(plan.products):
        stock |= _write_batch(batch, seller_id=seller_id, paths=paths, actor=actor)
        done += sum(len(p.rows) for p in batch)
        cache.set(progress_key(import_id), done, timeout=3600)
    if stock:  # once, so that the stock rows are locked in one go, in variant order
        inventory_services.set_on_hand_many(quantities=stock, actor=actor, reference=f"import #{import_id}")
    if existing:
        lowest = Variant.objects.filter(product_id=OuterRef("pk")).values("product_id").annotate(low=Min("price"))
        Product.objects.filter(pk__in=[p.product.pk for p in existing]).update(price=Subquery(lowest.values("low")[:1]))
    index_events.products_changed(
        p.product.pk for p in plan.products if p.product is not None and any(r.action != UNCHANGED for r in p.rows)
    )


def _batches(products: list[ProductPlan]) -> Iterator[list[ProductPlan]]:
    batch: list[ProductPlan] = []
    rows = 0
    for product_plan in products:
        batch.append(product_plan)
        rows += len(product_plan.rows)
        if rows >= BATCH_ROWS:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def _write_batch(batch: list[ProductPlan], *, seller_id: int, paths: dict[int, str], actor) -> dict[int, int]:
    """One batch of products: a handful of bulk statements whatever its size. Returns the new stock on hand
    of the existing variants whose quantity changes, for the caller to set."""
    now = timezone.now()
    created = []
    changed = []
    for product_plan in batch:
        product, changes = product_plan.product, product_plan.changes()
        if product is None:
            product = Product(seller_id=seller_id, price=min(row.price for row in product_plan.rows), created_at=now)
            product_plan.product = product
            created.append(product_plan)
        elif changes:
            changed.append(product)
        else:
            continue
        _set_product_values(product, {column: product_plan.values[column] for column in changes}, paths=paths)
        product.updated_at = now
    Product.objects.bulk_create([p.product for p in created])
    Product.objects.bulk_update(changed, [*_PRODUCT_FIELDS, "updated_at"])

    positions = dict(
        Variant.objects.filter(product_id__in=[p.product.pk for p in batch])
        .values("product_id")
        .annotate(last=Max("position"))
        .values_list("product_id", "last")
    )
    new_variants, new_quantities, changed_variants, stock = [], [], [], {}
    for product_plan in batch:
        for row in product_plan.rows:
            if row.action == CREATE:
                position = positions.get(product_plan.product.pk, -1) + 1
                positions[product_plan.product.pk] = position
                new_variants.append(_variant(row, product_id=product_plan.product.pk, position=position))
                new_quantities.append(row.quantity)
            elif row.action == CHANGE:
                variant = row.variant
                if variant.price != row.price or variant.options != row.options:
                    variant.price = row.price
                    variant.options = row.options
                    variant.size = row.options.get("size", "")
                    variant.color = row.options.get("color", "")
                    changed_variants.append(variant)
                if "Quantity" in row.changes:
                    stock[variant.pk] = row.quantity
    Variant.objects.bulk_update(changed_variants, ["options", "size", "color", "price"])
    if new_variants:
        Variant.objects.bulk_create(new_variants)
        inventory_services.set_initial_stock(
            quantities={v.pk: quantity for v, quantity in zip(new_variants, new_quantities, strict=True)}, actor=actor
        )
    return stock


def _set_product_values(product: Product, values: dict, *, paths: dict[int, str]) -> None:
    for column, value in values.items():
        if column == "category":
            product.category_id = value
            product.category_text = paths.get(value, "") if value else ""
        elif column == "attributes":
            product.attributes = parse_attributes(value)
        elif column == "name":
            product.name = value
            product.slug = _product_slug(value)
        else:
            setattr(product, column, value)


def _variant(row, *, product_id: int, position: int) -> Variant:
    return Variant(
        product_id=product_id,
        sku=row.sku,
        options=row.options,
        size=row.options.get("size", ""),
        color=row.options.get("color", ""),
        price=row.price,
        position=position,
    )
