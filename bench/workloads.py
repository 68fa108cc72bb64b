"""The catalog reads `make bench` drives, and the helpers bench/run.sh calls.

Each workload is a list of URL paths that wrk cycles through (bench/wrk/paths.lua). Edit WORKLOADS
to change what is measured: a workload is a title and a function from the catalog's ids and slugs
to paths.

    python bench/workloads.py createdb URL      create the benchmark database if it is missing
    python bench/workloads.py paths DIR         write DIR/<workload>.txt (Django settings from the env)
    python bench/workloads.py buyers DIR        the buyer flow's shoppers (tokens), stocked products and hot product
    python bench/workloads.py drain DIR NAME SINCE T   wait (T s at most) until no outbox delivery is pending
    python bench/workloads.py hotcheck DIR      the hot product (DIR/paths) sold no unit twice (exits 1 if it did)
    python bench/workloads.py shoppers DIR      session cookies of SHOPPERS demo shoppers with a purchase history
    python bench/workloads.py first FILE URL    the home page once per cookie in FILE, one at a time (cold)
    python bench/workloads.py warm FILE URL     request each path in FILE once (the cache's steady state)
    python bench/workloads.py report DIR        print the figures tables from DIR's results
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import json
import os
from pathlib import Path
import random
import sys
from urllib.parse import quote_plus, urlparse

# Realistic shopper queries: product types, brand-free attributes, two-word needs.
QUERIES = (
    "phone",
    "wireless headphones",
    "running shoes",
    "laptop 16 GB",
    "coffee maker",
    "yoga mat",
    "leather boots",
    "red dress",
    "board game",
    "moisturizer",
    "4K TV",
    "jeans",
    "bluetooth speaker",
    "cast iron pan",
    "kids t-shirt",
    "mirrorless camera",
    "smartwatch gps",
    "duvet cover king",
    "lipstick",
    "chef's knife",
    "sneakers",
    "floor lamp",
    "tent",
    "puzzle 1000",
)
# The same kind of needs, mistyped the way people mistype them.
TYPO_QUERIES = (
    "hedphones",
    "runing shoes",
    "laptp",
    "smartphne",
    "sneekers",
    "cofee maker",
    "yoga matt",
    "lether boots",
    "jaket",
    "blutooth speaker",
    "lipstik",
    "moisturiser",
    "camra",
    "puzzel",
    "headphnoes",
    "expresso machine",
    "smartwacth",
    "bord game",
)
OFFSETS = tuple(range(0, 200, 20))
# Measured by bench/run.sh beside the workloads, against nginx.
YARDSTICKS = {
    "django_bare": "Bare Django view (yardstick)",
    "list_cached": "Product list via nginx cache",
    "nginx": "nginx, static file (yardstick)",
}  # shoppers rarely go past the tenth page


@dataclass(frozen=True)
class Catalog:
    """What the workloads are built from, read from the benchmark database."""

    products: list[tuple[int, str]]  # (id, slug) of active products, a fixed sample
    category_slugs: list[str]


@dataclass(frozen=True)
class Workload:
    title: str
    paths: Callable[[Catalog], list[str]]


WORKLOADS: dict[str, Workload] = {
    "list": Workload("Product list (API)", lambda c: [f"/api/v1/products?offset={o}" for o in OFFSETS]),
    "category": Workload(
        "Category listing (API)",
        lambda c: [f"/api/v1/products?category={slug}&offset={o}" for slug in c.category_slugs for o in (0, 20, 40)],
    ),
    "search": Workload("Search (API)", lambda c: [f"/api/v1/products?q={quote_plus(q)}" for q in QUERIES]),
    "search_typo": Workload(
        "Search with typos (API)", lambda c: [f"/api/v1/products?q={quote_plus(q)}" for q in TYPO_QUERIES]
    ),
    "detail": Workload("Product detail (API)", lambda c: [f"/api/v1/products/{pk}" for pk, _ in c.products]),
    "page": Workload("Product page (HTML)", lambda c: [f"/p/{pk}-{slug}/" for pk, slug in c.products]),
    # The landing page: the same public page for visitors; for signed-in shoppers with a purchase history
    # ("home_shopper", run by bench/run.sh with SHOPPERS' session cookies, never anonymously) their own.
    "home": Workload("Home page (HTML)", lambda c: ["/"]),
    "home_shopper": Workload("Home page, shopper w/ history", lambda c: ["/"]),
    # The floor: the cheapest answer the app gives (middleware only, no database), for comparison.
    "healthz": Workload("Health check", lambda c: ["/healthz"]),
}


def createdb(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def write_paths(folder: Path) -> None:
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        # A fixed sample spread over the whole catalog (md5 order is random-looking but repeatable).
        cursor.execute("SELECT id, slug FROM catalog_product WHERE status = 'active' ORDER BY md5(id::text) LIMIT 2000")
        products = list(cursor.fetchall())
        cursor.execute("SELECT slug FROM catalog_category ORDER BY depth, position, slug")
        slugs = [row[0] for row in cursor.fetchall()]
    catalog = Catalog(products=products, category_slugs=slugs)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)  # noqa: S311 (shuffling benchmark paths)
    for name, workload in WORKLOADS.items():
        paths = workload.paths(catalog)
        rng.shuffle(paths)
        (folder / f"{name}.txt").write_text("\n".join(paths) + "\n")


def warm(paths_file: Path, base_url: str) -> None:
    """Request every path of a workload once, as anonymous shoppers: the steady state of a store
    whose products have each been visited within the public cache's lifetime."""
    from concurrent.futures import ThreadPoolExecutor
    import time
    from urllib.request import Request, urlopen

    paths = [line for line in paths_file.read_text().splitlines() if line]

    def fetch(index_path: tuple[int, str]) -> int:
        index, path = index_path
        client = f"10.200.{index // 250 % 250}.{index % 250 + 1}"
        request = Request(base_url + path, headers={"X-Forwarded-For": client, "X-Bench": "warm"})  # noqa: S310
        with urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
            answer.read()
            return answer.status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(fetch, enumerate(paths)))
    bad = sum(status != 200 for status in statuses)
    print(f"warmed {len(paths)} paths in {time.perf_counter() - started:.1f} s ({bad} not 200)", file=sys.stderr)


