"""`make bench-import`: a 10,000-row catalogue file (2,500 products x 4 variants) imported for a fresh seller.

Times the upload with its dry run, the apply (confirm with eager Celery: the task runs in-process right
after the confirm commits) and, last, the dry run of the same file again (every row unchanged), on
PostgreSQL (BENCH_IMPORT_DATABASE_URL, created and migrated on first use). The goal is under 30 s for
dry run + apply (docs/PERFORMANCE.md, "Bulk import"). Every run adds one seller's 2,500 products.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
import sys
import time
from urllib.parse import urlparse
import uuid

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = int(os.environ.get("BENCH_IMPORT_PRODUCTS", "2500"))
VARIANTS = 4  # sizes per product
GOAL_SECONDS = 30.0


def createdb(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def catalogue_file(run: str, category: str) -> bytes:
    """The CSV: ``PRODUCTS`` products of ``VARIANTS`` sizes each, every column filled."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["SKU", "Product name", "Description", "Category", "Brand", "Price", "Quantity", "Size", "Colour",
                     "Attributes", "Status"])  # fmt: skip
    for n in range(PRODUCTS):
        for v, size in enumerate(("S", "M", "L", "XL")[:VARIANTS]):
            writer.writerow([
                f"B{run}-{n:05d}-{size}", f"Bench shirt {run} {n}", f"A shirt, number {n}, for the import benchmark.",
                category, f"Brand {n % 40}", f"{10 + n % 90}.{v}9", str((n + v) % 25), size, ("red", "blue")[n % 2],
                f"material=cotton; fit={('slim', 'regular')[n % 2]}", "active",
            ])  # fmt: skip
    return buffer.getvalue().encode()


def main() -> int:
    url = os.environ.get("BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_import")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", ""))
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-import")
    os.environ.pop("CELERY_BROKER_URL", None)  # eager Celery: the apply runs in this process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    sys.path.insert(0, str(ROOT))
    createdb(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.services import register_user
    from catalog import services
    from catalog.models import Category, ProductImport
    from sellers.services import become_seller

    call_command("migrate", verbosity=0, interactive=False)
    settings.CATALOG_IMPORT_INLINE_ROWS = PRODUCTS * VARIANTS  # time the dry run itself, not a queued task
    run = uuid.uuid4().hex[:6]
    category = Category.objects.filter(slug="bench-import").first() or services.create_category(
        name="Bench import", slug="bench-import"
    )
    user = register_user(email=f"bench-{run}@example.com", password=uuid.uuid4().hex, name="Bench", email_verified=True)
    seller = become_seller(user=user, store_name=f"Bench import {run}")
    content = catalogue_file(run, category.slug)
    rows = PRODUCTS * VARIANTS
    print(f"{rows:,} rows ({PRODUCTS:,} products x {VARIANTS} variants), {len(content) / 1e6:.1f} MB of CSV")

    begun = time.perf_counter()
    record = services.start_import(seller=seller, actor=user, file_name="bench.csv", content=content)
    checked = time.perf_counter()
    services.confirm_import(seller=seller, import_id=record.pk)
    applied = time.perf_counter()
    record.refresh_from_db()
    again = services.start_import(seller=seller, actor=user, file_name="bench.csv", content=content)
    rechecked = time.perf_counter()

    dry_run, apply, total = checked - begun, applied - checked, applied - begun
    print(f"dry run (upload, parse, check):  {dry_run:6.2f} s   {record.report['counts']}")
    print(f"apply (confirm, write all rows): {apply:6.2f} s   status {record.status}")
    print(f"total:                           {total:6.2f} s   (goal: under {GOAL_SECONDS:.0f} s)")
    print(f"dry run of the same file again:  {rechecked - applied:6.2f} s   {again.report['counts']}")
    ok = (
        record.status == ProductImport.Status.DONE
        and record.report["counts"]["create"] == rows
        and again.report["counts"]["unchanged"] == rows
        and total < GOAL_SECONDS
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
