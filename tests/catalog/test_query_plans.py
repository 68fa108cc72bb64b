"""No page or endpoint of the catalogue scans a whole catalogue table (issue 15).

A catalogue of some tens of thousands of products is written straight into PostgreSQL (INSERT ... SELECT over
generate_series, with the database's own triggers: search vectors, vocabulary, stocked-variant counts) and
analysed, large enough that a whole-table scan is what PostgreSQL picks only when no index serves the query.
Each test opens a page or an endpoint as a shopper would, captures its SQL, and asks PostgreSQL for the plan of
every statement reading products, variants or stock levels: none may hold a sequential scan of those tables.

What that does not promise: a statement may still read every row of an index when its answer needs them all
(the unfiltered list's total counts every listed product, from an index alone; a category's or a query's facets
read that category's or that query's products), and relevance ranks every match.
"""

from __future__ import annotations

from dataclasses import dataclass
import json

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
import pytest

from catalog.models import Category, SearchTerm
from catalog.selectors.categories import forget_category_tree
from sellers.models import Seller
from tests.catalog.factories import CategoryFactory
from tests.sellers.factories import SellerFactory

pytestmark = pytest.mark.django_db

# Enough rows that a sequential scan costs far more than any index path; small enough to build in seconds.
PRODUCTS = 30_000
SELLERS = 20
WATCHED_TABLES = ("catalog_product", "catalog_variant", "inventory_stocklevel")

ADJECTIVES = ["Classic", "Wireless", "Organic", "Leather", "Steel", "Cotton", "Vintage", "Compact", "Deluxe", "Bamboo"]
NOUNS = [
    "Lamp", "Chair", "Sneaker", "Phone", "Mug", "Jacket", "Kettle", "Desk", "Backpack", "Speaker",
    "Blanket", "Watch", "Camera", "Bottle", "Helmet", "Pillow", "Scarf", "Router", "Blender", "Wallet",
    "Guitar", "Tent", "Keyboard", "Mattress", "Umbrella", "Candle", "Drone", "Skillet", "Notebook", "Toaster",
    "Headphones", "Sandals", "Monitor", "Vase", "Stroller", "Bicycle", "Hoodie", "Glasses", "Teapot", "Rug",
]  # fmt: skip
BRANDS = [f"Brand{n:02d}" for n in range(50)]
SIZES = ["S", "M", "L", "XL"]
COLORS = ["Red", "Blue", "Black", "White", "Green", "Grey", "Navy", "Beige"]

# Every row derives from its number g, so a catalogue is the same whatever else the database holds: about 98 %
# active (1 % drafts, 1 % archived), 1 to 4 variants, 6 % of products sold out (every variant at 0) and
# 10 % of the other variants at 0, reviews on 60 %, trending scores on 5 %, one picture for 80 %.
_PRODUCTS_SQL = """
INSERT INTO catalog_product (
    seller_id, category_id, name, slug, description, brand, attributes, status, price, rating, review_count,
    sales_count, trending_score, category_text, created_at, updated_at
)
SELECT
    (%(sellers)s::bigint[])[1 + g %% cardinality(%(sellers)s::bigint[])],
    (%(categories)s::bigint[])[1 + (g * 7) %% cardinality(%(categories)s::bigint[])],
    name, lower(replace(name, ' ', '-')),
    'Plain words for the query-plan catalogue.',
    (%(brands)s::text[])[1 + (g * 3) %% cardinality(%(brands)s::text[])],
    '{}'::jsonb,
    CASE g %% 100 WHEN 0 THEN 'draft' WHEN 1 THEN 'archived' ELSE 'active' END,
    (1 + (g * 37) %% 999)::numeric(12, 2),
    CASE WHEN g %% 5 < 2 THEN 0 ELSE (100 + (g * 53) %% 401) / 100.0 END,
    CASE WHEN g %% 5 < 2 THEN 0 ELSE 1 + (g * 11) %% 200 END,
    (g * 29) %% 5000,
    CASE WHEN g %% 20 = 0 THEN ((g * 17) %% 1000) / 10.0 ELSE 0 END,
    'Plan category',
    now() - (g * interval '97 seconds'),
    now()
FROM generate_series(1, %(products)s) AS g,
     LATERAL (
        SELECT (%(adjectives)s::text[])[1 + g %% cardinality(%(adjectives)s::text[])] || ' '
            || (%(nouns)s::text[])[1 + (g / 10) %% cardinality(%(nouns)s::text[])] || ' ' || g AS name
     ) AS named
"""

