from django.urls import path

from catalog import api, seller_views, views
from catalog.imports import urls as import_urls
from catalog.search import api as search_api

app_name = "catalog"

urlpatterns = [
    path("c/<slug:slug>/", views.category, name="category"),
    path("search", views.search, name="search"),
    path("s/<slug:slug>/", views.store, name="store"),
    path("p/<int:product_id>-<slug:slug>/", views.product, name="product"),
    path("p/<int:product_id>/", views.product, name="product-short"),
    path("p/<int:product_id>/reviews", views.review_create, name="review-create"),
    path("seller/products/", seller_views.seller_products, name="seller-products"),
    path("seller/products/new/", seller_views.seller_product_new, name="seller-product-new"),
    path("seller/products/<int:product_id>/", seller_views.seller_product_edit, name="seller-product-edit"),
    path("seller/products/<int:product_id>/status/", seller_views.seller_product_status, name="seller-product-status"),
    path("seller/products/<int:product_id>/images/", seller_views.seller_product_images, name="seller-product-images"),
    *import_urls.urlpatterns,
]

api_urlpatterns = [
    path("products", api.ProductListCreateView.as_view(), name="products"),
    path("products/<int:product_id>", api.ProductDetailView.as_view(), name="product"),
    path("products/<int:product_id>/variants/<str:sku>", api.VariantDetailView.as_view(), name="variant"),
    path("products/<int:product_id>/images", api.ProductImageCreateView.as_view(), name="product-images"),
    path(
        "products/<int:product_id>/images/<int:image_id>",
        api.ProductImageDetailView.as_view(),
        name="product-image",
    ),
    path("seller/products", api.SellerProductListView.as_view(), name="seller-products"),
    path("products/<int:product_id>/reviews", api.ReviewListCreateView.as_view(), name="product-reviews"),
    path("categories", api.CategoryListView.as_view(), name="categories"),
    path("search/suggest", search_api.SuggestView.as_view(), name="search-suggest"),
    *import_urls.api_urlpatterns,
]
