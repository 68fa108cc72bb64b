"""The catalog: a category tree, products owned by sellers, their variants, images and reviews."""

from pathlib import PurePosixPath
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from catalog import sqlite_triggers  # noqa: F401  (keeps SQLite's option triggers out of migrate's way)


class Category(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    # Denormalized from the ancestors ("Clothing > Shoes > Running"), for breadcrumbs and search.
    path_names = models.CharField(max_length=500, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="catalog_category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.path_names or self.name


# The product columns only the database's triggers write (Product.save leaves them out of its updates).
DATABASE_KEPT = frozenset({"stocked_variants", "sizes", "colors"})


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    # Indexed by the (seller, ...) indexes below.
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="products", db_index=False)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220)
    description = models.TextField(blank=True)
    brand = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True, help_text="Free-form specifications.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The lowest variant price: what listings show, sort and filter by. Kept by catalog.services.
    price = models.DecimalField(max_digits=12, decimal_places=2)
    low_stock_threshold = models.PositiveIntegerField(null=True, blank=True)
    # Review aggregates, kept by catalog.services when a review is written.
    rating = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    review_count = models.PositiveIntegerField(default=0)
    sales_count = models.PositiveIntegerField(default=0, help_text="Units sold, for 'bestselling'.")
    # Recent sales and views, decayed: set by recommendations' trending job (catalog.services.set_trending_scores).
    trending_score = models.FloatField(
        default=0, db_default=0, help_text="Recent sales and views, decayed, for 'trending'."
    )
    # Search document parts. category_text copies the category path; search_vector is computed by a
    # database trigger on PostgreSQL (see migrations) and stays NULL on SQLite, which uses FTS5.
    category_text = models.CharField(max_length=500, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # How many of its variants have a unit no hold covers (stock level on_hand > held): with the lapsed holds,
    # whether the product is in stock (inventory.selectors.product_in_stock), read from the row instead of
    # from every stock level of the catalogue. Kept by database triggers on inventory_stocklevel (inventory
    # migration 0005) that add or take one when a level's on_hand > held changes, so that any write path
    # (services, bulk loads, raw SQL) keeps it right; Python never writes it (see ``save``).
    stocked_variants = models.IntegerField(default=0, db_default=0, editable=False)
    # Its variants' sizes and colours, {lower-cased value: its first spelling}, for search facets and filters:
    # counting them per matching product reads these rows alone instead of every match's variants. Kept by
    # database triggers on catalog_variant (migration 0010); Python never writes them (see ``save``).
    sizes = models.JSONField(default=dict, db_default=Value({}, output_field=models.JSONField()), editable=False)
    colors = models.JSONField(default=dict, db_default=Value({}, output_field=models.JSONField()), editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_product_price_not_negative"),
            models.CheckConstraint(condition=Q(rating__gte=0) & Q(rating__lte=5), name="catalog_product_rating_0_5"),
            models.CheckConstraint(
                condition=Q(stocked_variants__gte=0), name="catalog_product_stocked_variants_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category", "-created_at"], name="catalog_prod_status_cat"),
            models.Index(fields=["status", "-created_at"], name="catalog_prod_status_new"),
            models.Index(fields=["status", "price"], name="catalog_prod_status_price"),
            models.Index(fields=["status", "-rating"], name="catalog_prod_status_rating"),
            models.Index(fields=["status", "-sales_count"], name="catalog_prod_status_sales"),
            models.Index(fields=["status", "-trending_score"], name="catalog_prod_status_trending"),
            models.Index(fields=["brand"], name="catalog_prod_brand"),
            models.Index(fields=["seller", "status"], name="catalog_prod_seller"),
            # A seller's newest products (their product list, their store) without sorting all of them.
            models.Index(fields=["seller", "-created_at"], name="catalog_prod_seller_new"),
            # Counting the listed products in stock from the index alone (the id for the lapsed holds' test).
            models.Index(fields=["status", "stocked_variants", "id"], name="catalog_prod_status_stocked"),
            # Listed products of a category nearest a price, of any brand or of one (selectors.near_in_price_ids
            # reads a few on either side of a price instead of every product of the category).
            models.Index(
                fields=["category", "price", "id"], name="catalog_prod_listed_cat_price", condition=Q(status="active")
            ),
            models.Index(
                F("category"),
                Upper("brand"),
                F("price"),
                F("id"),
                name="catalog_prod_listed_cat_brand",
                condition=Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Save, never writing the columns the database keeps (``stocked_variants``, ``sizes``, ``colors``) of an
        existing row: the copy in memory may be stale (a stock or variant change since the row was read, even in
        the same transaction: a product edit sets stock before saving the product), and only the triggers'
        writes are right."""
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in deferred and field.attname not in DATABASE_KEPT
            ]
        super().save(*args, **kwargs)

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.ACTIVE


class Variant(models.Model):
    """A purchasable version of a product (size M in red). Every product has at least one."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    options = models.JSONField(default=dict, blank=True, help_text='e.g. {"size": "M", "color": "red"}')
    # Copies of the two options shoppers filter by, indexed for facets.
    size = models.CharField(max_length=40, blank=True, editable=False)
    color = models.CharField(max_length=40, blank=True, editable=False)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    low_stock_threshold = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_not_negative"),
            models.UniqueConstraint(fields=["product", "options"], name="catalog_variant_unique_options"),
        ]
        indexes = [
            models.Index(fields=["product", "size"], name="catalog_variant_size"),
            models.Index(fields=["product", "color"], name="catalog_variant_color"),
            # The catalogue's sizes and colours, read one value at a time (catalog.search.backends.option_values).
            models.Index(Lower("size"), name="catalog_variant_size_lower"),
            models.Index(Lower("color"), name="catalog_variant_color_lower"),
        ]

    def __str__(self) -> str:
        return self.sku


def product_image_path(instance: "ProductImage", filename: str) -> str:
    """A name no file ever had (products/<product>/<random>.<ext>), whatever the upload was called: media are
    cached as immutable, so a name must never be used again for other content, even after its file is gone."""
    return f"products/{instance.product_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=product_image_path, blank=True)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(max_length=200, blank=True)
    # The colour option this picture shows (a variant's ``color``); blank for every colour.
    color = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Written by a buyer who received the product (every review since the rule; older and demo ones are not).
    verified_purchase = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="catalog_review_rating_1_5"),
            models.UniqueConstraint(fields=["product", "user"], name="catalog_review_one_per_buyer"),
        ]
        indexes = [models.Index(fields=["product", "-created_at"], name="catalog_review_product")]

    def __str__(self) -> str:
        return f"{self.rating}/5 {self.title}"


