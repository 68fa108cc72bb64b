"""Routes of bulk import and export; catalog/urls.py adds them to its own."""

from django.urls import path

from catalog.imports import api, views

urlpatterns = [
    path("seller/products/import/", views.seller_import, name="seller-import"),
    path("seller/products/import/<int:import_id>/", views.seller_import_detail, name="seller-import-detail"),
    path("seller/products/import/<int:import_id>/confirm", views.seller_import_confirm, name="seller-import-confirm"),
    path(
        "seller/products/import/<int:import_id>/progress", views.seller_import_progress, name="seller-import-progress"
    ),
    path("seller/products/export.<str:file_format>", views.seller_export, name="seller-export"),
]

api_urlpatterns = [
    path("seller/imports", api.SellerImportListView.as_view(), name="seller-imports"),
    path("seller/imports/<int:import_id>", api.SellerImportDetailView.as_view(), name="seller-import"),
    path("seller/imports/<int:import_id>/confirm", api.SellerImportConfirmView.as_view(), name="seller-import-confirm"),
    path("seller/export", api.SellerExportView.as_view(), name="seller-export"),
]
