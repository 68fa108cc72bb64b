"""URLs of the ledger: the seller's money pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from ledger import api, views

app_name = "ledger"

urlpatterns: list = [
    path("seller/money/", views.money, name="seller-money"),
    path("seller/money/statement.csv", views.statement_csv, name="seller-statement-csv"),
    path("seller/payouts/", views.payouts, name="seller-payouts"),
    path("seller/payouts/<str:payout_id>/", views.payout_detail, name="seller-payout"),
    path("seller/payouts/<str:payout_id>/statement.csv", views.payout_statement_csv, name="seller-payout-csv"),
]

api_urlpatterns: list = [
    path("seller/balance", api.SellerBalanceView.as_view(), name="seller-balance"),
    path("seller/ledger", api.SellerLedgerView.as_view(), name="seller-ledger"),
    path("seller/payouts", api.SellerPayoutListView.as_view(), name="seller-payouts"),
    path("seller/payouts/<str:payout_id>", api.SellerPayoutView.as_view(), name="seller-payout"),
]