_VARIANTS_SQL = """
INSERT INTO catalog_variant (product_id, sku, options, size, color, price, position)
SELECT p.id, 'PLAN-' || p.id || '-' || n,
       jsonb_build_object('size', s.size, 'color', c.color), s.size, c.color, p.price, n
FROM catalog_product AS p
     CROSS JOIN generate_series(0, 3) AS n
     CROSS JOIN LATERAL (SELECT (%(sizes)s::text[])[1 + n] AS size) AS s
     CROSS JOIN LATERAL (
        SELECT (%(colors)s::text[])[1 + (p.id + n) %% cardinality(%(colors)s::text[])] AS color
     ) AS c
WHERE p.id >= %(first)s AND n <= p.id %% 4
"""

_STOCK_SQL = """
INSERT INTO inventory_stocklevel (variant_id, on_hand, held, updated_at)
SELECT v.id,
       CASE WHEN v.product_id %% 50 < 3 OR (v.product_id * 31 + v.position * 17) %% 11 = 0 THEN 0
            ELSE 1 + v.id %% 40 END,
       0, now()
FROM catalog_variant AS v
WHERE v.product_id >= %(first)s
"""

_IMAGES_SQL = """
INSERT INTO catalog_productimage (product_id, image, thumbnail, width, height, alt_text, position, color)
SELECT p.id, 'products/plan/' || p.id || '.jpg', 'products/plan/' || p.id || '-400.webp', 800, 600, p.name, 0, ''
FROM catalog_product AS p
WHERE p.id >= %(first)s AND p.id %% 5 <> 0
"""


def generate_catalogue(*, products: int, seller_ids: list[int], category_ids: list[int]) -> int:
    """Write ``products`` products with their variants, stock levels and pictures; returns the first new id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM catalog_product")
        (first,) = cursor.fetchone()
        cursor.execute(
            _PRODUCTS_SQL,
            {
                "products": products,
                "sellers": seller_ids,
                "categories": category_ids,
                "brands": BRANDS,
                "adjectives": ADJECTIVES,
                "nouns": NOUNS,
            },
        )
        cursor.execute(_VARIANTS_SQL, {"first": first, "sizes": SIZES, "colors": COLORS})
        cursor.execute(_STOCK_SQL, {"first": first})
        cursor.execute(_IMAGES_SQL, {"first": first})
    return first


def vacuum_catalogue() -> None:
    """Statistics and visibility maps, as the demo loader leaves them (autovacuum may be off): without the
    latter PostgreSQL rightly avoids index-only scans. Outside any transaction."""
    with connection.cursor() as cursor:
        for table in (*WATCHED_TABLES, "catalog_productimage", "catalog_category", "sellers_seller"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def remove_catalogue(first: int) -> None:
    """Products first, then what hangs off them, in one transaction (the foreign keys are checked at commit):
    stock rows whose variants are gone move no product's stocked-variants count, so nothing is updated."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_productimage WHERE product_id >= %s", [first])
        cursor.execute("DELETE FROM catalog_product WHERE id >= %s", [first])
        cursor.execute("DELETE FROM catalog_variant WHERE product_id >= %s RETURNING id", [first])
        variant_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("DELETE FROM inventory_stocklevel WHERE variant_id = ANY(%s)", [variant_ids])


@dataclass
class Catalogue:
    first_id: int
    leaf: Category
    seller: Seller
    product_id: int
    product_slug: str


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """The large catalogue, committed (VACUUM needs it) for this module's tests, and removed after them with
    every vocabulary word it added."""
    with django_db_blocker.unblock():
        words_before = set(SearchTerm.objects.values_list("term", flat=True))
        sellers = [SellerFactory() for _ in range(SELLERS)]
        leaves = []
        for top in range(6):
            parent = CategoryFactory(name=f"Plan department {top}")
            leaves += [CategoryFactory(name=f"Plan aisle {top}-{n}", parent=parent) for n in range(5)]
        forget_category_tree()
        first = generate_catalogue(
            products=PRODUCTS, seller_ids=[s.pk for s in sellers], category_ids=[c.pk for c in leaves]
        )
        vacuum_catalogue()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, slug FROM catalog_product AS p WHERE status = 'active' AND id >= %s AND EXISTS ("
                "SELECT 1 FROM catalog_variant AS v JOIN inventory_stocklevel AS s ON s.variant_id = v.id "
                "WHERE v.product_id = p.id AND s.on_hand > 0) ORDER BY id DESC LIMIT 1 OFFSET 100",
                [first],
            )
            product_id, product_slug = cursor.fetchone()
        try:
            yield Catalogue(first, leaves[0], sellers[0], product_id, product_slug)
        finally:
            remove_catalogue(first)
            SearchTerm.objects.exclude(term__in=words_before).delete()
            Category.objects.filter(pk__in=[c.pk for c in leaves]).delete()
            Category.objects.filter(name__startswith="Plan department").delete()
            for seller in sellers:
                user = seller.user
                seller.delete()
                user.delete()
            forget_category_tree()