FLOW_BUYERS = 400
FLOW_PRODUCTS = 200
FLOW_STEPS = {
    "add": "Add to cart (API)",
    "cart": "View cart (API)",
    "checkout": "Check out (API)",
    "pay": "Pay, test gateway (API)",
}
# The flow's runs (bench/run.sh names each with BENCH_NAME, the prefix of its X-Bench tags) and their headings.
FLOW_RUNS = {
    "flow": "Buyer flow, {flow} buyers at once, subscribers inline (eager Celery, the embedded default)",
    "flow_worker": "Buyer flow, {flow} buyers at once, subscribers on a Celery worker ({concurrency} processes) "
    "beside gunicorn",
    "hot": "Hot product: {hot} buyers at once buying the same single variant (subscribers on the worker)",
}
HOT_STOCK = 1_000_000  # units of the hot product's variant at the start of a run (BENCH_HOT_STOCK)


def prepare_buyers(folder: Path) -> None:
    """The buyer flow's cast: FLOW_BUYERS shoppers with an address and an access token,
    FLOW_PRODUCTS single-variant products with plenty of stock (reruns reuse them), and one more, the hot
    product, whose stock is set to BENCH_HOT_STOCK (its starting point for ``hotcheck``)."""
    import django

    django.setup()
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts import selectors as account_selectors
    from accounts import services as account_services
    from inventory import services as inventory_services

    lines = []
    for n in range(FLOW_BUYERS):
        email = f"bench-buyer-{n:04d}@example.com"
        user = account_selectors.user_by_email(email=email) or account_services.register_user(
            email=email, password=f"bench-{n}-not-a-secret-{n * 7919}", name=f"Bench Buyer {n}"
        )
        address = account_selectors.addresses_for(user=user).first() or account_services.add_address(
            user=user,
            name=f"Bench Buyer {n}",
            line1=f"{n} Load Street",
            city="Benchton",
            postal_code="10001",
            country="US",
            is_default=True,
        )
        lines.append(f"{AccessToken.for_user(user)} {address.pk}")
    (folder / "flow-buyers.txt").write_text("\n".join(lines) + "\n")
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.id, min(v.id) FROM catalog_product p JOIN catalog_variant v ON v.product_id = p.id
               WHERE p.status = 'active' GROUP BY p.id HAVING count(*) = 1 ORDER BY md5(p.id::text) LIMIT %s""",
            [FLOW_PRODUCTS + 1],
        )
        *chosen, (hot_product, hot_variant) = cursor.fetchall()
    inventory_services.set_on_hand_many(quantities={variant_id: 1_000_000 for _, variant_id in chosen})
    (folder / "flow-products.txt").write_text("\n".join(str(pk) for pk, _ in chosen) + "\n")
    _reset_hot_product(folder, product_id=hot_product, variant_id=hot_variant)


def _reset_hot_product(folder: Path, *, product_id: int, variant_id: int) -> None:
    """Stock the hot product afresh and write down where its ledger stands: ``hotcheck`` counts from there."""
    from django.utils import timezone

    from inventory import services as inventory_services
    from inventory.models import StockMovement

    stock = int(os.environ.get("BENCH_HOT_STOCK") or HOT_STOCK)
    inventory_services.set_on_hand_many(quantities={variant_id: stock})
    last = StockMovement.objects.filter(variant_id=variant_id).order_by("-id").values_list("id", flat=True).first()
    start = {"product_id": product_id, "variant_id": variant_id, "stock": stock, "movement_id": last or 0}
    start["since"] = timezone.now().isoformat()
    (folder / "hot-product.txt").write_text(f"{product_id}\n")
    (folder / "hot-product.json").write_text(json.dumps(start))


def drain(folder: Path, name: str, since: float, timeout: float) -> None:
    """Wait until no outbox delivery is pending (the worker has run every subscriber of the run's events),
    polling; writes how long that took after the load stopped, and how many deliveries the run made."""
    import time

    import django

    django.setup()
    from datetime import UTC, datetime

    from shop.models import EventDelivery

    started = time.monotonic()
    pending = EventDelivery.objects.filter(status=EventDelivery.Status.PENDING)
    at_stop = left = pending.count()
    while left and time.monotonic() - started < timeout:
        time.sleep(0.2)
        left = pending.count()
    seconds = time.monotonic() - started
    made = EventDelivery.objects.filter(event__created_at__gte=datetime.fromtimestamp(since, UTC))
    result = {
        "seconds": round(seconds, 2),
        "pending_at_stop": at_stop,
        "pending_left": left,
        "deliveries": made.count(),
        "failed": made.filter(status=EventDelivery.Status.FAILED).count(),
    }
    (folder / f"drain-{name}.json").write_text(json.dumps(result))
    state = "drained" if not left else f"NOT drained ({left} still pending)"
    print(f"{name}: {at_stop} deliveries pending when the load stopped, {state} after {seconds:.1f} s", file=sys.stderr)


def check_hot(folder: Path) -> bool:
    """The hot product after its run, read in one snapshot: no unit sold twice, none sold that was not there.

    Units it lost since ``buyers`` stocked it (stock at the start - on hand now) must be exactly the units of
    the order lines paid since, and as many as the ledger's sales; on hand never went below zero (every ledger
    row's level after it); what is held is exactly the active holds and the unpaid orders' lines. Writes
    DIR/hot-check.json; returns whether every check held.
    """
    import django

    django.setup()
    from datetime import datetime

    from django.db import connection, transaction
    from django.db.models import Count, Min, Sum

    from inventory.models import Hold, StockLevel, StockMovement
    from orders.models import Order, OrderLine

    start = json.loads((folder / "paths" / "hot-product.json").read_text())
    variant_id, stock, since = start["variant_id"], start["stock"], datetime.fromisoformat(start["since"])
    with transaction.atomic():
        with connection.cursor() as cursor:  # every count below from one snapshot, whatever runs meanwhile
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        level = StockLevel.objects.get(variant_id=variant_id)
        moves = StockMovement.objects.filter(variant_id=variant_id, id__gt=start["movement_id"])
        ledger = moves.aggregate(on_hand=Sum("on_hand_delta"), lowest=Min("on_hand_after"))
        sales = moves.filter(reason=StockMovement.Reason.SALE).aggregate(units=Sum("on_hand_delta"), rows=Count("id"))
        last = StockMovement.objects.filter(variant_id=variant_id).order_by("-id").first()
        lines = OrderLine.objects.filter(variant_id=variant_id)
        paid = lines.filter(order__paid_at__gte=since).exclude(status=OrderLine.Status.CANCELLED)
        paid = paid.aggregate(units=Sum("quantity"), orders=Count("order", distinct=True))
        unpaid = lines.filter(order__status=Order.Status.PENDING_PAYMENT).aggregate(
            units=Sum("quantity"), orders=Count("order", distinct=True)
        )
        holds = Hold.objects.filter(variant_id=variant_id, status=Hold.Status.ACTIVE).aggregate(units=Sum("quantity"))
    sold, lost = paid["units"] or 0, stock - level.on_hand
    checks = {
        "on hand and held never negative, held within on hand": level.on_hand >= 0 and 0 <= level.held <= level.on_hand,
        "no ledger row left on hand below zero": (ledger["lowest"] if ledger["lowest"] is not None else 0) >= 0,
        "units lost (stock at start - on hand) = units of the paid order lines": lost == sold,
        "= units of the ledger's sales": -(sales["units"] or 0) == sold,
        "nothing else changed on hand": -(ledger["on_hand"] or 0) == lost,
        "held = active holds = unpaid orders' lines": level.held == (holds["units"] or 0) == (unpaid["units"] or 0),
        "the ledger's last row agrees with the level": last is not None
        and (last.on_hand_after, last.held_after) == (level.on_hand, level.held),
    }
    result = {
        **start,
        "on_hand": level.on_hand,
        "held": level.held,
        "sold": sold,
        "paid_orders": paid["orders"],
        "sale_rows": sales["rows"],
        "unpaid_orders": unpaid["orders"],
        "lowest": ledger["lowest"],
        "checks": checks,
    }
    (folder / "hot-check.json").write_text(json.dumps(result))
    for line in _hot_lines(result):
        print(line, file=sys.stderr)
    return all(checks.values())


def _hot_lines(result: dict) -> list[str]:
    rows = [
        f"Hot product {result['product_id']} (variant {result['variant_id']}): {result['stock']:,} units at the start, "
        f"{result['sold']:,} sold in {result['paid_orders']:,} paid orders, {result['held']:,} held by "
        f"{result['unpaid_orders']:,} unpaid ones, {result['on_hand']:,} on hand now",
    ]
    rows += [f"  {'ok ' if held else 'FAILED'} {check}" for check, held in result["checks"].items()]
    if all(result["checks"].values()):
        rows.append("  Zero oversell: every unit sold once, from stock that was there.")
    else:
        rows.append("  OVERSOLD OR MISCOUNTED: see the FAILED checks above.")
    return rows


SHOPPERS = 200


def prepare_shoppers(folder: Path) -> None:
    """Signed-in sessions (one ``Cookie`` header a line) of the demo shoppers whose purchase histories the
    recommendations learnt (seed_demo), the most active first: each gets a landing page of their own."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT user_id FROM recommendations_customeritem GROUP BY user_id
               ORDER BY count(*) DESC, user_id LIMIT %s""",
            [SHOPPERS],
        )
        user_ids = [row[0] for row in cursor.fetchall()]
    lines = []
    for user in get_user_model().objects.filter(pk__in=user_ids).order_by("pk"):
        client = Client()
        client.force_login(user)  # a real session in the configured store, as signing in makes
        lines.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    (folder / "shoppers.txt").write_text("\n".join(lines) + "\n" if lines else "")
    print(f"{len(lines)} signed-in shoppers with a purchase history", file=sys.stderr)


def first_visits(cookies_file: Path, base_url: str) -> None:
    """Each shopper's home page once, one request at a time: their landing page computed from nothing
    (no plan cached yet), tagged ``home_shopper_first`` in gunicorn's access log."""
    from urllib.request import Request, urlopen

    cookies = [line for line in cookies_file.read_text().splitlines() if line]
    for index, cookie in enumerate(cookies):
        headers = {"Cookie": cookie, "X-Forwarded-For": f"10.201.0.{index % 250 + 1}", "X-Bench": "home_shopper_first"}
        with urlopen(Request(base_url + "/", headers=headers), timeout=30) as answer:  # noqa: S310 (loopback)
            answer.read()


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _shares_of_django(results: dict) -> list[str]:
    """Each request type's rate as a share of the bare Django view's in the same run (issue 15's yardstick)."""
    ceiling = results["django_bare"]["rps"]
    rows = ["", f"As a share of the bare Django view ({ceiling:,.0f} req/s, same bytes, same gunicorn settings):"]
    for suffix, label in (("", "anonymous"), ("+session", "signed in")):
        shares = [
            f"{name} {results[name + suffix]['rps'] / ceiling:.1%}" for name in WORKLOADS if name + suffix in results
        ]
        if shares:
            rows.append(f"  {label}: " + ", ".join(shares))
    return rows


def _home_comparison(server: dict[str, list[float]]) -> list[str]:
    """Issue 13's speed goal: a signed-in shopper's home page (with a history) within 2x the anonymous home
    page computed, both one request at a time (server p50), and each shopper's first visit (nothing cached)."""
    anonymous, shopper, first = server.get("home@1"), server.get("home_shopper@1"), server.get("home_shopper_first")
    if not anonymous or not shopper:
        return []
    base = _percentile(anonymous, 50)
    rows = [
        "",
        "Home page computed, one request at a time (server p50): anonymous "
        f"{base:.1f} ms, signed-in shopper with a history {_percentile(shopper, 50):.1f} ms "
        f"= {_percentile(shopper, 50) / base:.2f}x (goal: at most 2x)",
    ]
    if first:
        served = "/".join(f"{_percentile(first, p):.1f}" for p in (50, 95, 99))
        rows.append(
            f"Each shopper's first visit ({len(first)} shoppers, nothing cached for them yet): server p50/p95/p99 "
            f"{served} ms = {_percentile(first, 50) / base:.2f}x the anonymous p50"
        )
    return rows


def _flow_rows(folder: Path, run: str, heading: str, seconds: float, server: dict, statuses: dict, head: str):
    """One run of the buyer flow: each step's rate and server times, the orders paid a second, and what the
    outbox still had to do once the load stopped (with a worker) or the hot product's checks."""
    knobs = {
        "flow": os.environ.get("BENCH_FLOW_CONNECTIONS", "4"),
        "hot": os.environ.get("BENCH_HOT_CONNECTIONS", "16"),
        "concurrency": os.environ.get("BENCH_CELERY_CONCURRENCY", "2"),
    }
    rows = ["", heading.format(**knobs) + " (add to cart, view cart, check out, pay with tok_visa; Bearer tokens)"]
    rows += [head, "-" * len(head)]
    for step, title in FLOW_STEPS.items():
        times = server.get(f"{run}_{step}", [])
        if not times:
            continue
        served = "/".join(f"{_percentile(times, p):.1f}" for p in (50, 95, 99))
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.get(f"{run}_{step}", {}).items()))
        rows.append(f"{title:<30} {len(times) / seconds:>8.0f}  {'-':>22}  {served:>22}  {codes}")
    paid = sum(n for code, n in statuses.get(f"{run}_pay", {}).items() if code.startswith("2"))
    rows.append(f"{'Whole flows (orders paid)':<30} {paid / seconds:>8.1f}")
    drained = folder / f"drain-{run}.json"
    if drained.exists():
        d = json.loads(drained.read_text())
        state = (
            f"all delivered {d['seconds']:.1f} s after the load stopped"
            if not d["pending_left"]
            else f"{d['pending_left']} STILL PENDING after {d['seconds']:.0f} s"
        )
        rows.append(
            f"Outbox: {d['deliveries']:,} subscriber deliveries made during the run, {d['pending_at_stop']:,} of them "
            f"still queued when the load stopped, {state}; {d['failed']} failed"
        )
    if run == "hot" and (folder / "hot-check.json").exists():
        rows += _hot_lines(json.loads((folder / "hot-check.json").read_text()))
    return rows


