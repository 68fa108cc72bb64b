"""Read functions of the catalog app, for pages, the API and other apps.

Split by subject: ``categories`` (the tree), ``products`` (cards, detail, variants, reviews) and
``pages`` (what storefront pages need beyond that).
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
    listed_products,
    product_cards,
    product_cards_queryset,
    product_detail,
    product_for_owner,
    products_of_seller,
    reviews_for,
    variant_of,
    variants_for,
    visible_product,
)

__all__ = [
    "ProductDetail",
    "ancestors",
    "card_json",
    "categories_with_counts",
    "category_by_slug_or_id",
    "category_tree",
    "descendant_ids",
    "forget_category_tree",
    "listed_products",
    "product_cards",
    "product_cards_queryset",
    "product_detail",
    "product_for_owner",
    "products_of_seller",
    "reviews_for",
    "top_level_categories",
    "variant_of",
    "variants_for",
    "visible_product",
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
