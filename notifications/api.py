"""Notifications API: the caller's notifications (newest first, with the unread count) and marking one read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from notifications import selectors, services
from shop.api.pagination import page_serializer


def render_notification(notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "read": notification.read_at is not None,
        "read_at": notification.read_at,
        "created_at": notification.created_at,
    }


class NotificationSerializer(serializers.Serializer):
    """One notification; ``url`` is the site page it is about."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="order_paid, order_shipped, new_sale, stock_low, ...")
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationListView(GenericAPIView):
    """The signed-in user's notifications, newest first, and how many are unread."""

    serializer_class = NotificationSerializer
    list_key = "notifications"
    problem_responses = {400: "offset or limit out of range (validation_error)."}

    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications",
        parameters=[
            OpenApiParameter("offset", OpenApiTypes.INT, description="Index of the first item to return.", default=0),
            OpenApiParameter("limit", OpenApiTypes.INT, description="How many items to return (1..100).", default=20),
        ],
        responses={
            200: page_serializer(
                "NotificationList",
                list_key="notifications",
                item=NotificationSerializer,
                unread_count=serializers.IntegerField(),
            )
        },
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.notifications_for(user=request.user))
        response = self.get_paginated_response([render_notification(n) for n in page])
        response.data["unread_count"] = selectors.unread_count_for(user=request.user)
        return response


class NotificationReadView(GenericAPIView):
    """Mark one of your notifications read (again is fine); anyone else's is a 404."""

    serializer_class = NotificationSerializer

    @extend_schema(operation_id="notifications_read", summary="Mark a notification read", request=None)
    def post(self, request, notification_id: int):
        notification = services.mark_read(user=request.user, notification_id=notification_id)
        return Response(render_notification(notification))
