"""seed_demo creates the demo accounts once and a believable demo catalog, however often it runs."""

from decimal import Decimal
from io import StringIO

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, F
import pytest

from accounts.models import Address, User
from catalog import demo as catalog_demo
from catalog.models import Category, Product, ProductImage, Review, SearchTerm, Variant
from inventory.models import LowStockAlert, StockLevel, StockMovement
from ledger import selectors as ledger_selectors
from ledger.models import Payout
from logistics.models import Shipment
from notifications.models import Notification
from orders.models import Order, OrderLine, OrderRefund, ReturnRequest
from orders.stats import seller_stats
from sellers.models import Seller

pytestmark = pytest.mark.django_db

APPAREL_ROOTS = ("Clothing", "Shoes")


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    """One media folder for the whole run, so the pooled pictures are drawn once, not in every test."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _media(settings, media_dir):
    settings.MEDIA_ROOT = str(media_dir)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--quiet", *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    models = (User, Seller, Category, Product, Variant, ProductImage, Review, StockLevel, StockMovement)
    return {model.__name__: model.objects.count() for model in models}


# --- The demo accounts ---------------------------------------------------------------------------------


def test_seed_demo_creates_the_demo_buyer_and_seller_and_prints_credentials():
    output = seed("--products", "0")
    assert "buyer@example.com / demo-buyer-pass" in output
    assert "seller@example.com / demo-seller-pass" in output
    buyer = User.objects.get(email="buyer@example.com")
    assert buyer.check_password("demo-buyer-pass")
    assert Address.objects.filter(user=buyer, is_default=True).exists()
    assert Seller.objects.get(user__email="seller@example.com").store_name == "Sam's Goods"


def test_seed_demo_is_idempotent():
    seed("--products", "0")
    assert "Demo data present" in seed("--products", "0")
    assert User.objects.count() == 2
    assert Seller.objects.count() == 1
    assert Address.objects.count() == 1


def test_seed_demo_completes_a_half_seeded_database():
    User.objects.create_user(email="seller@example.com", password="demo-seller-pass", name="Sam Seller")
    seed("--products", "0")
    assert Seller.objects.filter(user__email="seller@example.com").exists()


# --- The demo catalog ----------------------------------------------------------------------------------


@pytest.fixture
def catalog() -> str:
    return seed("--products", "60")


def test_the_catalog_has_a_category_tree_with_paths_and_depths(catalog):
    assert Category.objects.count() >= 45
    assert Category.objects.filter(parent=None).count() == 8
    t_shirts = Category.objects.get(slug="men-t-shirts")
    assert (t_shirts.path_names, t_shirts.depth, t_shirts.parent.slug) == ("Clothing > Men > T-shirts", 2, "men")
    for category in Category.objects.exclude(parent=None).select_related("parent"):
        assert category.path_names == f"{category.parent.path_names} > {category.name}"
        assert category.depth == category.parent.depth + 1


def test_products_sit_in_leaf_categories_and_carry_their_path(catalog):
    assert Product.objects.count() == 60
    for product in Product.objects.select_related("category"):
        assert not product.category.children.exists()
        assert product.category_text == product.category.path_names
    # The first products visit every leaf once, so even a small catalog shows every category.
    leaves = Category.objects.annotate(n=Count("children")).filter(n=0).count()
    assert Product.objects.values("category").distinct().count() == leaves


def test_products_belong_to_twenty_stores_and_shoppers_review_them(catalog):
    assert Seller.objects.count() == 20
    assert Product.objects.values("seller").distinct().count() > 5
    shopper = User.objects.get(email="shopper001@example.com")
    assert shopper.check_password("demo-buyer-pass")
    assert User.objects.get(email="store01@example.com").check_password("demo-seller-pass")
    assert Review.objects.exclude(user__email__startswith="shopper").count() == 0


def test_apparel_and_shoes_come_in_sizes_and_colours_and_the_rest_in_one_variant(catalog):
    apparel = Product.objects.filter(category_text__regex=r"^(Clothing|Shoes) >")
    assert apparel.exists()
    for product in apparel.prefetch_related("variants"):
        variants = list(product.variants.all())
        assert len(variants) >= 3
        for variant in variants:
            assert sorted(variant.options) == ["color", "size"]
            assert (variant.size, variant.color) == (variant.options["size"], variant.options["color"])
    for product in Product.objects.exclude(pk__in=apparel).prefetch_related("variants"):
        [variant] = product.variants.all()
        assert (variant.options, variant.size, variant.color) == ({}, "", "")


def test_attributes_fit_the_category(catalog):
    phone = Product.objects.filter(category__slug="phones").first()
    laptop = Product.objects.filter(category__slug="laptops").first()
    book = Product.objects.filter(category__slug="fiction").first()
    assert {"storage", "screen_size", "camera"} <= set(phone.attributes)
    assert {"ram", "cpu", "storage"} <= set(laptop.attributes)
    assert {"author", "pages", "isbn"} <= set(book.attributes)


def test_product_price_is_its_lowest_variant_price(catalog):
    for product in Product.objects.prefetch_related("variants"):
        assert product.price == min(v.price for v in product.variants.all())


def test_every_variant_has_stock_and_an_initial_ledger_row_when_it_starts_with_units(catalog):
    levels = {level.variant_id: level for level in StockLevel.objects.all()}
    assert set(levels) == set(Variant.objects.values_list("id", flat=True))
    assert any(level.on_hand == 0 for level in levels.values())
    assert any(0 < level.on_hand <= 4 for level in levels.values())
    movements = list(StockMovement.objects.select_related("variant__product__seller"))
    assert {m.variant_id for m in movements} == {v for v, level in levels.items() if level.on_hand > 0}
    for movement in movements:
        assert movement.reason == StockMovement.Reason.INITIAL
        assert movement.on_hand_delta == movement.on_hand_after == levels[movement.variant_id].on_hand
        assert movement.actor_id == movement.variant.product.seller.user_id


def test_review_aggregates_match_the_reviews_as_services_compute_them(catalog):
    assert Review.objects.exists()
    for product in Product.objects.annotate(average=Avg("reviews__rating"), reviews_n=Count("reviews")):
        assert product.review_count == product.reviews_n
        assert product.rating == Decimal(product.average or 0).quantize(Decimal("0.01"))
    assert Product.objects.filter(review_count=0).exists()
    assert Product.objects.filter(sales_count__gt=0).exists()


def test_images_point_at_pooled_pictures_and_thumbnails_in_storage(catalog):
    images = list(ProductImage.objects.all())
    assert {image.product_id for image in images} == set(Product.objects.values_list("id", flat=True))
    assert len({image.image.name for image in images}) < len(images)  # products share the pooled pictures
    for name in {image.image.name for image in images} | {image.thumbnail.name for image in images}:
        assert default_storage.exists(name)
    assert all(image.alt_text and (image.width, image.height) == (800, 800) for image in images)


def test_search_vectors_are_filled_by_the_database_for_bulk_loaded_products(catalog):
    assert not Product.objects.filter(search_vector=None).exists()


def test_the_planner_gets_statistics_for_the_loaded_tables(catalog):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Product._meta.db_table])
        assert cursor.fetchone()[0] == 60


def test_running_again_adds_nothing(catalog):
    before = table_counts()
    output = seed("--products", "60")
    assert "Demo data present" in output
    assert table_counts() == before
    seed("--products", "20")
    assert table_counts() == before


def test_a_larger_number_adds_only_the_missing_products_and_the_same_ones_every_time():
    seed("--products", "40")
    first_forty = dict(Variant.objects.filter(position=0).values_list("sku", "product__name"))
    seed("--products", "60")
    after = dict(Variant.objects.filter(position=0).values_list("sku", "product__name"))
    assert len(after) == Product.objects.count() == 60
    assert {sku: after[sku] for sku in first_forty} == first_forty

    Product.objects.all().delete()
    seed("--products", "60")
    assert dict(Variant.objects.filter(position=0).values_list("sku", "product__name")) == after


@pytest.mark.django_db(transaction=True)
def test_large_loads_run_batches_on_two_connections(monkeypatch):
    monkeypatch.setattr(catalog_demo, "BATCH_SIZE", 20)
    seed("--products", "70")
    assert Product.objects.count() == 70
    assert StockLevel.objects.count() == Variant.objects.count()
    assert catalog_demo.present_product_numbers() == set(range(70))


# --- The child rows loaded with the session's triggers off (PostgreSQL) -------------------------------


def catalog_rows() -> dict[str, object]:
    """Every row the catalog loader writes, keyed by what a reload keeps (the first variant's SKU names its
    product), without the ids and write times a reload changes."""
    skip = {"id", "updated_at", "seller", "category"}
    product_fields = [f.attname for f in Product._meta.concrete_fields if f.name not in skip and f.attname not in skip]
    product_fields += ["seller__user__email", "category__slug"]
    key_of = dict(Variant.objects.filter(position=0).values_list("product_id", "sku"))

    def keyed(queryset, *fields):
        return sorted(
            (key_of[row.pop("product_id")], *sorted(row.items(), key=lambda kv: kv[0]))
            for row in queryset.values("product_id", *fields)
        )

    movement_fields = [
        f.attname for f in StockMovement._meta.concrete_fields if f.name not in ("id", "created_at", "variant")
    ]
    return {
        "products": keyed(Product.objects.annotate(product_id=F("id")), *product_fields),
        "variants": sorted(Variant.objects.values_list("sku", "options", "size", "color", "price", "position")),
        "stock": sorted(StockLevel.objects.values_list("variant__sku", "on_hand", "held")),
        "ledger": sorted(
            (row.pop("variant__sku"), sorted(row.items()))
            for row in StockMovement.objects.values("variant__sku", *movement_fields)
        ),
        "images": keyed(ProductImage.objects.all(), *IMAGE_COLUMNS),
        "reviews": keyed(Review.objects.all(), "user_id", "rating", "title", "body", "created_at"),
        "vocabulary": set(SearchTerm.objects.values_list("term", flat=True)),
    }


IMAGE_COLUMNS = ("image", "thumbnail", "width", "height", "alt_text", "color", "position")


def test_child_rows_loaded_with_triggers_off_leave_exactly_what_the_triggers_leave(monkeypatch):
    # This database's role may turn its triggers off: the fast path is the one taken.
    bypass = catalog_demo._trigger_bypass()
    assert bypass.triggers_off
    assert bypass.count_stocked == ("stocked_variants" in {f.name for f in Product._meta.concrete_fields})
    seed("--products", "90", "--no-purchase-histories")
    fast = catalog_rows()
    assert len(fast["products"]) == 90
    assert fast["vocabulary"]
    if bypass.count_stocked:  # the loader counted the stocked variants, the triggers did not
        assert any(dict(row[1:])["stocked_variants"] > 1 for row in fast["products"])
    assert bypass.list_options == ("sizes" in {f.name for f in Product._meta.concrete_fields})
    if bypass.list_options:  # the loader listed the sizes and colours, the triggers did not
        assert any(len(dict(row[1:])["sizes"]) > 1 and dict(row[1:])["colors"] for row in fast["products"])

    Product.objects.all().delete()
    SearchTerm.objects.all().delete()
    monkeypatch.setattr(catalog_demo, "_trigger_bypass", lambda: catalog_demo._Bypass())  # every trigger on
    seed("--products", "90", "--no-purchase-histories")
    slow = catalog_rows()
    for table, rows in slow.items():
        assert fast[table] == rows, table


def test_the_triggers_are_back_on_in_the_callers_transaction_after_the_load(catalog):
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    # A foreign key is checked again (at once rather than at the commit a test never reaches): a stock row
    # for a variant that does not exist is refused.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(variant_id=10**9, on_hand=1)


def test_an_unknown_trigger_on_a_loaded_table_keeps_every_trigger_on():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_seed_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_seed_noop AFTER INSERT ON catalog_review"
            " FOR EACH ROW EXECUTE FUNCTION test_seed_noop()"
        )
    assert catalog_demo._trigger_bypass() == catalog_demo._Bypass()


# --- The demo buyer's and seller's orders --------------------------------------------------------------

# Enough products for the demo seller to have the few well-stocked ones the demo orders need.
ORDERS_CATALOG = "120"


@pytest.fixture
def with_orders(transactional_db) -> str:
    """Seeded with real commits: the orders' events (shipments, notifications) are handled after commit."""
    return seed("--products", ORDERS_CATALOG)