def whole_table_scans(sql: str) -> list[str]:
    """The catalogue tables PostgreSQL would read whole (a sequential scan) to answer ``sql``."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    scanned, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in WATCHED_TABLES:
            scanned.append(node["Relation Name"])
        nodes += node.get("Plans", [])
    return scanned


def catalogue_reads(captured) -> list[str]:
    """The captured statements reading products, variants or stock levels."""
    reads = []
    for query in captured:
        sql = query["sql"]
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and any(t in sql for t in WATCHED_TABLES):
            reads.append(sql)
    return reads


PAGES = {
    "home": lambda c: "/",
    "category page": lambda c: reverse("catalog:category", kwargs={"slug": c.leaf.slug}),
    "category page, in stock only": lambda c: (
        reverse("catalog:category", kwargs={"slug": c.leaf.slug}) + "?in_stock=1&sort=price"
    ),
    "search page": lambda c: reverse("catalog:search") + "?q=lamp",
    "search page, words never together": lambda c: reverse("catalog:search") + "?q=lamp+guitar",
    "store page": lambda c: reverse("catalog:store", kwargs={"slug": c.seller.slug}),
    "product page": lambda c: reverse("catalog:product", kwargs={"product_id": c.product_id, "slug": c.product_slug}),
    "API list": lambda c: "/api/v1/products",
    "API list, in stock only": lambda c: "/api/v1/products?in_stock=true&sort=price",
    "API category": lambda c: f"/api/v1/products?category={c.leaf.pk}&in_stock=true",
    "API search": lambda c: "/api/v1/products?q=kettle&sort=rating",
    "API detail": lambda c: f"/api/v1/products/{c.product_id}",
    "API search suggestions": lambda c: "/api/v1/search/suggest?q=kett",
    "seller's products": lambda c: "seller:" + reverse("catalog:seller-products"),
    "seller's products by stock": lambda c: "seller:" + reverse("catalog:seller-products") + "?sort=stock",
    "seller's products (API)": lambda c: "seller:/api/v1/seller/products",
}


def whole_table_reads(client, url: str) -> dict[str, list[str]]:
    """Open ``url``; each of its statements reading products, variants or stock that PostgreSQL would answer
    with a sequential scan of one of them, with the tables it would read whole."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    reads = catalogue_reads(captured)
    assert reads, "the page read no product"
    return {sql: tables for sql in reads if (tables := whole_table_scans(sql))}


@pytest.mark.parametrize("page", PAGES)
def test_no_page_reads_a_whole_catalogue_table(page, catalogue, client):
    url = PAGES[page](catalogue)
    if url.startswith("seller:"):
        client.force_login(catalogue.seller.user)
        url = url.removeprefix("seller:")
    assert whole_table_reads(client, url) == {}


def test_without_its_indexes_a_page_is_caught_reading_a_whole_table(catalogue, client):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP INDEX catalog_variant_color_lower, catalog_variant_size_lower")
    reads = whole_table_reads(client, PAGES["search page, words never together"](catalogue))
    assert "catalog_variant" in {table for tables in reads.values() for table in tables}


def rows_read(sql: str, table: str = "catalog_product") -> int:
    """The rows PostgreSQL's plan for ``sql`` actually reads from ``table`` (kept or filtered out), run once."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    read, nodes = 0, [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == table:
            loops = node.get("Actual Loops", 1)
            read += (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
        nodes += node.get("Plans", [])
    return read


def test_similar_products_read_a_few_rows_either_side_of_the_price_not_the_whole_category(catalogue):
    """The content fallback of "similar products" (product pages, a shopper's landing rows): at most the limit
    on each side of the price, for the same brand and for any, whatever the category's size (1,000 here)."""
    from recommendations import selectors

    limit = 8
    with CaptureQueriesContext(connection) as captured:
        found = selectors.content_fallback_ids(product_id=catalogue.product_id, limit=limit)
    assert len(found) == limit
    assert rows_read(captured[-1]["sql"]) <= 4 * limit + 1
