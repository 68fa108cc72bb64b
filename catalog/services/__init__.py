"""Write use cases of the catalog: products with their variants, images and reviews; the category tree.

Split by subject: ``products``, ``variants``, ``images``, ``reviews``, ``categories``, ``sales``,
``trending``, ``imports`` (bulk import of a seller's file); ``checks`` holds the input checks they share. Other apps
and views use the names re-exported here
(``from catalog import services; services.create_product(...)``). The ``sync_*`` functions are for
code that changed rows directly (the admin) and run inside its transaction.
"""

from catalog.search.personal import register_affinity_provider  # personal search's hook, filled by a higher app
from catalog.services.categories import (
    CATEGORY_PATH_SEPARATOR,
    create_category,
    move_category,
    rename_category,
    sync_category_subtree,
)
from catalog.services.checks import MAX_VARIANTS, OPTION_LENGTH, UNSET, VariantInput, normalized_options
from catalog.services.images import add_image, delete_image, reorder_images, update_image
from catalog.services.imports import apply_import, check_import, confirm_import, start_import
from catalog.services.products import archive_product, create_product, sync_product, update_product
from catalog.services.reviews import record_received, sync_product_rating, write_review
from catalog.services.sales import record_sales
from catalog.services.trending import set_trending_scores
from catalog.services.variants import update_variant

__all__ = [
    "CATEGORY_PATH_SEPARATOR",
    "MAX_VARIANTS",
    "OPTION_LENGTH",
    "UNSET",
    "VariantInput",
    "add_image",
    "apply_import",
    "archive_product",
    "check_import",
    "confirm_import",
    "create_category",
    "create_product",
    "delete_image",
    "move_category",
    "normalized_options",
    "record_received",
    "record_sales",
    "register_affinity_provider",
    "rename_category",
    "reorder_images",
    "set_trending_scores",
    "start_import",
    "sync_category_subtree",
    "sync_product",
    "sync_product_rating",
    "update_image",
    "update_product",
    "update_variant",
    "write_review",
]
