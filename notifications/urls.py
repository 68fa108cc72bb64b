"""URLs of the notifications app: storefront pages (included at the site root) and API routes (under /api/v1/)."""

from django.urls import path

from notifications import api, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_centre, name="centre"),
    path("notifications/badge", views.unread_badge, name="badge"),
    path("notifications/read-all/", views.mark_all_read, name="read-all"),
    path("notifications/<int:notification_id>/read/", views.mark_read, name="read"),
]

api_urlpatterns = [
    path("notifications", api.NotificationListView.as_view(), name="list"),
    path("notifications/<int:notification_id>/read", api.NotificationReadView.as_view(), name="read"),
]