def report(folder: Path, connections: str) -> None:
    """The table: wrk's rate and client-side percentiles, and the server-side ones from gunicorn's log."""
    server: dict[str, list[float]] = {}
    statuses: dict[str, dict[str, int]] = {}
    log = folder / "access.log"
    if log.exists():
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3:  # workload tag, status, microseconds, path
                tag, status, micros = parts[:3]
                server.setdefault(tag, []).append(int(micros) / 1000)
                statuses.setdefault(tag, {}).setdefault(status, 0)
                statuses[tag][status] += 1
    results = {}
    for line in (folder / "wrk.txt").read_text().splitlines() if (folder / "wrk.txt").exists() else []:
        if line.startswith("RESULT "):
            _, tag, requests, seconds, p50, p95, p99, bad_status, errors = line.split()
            results[tag] = {
                "rps": int(requests) / float(seconds),
                "p": [int(p50) / 1000, int(p95) / 1000, int(p99) / 1000],
                "bad": int(bad_status) + int(errors),
                "seconds": float(seconds),
            }
    head = f"{'request type':<30} {'req/s':>8}  {'client p50/p95/p99 ms':>22}  {'server p50/p95/p99 ms':>22}  status"
    rows = []
    for heading, suffix in (
        (f"Anonymous visitors, {connections} connections (the shared cache of public answers applies)", ""),
        (f"Signed-in visitors, {connections} connections (a session cookie: every answer is computed)", "+session"),
        ("Signed-in, one connection: what computing one answer costs, without queueing", "@1"),
    ):
        tags = [f"{name}{suffix}" for name in [*WORKLOADS, *YARDSTICKS] if f"{name}{suffix}" in results]
        if not tags:
            continue
        rows += ["", heading, head, "-" * len(head)]
        for tag in tags:
            r = results[tag]
            name = tag.removesuffix(suffix) if suffix else tag
            client = "/".join(f"{v:.1f}" for v in r["p"])
            times = server.get(tag, [])
            served = "/".join(f"{_percentile(times, p):.1f}" for p in (50, 95, 99)) if times else "-"
            codes = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.get(tag, {}).items())) or "-"
            if r["bad"]:
                codes += f" (wrk: {r['bad']} errors)"
            title = WORKLOADS[name].title if name in WORKLOADS else YARDSTICKS[name]
            rows.append(f"{title:<30} {r['rps']:>8.0f}  {client:>22}  {served:>22}  {codes}")
    for run, heading in FLOW_RUNS.items():
        if run in results:
            rows += _flow_rows(folder, run, heading, results[run]["seconds"], server, statuses, head)
    rows += _home_comparison(server)
    if "django_bare" in results:
        rows += _shares_of_django(results)
    if "nginx" in results and "list" in results:
        ratio = results["list"]["rps"] / results["nginx"]["rps"]
        rows += ["", f"Product list rate as a share of nginx serving a file of the same size: {ratio:.1%}"]
    print("\n".join(rows))


if __name__ == "__main__":
    command, argument = sys.argv[1], sys.argv[2]
    if command == "createdb":
        createdb(argument)
    elif command == "paths":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        write_paths(Path(argument))
    elif command == "buyers":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        prepare_buyers(Path(argument))
    elif command == "shoppers":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        prepare_shoppers(Path(argument))
    elif command == "drain":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        drain(Path(argument), sys.argv[3], since=float(sys.argv[4]), timeout=float(sys.argv[5]))
    elif command == "hotcheck":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
        sys.exit(0 if check_hot(Path(argument)) else 1)
    elif command == "first":
        first_visits(Path(argument), sys.argv[3])
    elif command == "warm":
        warm(Path(argument), sys.argv[3])
    elif command == "report":
        report(Path(argument), connections=os.environ.get("BENCH_CONNECTIONS", "16"))
    else:
        sys.exit(f"unknown command {command}")