def test_the_demo_buyer_has_orders_in_every_state_made_through_the_services(with_orders):
    assert "10 demo orders" in with_orders
    buyer = User.objects.get(email="buyer@example.com")
    orders = list(Order.objects.filter(buyer=buyer).order_by("-placed_at"))
    assert [order.status for order in orders] == ["paid", "shipped", "delivered", "delivered"]
    for order in orders:
        kinds = set(order.events.values_list("kind", flat=True))
        assert {"placed", "paid"} <= kinds, kinds
        assert order.placed_at <= order.paid_at
    # A cancelled item, refunded; a delivered item with a return requested.
    cancelled = OrderLine.objects.get(order__buyer=buyer, status=OrderLine.Status.CANCELLED)
    assert cancelled.refunded_amount > 0
    assert OrderRefund.objects.get(order=cancelled.order).status == "succeeded"
    [request] = ReturnRequest.objects.filter(buyer=buyer)
    assert request.status == "requested"
    assert Notification.objects.filter(user=buyer).count() >= 8


def test_the_demo_seller_has_sales_over_past_days_a_parcel_to_ship_a_return_and_a_low_stock_alert(with_orders):
    seller = Seller.objects.get(user__email="seller@example.com")
    stats = seller_stats(seller_id=seller.pk, days=30)
    assert sum(1 for day in stats.series if day.orders) >= 8
    assert Shipment.objects.filter(seller=seller, status="pending").count() == 1
    assert ReturnRequest.objects.filter(seller=seller, status="requested").count() == 1
    [alert] = LowStockAlert.objects.filter(seller=seller, cleared_at__isnull=True)
    assert alert.available <= alert.threshold
    # Dated back as a whole: each parcel left after its order was paid, and its events follow in order.
    for shipment in Shipment.objects.filter(seller=seller).exclude(shipped_at=None):
        order = Order.objects.get(pk=shipment.order_id)
        assert order.paid_at <= shipment.shipped_at
        assert shipment.shipped_at.date() == order.paid_at.date()
        ats = list(shipment.events.order_by("id").values_list("at", flat=True))
        assert ats == sorted(ats)


