"""The demo catalog for seed_demo: categories, products, variants, stock, pictures and reviews, in bulk.

Product number ``n`` is drawn from its own seeded random generator, so it comes out the same in every
run whatever the number asked for: a rerun adds only the products that are missing, identified by the
number in their first variant's SKU (``DEMO-000042...``). Rows go straight to the tables, filled
exactly as ``catalog.services`` fills them: the lowest variant price on the product, the category
path, normalized variant options with their size and colour copies, review aggregates, stock levels
and their "initial" ledger rows; the database's own triggers add the search vectors and vocabulary.

Speed (see docs/PERFORMANCE.md): one transaction per batch of products; on PostgreSQL the rows stream in
with COPY while the next ones are planned, on two connections; elsewhere (SQLite for ``make run``)
``bulk_create``. Pictures are drawn meanwhile.

The database's triggers: the product rows go in with theirs on (the search vector and the vocabulary are
the database's own computation). The rows hanging off them (variants, stock, ledger, images, reviews) go
in with the session's triggers off (``session_replication_role = replica``, when the role may set it):
their only triggers are the foreign-key checks, each a look-up and a row lock on the parent just written
in the same transaction, and the stock levels' count of stocked variants per product (inventory migration
0005), one UPDATE of the product row per stocked variant, and the variants' sizes and colours on their product
(catalog migration 0010). The loader writes that count and those values with the product instead (from the
variants it plans), which is what the triggers would have left. Any other trigger
on those tables, one this module does not know to reproduce, keeps every trigger on (``_trigger_bypass``),
as does a role that may not turn them off: then the products go in with no count and the stock rows' own
triggers count.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
import gc
from itertools import accumulate, repeat
import json
import random

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.demo.pictures import SIZE, ensure_picture, picture_names
from catalog.demo.taxonomy import (
    APPAREL_SIZES,
    BOOK_HOOKS,
    CLOSINGS,
    COLORS,
    GENERIC_BLURB,
    KIDS_SIZES,
    PRAISE,
    REVIEW_BODIES,
    REVIEW_TITLES,
    SHOE_SIZES,
    TREE,
    WAIST_SIZES,
    Kind,
    Node,
)
from catalog.models import Category, Product, ProductImage, Review, Variant
from catalog.selectors.categories import forget_category_tree
from inventory import demo as inventory_demo
from shop.bulk import copy_rows

SEED = 20261125
SKU_PREFIX = "DEMO-"
BATCH_SIZE = 5000  # products per transaction
PROGRESS_EVERY = 250
LOADERS = 2  # parallel connections on PostgreSQL
PAINTERS = 2  # Pillow draws and encodes without holding the GIL
# Products are dated up to 400 days before this fixed moment, so reruns give identical rows.
ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CENT = Decimal("0.01")
SIZE_RUNS = {"apparel": (APPAREL_SIZES, 3, 5), "kids": (KIDS_SIZES, 3, 5), "shoes": (SHOE_SIZES, 4, 7)}
SIZE_RUNS["waist"] = (WAIST_SIZES, 3, 5)
FACT_LABELS = {"gps": "GPS", "ram": "RAM", "cpu": "CPU", "hdr": "HDR", "isbn": "ISBN"}
BOOK_ADJECTIVES = ("gripping", "tender", "sweeping", "witty", "luminous", "thought-provoking", "unforgettable")


@dataclass(frozen=True)
class DemoSeller:
    seller_id: int
    user_id: int
    sells: tuple[str, ...]  # slugs of the top-level categories this store lists products in


@dataclass(frozen=True)
class Leaf:
    node: Node
    root_slug: str


@dataclass
class LoadResult:
    categories_created: int = 0
    products_created: int = 0
    products_present: int = 0
    pictures_made: int = 0


# The columns each plan row fills, in order (ids and foreign keys to the product are added when written).
PRODUCT_FIELDS = (
    "seller_id",
    "category_id",
    "name",
    "slug",
    "description",
    "brand",
    "attributes",
    "status",
    "price",
    "rating",
    "review_count",
    "sales_count",
    "category_text",
    "created_at",
)
JSON_AT = PRODUCT_FIELDS.index("attributes")  # COPY takes JSON as text
# Written with the products when the stock rows go in without their triggers (see the module's docstring).
STOCKED_FIELD = "stocked_variants"
# Written with the products when the variants go in without their triggers.
OPTION_FIELDS = ("sizes", "colors")
# The user triggers on the tables loaded with triggers off that the loader reproduces, or that cannot fire
# for an INSERT: the stock levels' count of stocked variants and the variants' sizes and colours on their
# product (an INSERT fires only the first of each), and the guard against moving a variant to another product
# (BEFORE UPDATE).
REPRODUCED_TRIGGERS = frozenset(
    {
        "inventory_stock_flag_insert",
        "inventory_stock_flag_update",
        "inventory_stock_flag_delete",
        "inventory_stock_flag_truncate",
        "catalog_variant_product_fixed",
        "catalog_variant_options_insert",
        "catalog_variant_options_update",
        "catalog_variant_options_delete",
        "catalog_variant_options_truncate",
    }
)
VARIANT_FIELDS = ("sku", "options", "size", "color", "price", "position")
IMAGE_FIELDS = ("image", "thumbnail", "width", "height", "alt_text", "color", "position")
REVIEW_FIELDS = ("user_id", "rating", "title", "body", "created_at")


@dataclass(frozen=True)
class _Bypass:
    """How the rows hanging off the products go in (PostgreSQL): with the session's triggers off or not,
    and so whether the products carry their count of stocked variants and their sizes and colours themselves."""

    triggers_off: bool = False
    count_stocked: bool = False
    list_options: bool = False


@dataclass
class _Plan:
    """One product to insert, with everything hanging off it, as plain rows (building models is slow)."""

    product: tuple
    variants: list[tuple] = field(default_factory=list)  # VARIANT_FIELDS
    stock: list[int] = field(default_factory=list)  # on hand, per variant
    images: list[tuple] = field(default_factory=list)  # IMAGE_FIELDS
    reviews: list[tuple] = field(default_factory=list)  # REVIEW_FIELDS
    actor_id: int | None = None


def _leaves(nodes: Sequence[Node] = TREE, root: str = "") -> list[Leaf]:
    found = []
    for node in nodes:
        if node.kind is not None:
            found.append(Leaf(node, root or node.slug))
        found.extend(_leaves(node.children, root or node.slug))
    return found


LEAVES = _leaves()
CUMULATIVE_WEIGHTS = list(accumulate(leaf.node.weight for leaf in LEAVES))


def ensure_categories() -> tuple[dict[str, Category], int]:
    """The demo category tree, each category created unless its slug exists; returns them and the count made."""
    existing = {c.slug: c for c in Category.objects.all()}
    created = 0

    def walk(nodes: Sequence[Node], parent: Category | None) -> None:
        nonlocal created
        for position, node in enumerate(nodes):
            category = existing.get(node.slug)
            if category is None:
                category = Category.objects.create(
                    parent=parent,
                    name=node.name,
                    slug=node.slug,
                    description=node.description,
                    position=position,
                    path_names=f"{parent.path_names} > {node.name}" if parent else node.name,
                    depth=parent.depth + 1 if parent else 0,
                )
                existing[node.slug] = category
                created += 1
            walk(node.children, category)

    with transaction.atomic():
        walk(TREE, None)
    if created:
        forget_category_tree()
    return existing, created


def present_product_numbers() -> set[int]:
    """The numbers of the demo products already loaded."""
    skus = Variant.objects.filter(sku__startswith=SKU_PREFIX, position=0).values_list("sku", flat=True)
    numbers = set()
    for sku in skus:
        digits = sku[len(SKU_PREFIX) : len(SKU_PREFIX) + 6]
        if digits.isdigit():
            numbers.add(int(digits))
    return numbers


def load_catalog(
    *,
    products: int,
    sellers: Sequence[DemoSeller],
    reviewers: Sequence[int],
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> LoadResult:
    """Make the demo catalog hold products number 0 .. ``products`` - 1, adding only the missing ones.

    ``sellers`` own the products (by the top-level categories they sell), ``reviewers`` (user ids)
    write the reviews; ``on_start`` hears how many products will be added, ``progress`` how many more
    are in as it goes.
    """
    if not sellers:
        raise ValueError("the demo catalog needs at least one seller")
    categories, created_categories = ensure_categories()
    present = present_product_numbers()
    todo = [number for number in range(products) if number not in present]
    result = LoadResult(categories_created=created_categories, products_present=len(present))
    if on_start:
        on_start(len(todo))
    by_root: dict[str, list[DemoSeller]] = {}
    for seller in sellers:
        for root in seller.sells:
            by_root.setdefault(root, []).append(seller)
    postgres = connection.vendor == "postgresql"
    bypass = _trigger_bypass() if postgres else _Bypass()

    def write(plans, *, count, progress):
        if postgres:
            _copy_batch(plans, count=count, progress=progress, bypass=bypass)
        else:
            _bulk_create_batch(plans, count=count, progress=progress)

    batches = [todo[start : start + BATCH_SIZE] for start in range(0, len(todo), BATCH_SIZE)]
    # Two connections keep both cores busy (the search triggers make PostgreSQL the slower side). Not
    # inside a caller's transaction, whose uncommitted categories and sellers other connections cannot see.
    parallel = postgres and len(batches) > 1 and not connection.in_atomic_block

    def load(numbers: list[int]) -> dict:
        wanted: dict = {}
        try:
            plans = (_plan(number, categories, by_root, sellers, reviewers, wanted) for number in numbers)
            with transaction.atomic():
                write(plans, count=len(numbers), progress=progress or (lambda n: None))
        finally:
            if parallel:
                connection.close()  # this thread's own connection
        return wanted

    drawing: dict[tuple[str, str], Future] = {}
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived rows: the cycle collector would only slow the load down
    try:
        with (
            ThreadPoolExecutor(max_workers=PAINTERS, thread_name_prefix="demo-pictures") as painters,
            ThreadPoolExecutor(max_workers=LOADERS if parallel else 1, thread_name_prefix="demo-load") as loaders,
        ):
            loaded = loaders.map(load, batches) if parallel else map(load, batches)
            for numbers, wanted in zip(batches, loaded, strict=True):
                result.products_created += len(numbers)
                # Pictures are drawn beside the next inserts (rows only name the files).
                for key, (label, rgb, shape) in wanted.items():
                    if key not in drawing:
                        drawing[key] = painters.submit(ensure_picture, *key, label=label, rgb=rgb, shape=shape)
            result.pictures_made = sum(job.result() for job in drawing.values())
    finally:
        if collecting:
            gc.enable()
    if result.products_created:
        if postgres:
            # Fresh statistics: without them the planner guesses a handful of rows per table and picks
            # plans (a scan of every product instead of the search index) that stay slow until autovacuum
            # comes by.
            with connection.cursor() as cursor:
                # VACUUM also sets the visibility map (index-only scans) but cannot run in a transaction.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        forget_category_tree()
    return result


def _pick_leaf(number: int, rng: random.Random) -> Leaf:
    # The first products visit every category once, so that even a small catalog shows them all.
    if number < len(LEAVES):
        return LEAVES[number]
    return LEAVES[bisect(CUMULATIVE_WEIGHTS, rng.random() * CUMULATIVE_WEIGHTS[-1])]


def _price(rng: random.Random, kind: Kind) -> Decimal:
    low, high = kind.price
    whole = int(low + (high - low) * rng.random() ** 2)  # most products sit at the cheaper end
    cents = rng.choice(("0.99", "0.99", "0.49", "0.00", "0.95"))
    return max(Decimal(whole) + Decimal(cents) - (1 if cents != "0.00" else 0), Decimal("0.99"))


def _attribute(rng: random.Random, choices) -> object:
    return choices(rng) if callable(choices) else rng.choice(choices)


def _description(rng: random.Random, kind: Kind, name: str, brand: str, attributes: dict) -> str:
    fields = {"name": name, "brand": brand, "noun": kind.noun, "closing": rng.choice(CLOSINGS), **attributes}
    if kind.blurb:
        fields.update(adj2=rng.choice(BOOK_ADJECTIVES), hook=rng.choice(BOOK_HOOKS))
        text = rng.choice(kind.blurb).format(**fields)
    else:
        f1, f2, f3 = rng.sample(kind.features, 3)
        text = rng.choice(GENERIC_BLURB).format(f1=f1, f2=f2, f3=f3, **fields)
    facts = "; ".join(
        f"{FACT_LABELS.get(key, key.replace('_', ' ').capitalize())}: {v}" for key, v in attributes.items()
    )
    return f"{text.strip()}\n\n{facts}."


def _variants(rng: random.Random, number: int, kind: Kind, color: str, price: Decimal, out_of_stock: bool):
    """(sku, options, size, colour, price, on hand) for each variant, in display order."""

    def on_hand() -> int:
        if out_of_stock:
            return 0
        roll = rng.random()
        return 0 if roll < 0.06 else rng.randint(1, 4) if roll < 0.15 else rng.randint(5, 240)

    base = f"{SKU_PREFIX}{number:06d}"
    if kind.variants not in SIZE_RUNS:
        return [(base, {}, "", "", price, on_hand())]
    sizes, shortest, longest = SIZE_RUNS[kind.variants]
    length = rng.randint(shortest, min(longest, len(sizes)))
    first = rng.randint(0, len(sizes) - length)
    others = [c for c in kind.colors if c != color]
    colors = [color, *rng.sample(others, min(len(others), rng.choice((0, 1, 1, 2))))]
    rows = []
    for variant_color in colors:
        for size in sizes[first : first + length]:
            variant_price = price + 2 if size == "XXL" else price
            options = {"color": variant_color, "size": size}  # normalized: lower-case keys, sorted
            rows.append(
                (f"{base}-{variant_color.upper()}-{size}", options, size, variant_color, variant_price, on_hand())
            )
    return rows


def _reviews(rng: random.Random, kind: Kind, reviewers: Sequence[int], created_at: datetime) -> list[tuple]:
    """REVIEW_FIELDS rows: none for two products in five, a handful for most, dozens for a few."""
    roll = rng.random()
    count = 0 if roll < 0.4 or not reviewers else min(1 + int(rng.expovariate(1 / 3.0)), 60, len(reviewers))
    quality = rng.uniform(2.6, 4.9)
    age_days = max((ANCHOR - created_at).days, 2)
    reviews = []
    for index in sorted(rng.sample(range(len(reviewers)), count)):
        rating = min(5, max(1, round(rng.gauss(quality, 1.0))))
        title = rng.choice(REVIEW_TITLES[rating]).format(noun=kind.noun)
        body = rng.choice(REVIEW_BODIES[rating]).format(
            noun=kind.noun, weeks=rng.randint(2, 30), praise=rng.choice(PRAISE)
        )
        reviews.append((reviewers[index], rating, title, body, created_at + timedelta(days=rng.uniform(1, age_days))))
    return reviews


def _plan(number, categories, by_root, sellers, reviewers, wanted) -> _Plan:
    """Product number ``number``, the same in every run; adds the pictures it shows to ``wanted``."""
    rng = random.Random(SEED * 1_000_003 + number)  # noqa: S311 (demo data, not secrets)  # nosec B311
    leaf = _pick_leaf(number, rng)
    kind, category = leaf.node.kind, categories[leaf.node.slug]
    seller = rng.choice(by_root.get(leaf.root_slug) or sellers)
    brand, color = rng.choice(kind.brands), rng.choice(kind.colors)
    attributes = {key: _attribute(rng, choices) for key, choices in kind.attributes.items()}
    words = {key: rng.choice(choices) for key, choices in kind.words.items()}
    name = rng.choice(kind.names).format(brand=brand, color=COLORS[color][0], **words, **attributes)
    name = " ".join(name.split())[:200]
    if kind.variants not in SIZE_RUNS and not kind.blurb:
        attributes["color"] = COLORS[color][0]
    created_at = ANCHOR - timedelta(seconds=rng.uniform(0, 400 * 86400))
    reviews = _reviews(rng, kind, reviewers, created_at)
    stars = sum(review[1] for review in reviews)
    roll = rng.random()
    status = Product.Status.ARCHIVED if roll < 0.01 else Product.Status.DRAFT if roll < 0.02 else Product.Status.ACTIVE
    variants = _variants(rng, number, kind, color, _price(rng, kind), out_of_stock=rng.random() < 0.04)
    description = _description(rng, kind, name, brand, attributes)
    if len(variants) > 1:  # say which colours and sizes there are, as sellers do (and searches find)
        colors = [COLORS[c][0].lower() for c in dict.fromkeys(row[3] for row in variants)]
        listed = f"{', '.join(colors[:-1])} and {colors[-1]}" if len(colors) > 1 else colors[0]
        description += f"\n\nAvailable in {listed}, sizes {variants[0][2]} to {variants[-1][2]}."
    product = (  # PRODUCT_FIELDS
        seller.seller_id,
        category.pk,
        name,
        slugify(name)[:220].strip("-") or "product",
        description,
        brand,
        attributes,
        str(status),
        min(row[4] for row in variants),
        (Decimal(stars) / len(reviews)).quantize(CENT) if reviews else Decimal("0.00"),  # as services round it
        len(reviews),
        len(reviews) * rng.randint(6, 25) + rng.randint(0, 30),
        category.path_names,
        created_at,
    )
    plan = _Plan(product=product, reviews=reviews, actor_id=seller.user_id)
    plan.variants = [(*row[:5], position) for position, row in enumerate(variants)]
    plan.stock = [row[5] for row in variants]
    variant_colors = list(dict.fromkeys(row[3] for row in variants if row[3]))
    picture_colors = variant_colors[:3] or [color]
    for position, picture_color in enumerate(picture_colors):
        image_name, thumb_name = picture_names(leaf.node.slug, picture_color)
        wanted[(leaf.node.slug, picture_color)] = (leaf.node.name, COLORS[picture_color][1], kind.shape)
        alt = f"{name} in {COLORS[picture_color][0].lower()}" if len(variants) > 1 else name
        # Tied to its colour (so the storefront shows the one picked) when the variants have colours.
        shown_color = picture_color if variant_colors else ""
        plan.images.append((image_name, thumb_name, SIZE, SIZE, alt[:200], shown_color, position))
    return plan


def _trigger_bypass() -> _Bypass:
    """Whether this session may load the child rows with its triggers off, and must then count the stocked
    variants itself: only when the role may set session_replication_role and every trigger on those tables
    is one the loader reproduces (or one an INSERT does not fire)."""
    tables = [model._meta.db_table for model in (Variant, ProductImage, Review)] + list(inventory_demo.TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT rolsuper OR (current_setting('server_version_num')::int >= 150000
                                   AND has_parameter_privilege('session_replication_role', 'SET'))
               FROM pg_roles WHERE rolname = current_user"""
        )
        row = cursor.fetchone()
        if not (row and row[0]):
            return _Bypass()
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY(%s::regclass[])", [tables]
        )
        triggers = {name for (name,) in cursor.fetchall()}
    if triggers - REPRODUCED_TRIGGERS:
        return _Bypass()
    counted = "inventory_stock_flag_insert" in triggers
    listed = "catalog_variant_options_insert" in triggers
    fields = {f.name for f in Product._meta.concrete_fields}
    if (counted and STOCKED_FIELD not in fields) or (listed and not set(OPTION_FIELDS) <= fields):
        return _Bypass()  # a schema this code does not know: let the database count
    return _Bypass(triggers_off=True, count_stocked=counted, list_options=listed)


