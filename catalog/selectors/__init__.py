"""Read functions of the catalog app, for pages, the API and other apps.

Split by subject: ``categories`` (the tree), ``products`` (cards, detail, variants, reviews),
``pages`` (what storefront pages need beyond that) and ``seller`` (a seller's own products, every status).
"""

from catalog.selectors.categories import (
    ancestors,
    category_by_slug_or_id,
    category_tree,
    descendant_ids,
    forget_category_tree,
    top_level_categories,
)
from catalog.selectors.products import (
    ProductDetail,
    card_json,
    categories_with_counts,
    has_received,
    listed_cards,
    listed_products,
    near_in_price_ids,
    options_by_sku,
    product_cards,
    product_cards_queryset,
    product_detail,
    product_for_owner,
    products_of_seller,
    review_standing,
    reviews_for,
    variant_of,
    variants_for,
    visible_product,
)
from catalog.selectors.seller import (
    SELLER_SORTS,
    VariantStock,
    images_of,
    own_image,
    own_product,
    seller_products,
    variant_stock,
    with_stock,
)
from catalog.selectors.trending import daily_sales  # the trending job's reads (recommendations.trending)

__all__ = [
    "SELLER_SORTS",
    "ProductDetail",
    "VariantStock",
    "ancestors",
    "card_json",
    "categories_with_counts",
    "category_by_slug_or_id",
    "category_tree",
    "daily_sales",
    "descendant_ids",
    "forget_category_tree",
    "has_received",
    "images_of",
    "listed_cards",
    "listed_products",
    "near_in_price_ids",
    "options_by_sku",
    "own_image",
    "own_product",
    "product_cards",
    "product_cards_queryset",
    "product_detail",
    "product_for_owner",
    "products_of_seller",
    "review_standing",
    "reviews_for",
    "seller_products",
    "top_level_categories",
    "variant_of",
    "variant_stock",
    "variants_for",
    "visible_product",
    "with_stock",
]

# The storefront pages' reads (catalog.views).
from catalog.selectors.pages import (
    ProductPage,
    StoreRating,
    best_rated,
    home_categories,
    new_arrivals,
    product_page,
    product_url,
    store_rating,
    sub_categories,
    with_card_data,
)

__all__ += [
    "ProductPage",
    "StoreRating",
    "best_rated",
    "home_categories",
    "new_arrivals",
    "product_page",
    "product_url",
    "store_rating",
    "sub_categories",
    "with_card_data",
]