class SearchTerm(models.Model):
    """A word of an active product's name, brand or category: the vocabulary "did you mean" corrects against.

    Kept by a statement-level database trigger on PostgreSQL (see migrations); SQLite reads its
    full-text index's own vocabulary instead.
    """

    term = models.CharField(primary_key=True, max_length=64)

    def __str__(self) -> str:
        return self.term


class SalesEntry(models.Model):
    """Units of a product that one event (an order paid, a line cancelled, a return received) added to its
    ``sales_count`` (negative: taken off). One per event and product, so a redelivered event counts once."""

    event_id = models.CharField(max_length=64, help_text="The outbox event that moved the figure.")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sales_entries")
    units = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_id", "product"], name="catalog_sales_once_per_event"),
        ]
        verbose_name_plural = "sales entries"

    def __str__(self) -> str:
        return f"{self.product_id} {self.units:+d} ({self.event_id})"


class ProductImport(models.Model):
    """One upload of a seller's catalogue file (CSV or XLSX, one row per variant): its dry run, then its
    application in one transaction. The file is kept so the apply re-reads exactly what was checked."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking"
        VALIDATED = "validated", "Checked"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="product_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=4, choices=Format.choices)
    content = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # {"counts": {"create", "change", "unchanged", "error_rows"}, "errors": [{"line", "column", "message"}],
    #  "error_count", "preview": [{"line", "sku", "name", "action", "changes"}], "message"}
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["seller", "-created_at"], name="catalog_import_seller")]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.file_name}"


class VerifiedPurchase(models.Model):
    """A buyer received this product (the orders app said so in "order.lines_delivered"): they may review it,
    and their review shows "Verified purchase". One per buyer and product, whatever they bought again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=64, help_text="The outbox event that first showed the delivery.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="catalog_verified_purchase_once"),
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} received product {self.product_id}"