def _options(variants: list[tuple], at: int) -> str:
    """Product.sizes or .colors from the planned variants (VARIANT_FIELDS, value at ``at``), as the triggers of
    catalog migration 0010 compute them: {lower-cased value: its least spelling}, as JSON text for COPY."""
    spellings: dict[str, str] = {}
    for row in variants:
        value = row[at]
        if value:
            key = value.lower()
            spellings[key] = min(spellings.get(key, value), value)
    return json.dumps(spellings)


@contextlib.contextmanager
def _triggers_off(cursor, bypass: _Bypass):
    """The session's triggers (foreign-key checks included) off until the block ends, within the caller's
    transaction: SET LOCAL, set back at the end, so a caller's own transaction gets them back for what it does
    next; an error rolls the setting back with the rows."""
    if not bypass.triggers_off:
        yield
        return
    cursor.execute("SELECT current_setting('session_replication_role')")
    before = cursor.fetchone()[0]
    cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])


def _new_ids(cursor, model, count: int) -> list[int]:
    """``count`` fresh primary keys from the table's own sequence."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy_batch(plans, *, count: int, progress: Callable[[int], None], bypass: _Bypass = _Bypass()) -> None:
    """PostgreSQL: products are planned while their rows stream in, so the database works meanwhile."""
    now = timezone.now()
    variants, stock, images, reviews = [], [], [], []
    fields = (
        "id",
        *PRODUCT_FIELDS,
        "updated_at",
        *((STOCKED_FIELD,) if bypass.count_stocked else ()),
        *(OPTION_FIELDS if bypass.list_options else ()),
    )
    size_at, color_at = VARIANT_FIELDS.index("size"), VARIANT_FIELDS.index("color")
    with connection.cursor() as cursor:
        product_ids = _new_ids(cursor, Product, count)  # before the COPY: no other query may run during one

        def product_rows():
            for n, (product_id, plan) in enumerate(zip(product_ids, plans, strict=True), 1):
                row = plan.product
                stocked = (sum(1 for on_hand in plan.stock if on_hand > 0),) if bypass.count_stocked else ()
                options = (
                    (_options(plan.variants, size_at), _options(plan.variants, color_at)) if bypass.list_options else ()
                )
                yield (
                    product_id,
                    *row[:JSON_AT],
                    json.dumps(row[JSON_AT]),
                    *row[JSON_AT + 1 :],
                    now,
                    *stocked,
                    *options,
                )
                variants.extend((product_id, *row) for row in plan.variants)
                stock.extend(zip(plan.stock, repeat(plan.actor_id)))
                images.extend((product_id, *row) for row in plan.images)
                reviews.extend((product_id, *row) for row in plan.reviews)
                if n % PROGRESS_EVERY == 0:
                    progress(PROGRESS_EVERY)
            progress(count % PROGRESS_EVERY)

        copy_rows(cursor=cursor, model=Product, fields=fields, rows=product_rows())
        variant_ids = _new_ids(cursor, Variant, len(variants))
        with _triggers_off(cursor, bypass):
            copy_rows(
                cursor=cursor,
                model=Variant,
                fields=("id", "product_id", *VARIANT_FIELDS),
                rows=(
                    (variant_id, row[0], row[1], json.dumps(row[2]), *row[3:])
                    for variant_id, row in zip(variant_ids, variants, strict=True)
                ),
            )
            copy_rows(cursor=cursor, model=ProductImage, fields=("product_id", *IMAGE_FIELDS), rows=images)
            copy_rows(cursor=cursor, model=Review, fields=("product_id", *REVIEW_FIELDS), rows=reviews)
            inventory_demo.add_initial_stock(
                levels=[
                    (variant_id, on_hand, actor_id)
                    for variant_id, (on_hand, actor_id) in zip(variant_ids, stock, strict=True)
                ]
            )


def _bulk_create_batch(plans, *, count: int, progress: Callable[[int], None]) -> None:
    """Other databases (SQLite for ``make run``): the ORM's bulk_create, which returns the new ids."""
    plans = list(plans)
    products = Product.objects.bulk_create(
        [Product(**dict(zip(PRODUCT_FIELDS, plan.product, strict=True))) for plan in plans], batch_size=500
    )
    variants, stock, images, reviews = [], [], [], []
    for product, plan in zip(products, plans, strict=True):
        variants.extend(
            Variant(product=product, **dict(zip(VARIANT_FIELDS, row, strict=True))) for row in plan.variants
        )
        stock.extend(zip(plan.stock, repeat(plan.actor_id)))
        images.extend(ProductImage(product=product, **dict(zip(IMAGE_FIELDS, row, strict=True))) for row in plan.images)
        reviews.extend(Review(product=product, **dict(zip(REVIEW_FIELDS, row, strict=True))) for row in plan.reviews)
    Variant.objects.bulk_create(variants, batch_size=500)
    ProductImage.objects.bulk_create(images, batch_size=500)
    Review.objects.bulk_create(reviews, batch_size=500)
    inventory_demo.add_initial_stock(
        levels=[(variant.pk, on_hand, actor_id) for variant, (on_hand, actor_id) in zip(variants, stock, strict=True)]
    )
    progress(count)
