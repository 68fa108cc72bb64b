"""URLs of the orders app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from orders import seller_views, views
from orders.api import buyer, seller

app_name = "orders"

# Storefront pages (checkout, payment, orders, returns, the seller's overview and returns; shipments are logistics').
urlpatterns: list = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="list"),
    path("orders/<str:order_id>/", views.order_detail, name="detail"),
    path("orders/<str:order_id>/pay/", views.pay, name="pay"),
    path("orders/<str:order_id>/back-to-cart/", views.back_to_cart, name="back-to-cart"),
    path("orders/<str:order_id>/items/<int:line_id>/cancel/", views.cancel_item, name="cancel-item"),
    path("orders/<str:order_id>/items/<int:line_id>/return/", views.return_item, name="return-item"),
    path("returns/", views.return_list, name="returns"),
    path("seller/", seller_views.seller_overview, name="seller-overview"),
    path("seller/returns/", views.seller_returns, name="seller-returns"),
    path(
        "seller/returns/<str:return_id>/<str:action>/",
        views.seller_return_decision,
        name="seller-return-decision",
    ),
]

api_urlpatterns = [
    path("checkout", buyer.CheckoutView.as_view(), name="checkout"),
    path("orders", buyer.OrderListView.as_view(), name="orders"),
    path("orders/<str:order_id>", buyer.OrderDetailView.as_view(), name="order"),
    path("orders/<str:order_id>/pay", buyer.OrderPayView.as_view(), name="order-pay"),
    path("track/<str:order_id>", buyer.TrackView.as_view(), name="track"),
    path("cancel", buyer.CancelView.as_view(), name="cancel"),
    path("returns", buyer.ReturnListCreateView.as_view(), name="returns"),
    path("seller/orders", seller.SellerOrderListView.as_view(), name="seller-orders"),
    path("seller/stats", seller.SellerStatsView.as_view(), name="seller-stats"),
    path("seller/returns", seller.SellerReturnListView.as_view(), name="seller-returns"),
    path(
        "seller/returns/<str:return_id>/approve", seller.SellerReturnApproveView.as_view(), name="seller-return-approve"
    ),
    path("seller/returns/<str:return_id>/reject", seller.SellerReturnRejectView.as_view(), name="seller-return-reject"),
    path(
        "seller/returns/<str:return_id>/receive", seller.SellerReturnReceiveView.as_view(), name="seller-return-receive"
    ),
]