def test_the_demo_sales_trend_at_once(with_orders):
    sold = set(OrderLine.objects.values_list("variant__product_id", flat=True))
    trending = set(Product.objects.filter(trending_score__gt=0).values_list("pk", flat=True))
    assert trending
    assert trending <= sold


def test_the_demo_seller_was_paid_for_the_delivered_lines_and_keeps_the_rest_pending(with_orders):
    seller = Seller.objects.get(user__email="seller@example.com")
    [payout] = Payout.objects.filter(seller=seller)
    assert payout.status == "paid"
    assert payout.amount == sum(entry.amount for entry in ledger_selectors.payout_statement(payout=payout))
    balance = ledger_selectors.seller_balance(seller_id=seller.pk)
    assert (balance.paid_out, balance.available) == (payout.amount, 0)
    assert balance.pending > 0  # paid, not yet delivered


def test_a_second_run_adds_no_orders(with_orders):
    counts = {model: model.objects.count() for model in (Order, OrderLine, Shipment, ReturnRequest, LowStockAlert)}
    assert "Demo data present" in seed("--products", ORDERS_CATALOG)
    assert {model: model.objects.count() for model in counts} == counts


def test_a_catalog_too_small_for_the_demo_orders_makes_none(catalog):
    assert not Order.objects.exists()
