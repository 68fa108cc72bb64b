"""GET /api/v1/notifications and POST /api/v1/notifications/{id}/read: your own only, newest first."""

from datetime import timedelta

from django.utils import timezone
import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_shows_only_your_own_notifications_newest_first():
    ann, bob = UserFactory(), UserFactory()
    now = timezone.now()
    older = NotificationFactory(user=ann, title="Older", created_at=now - timedelta(hours=1))
    newer = NotificationFactory(user=ann, title="Newer", created_at=now)
    NotificationFactory(user=bob, title="Bob's")

    response = client_for(ann).get("/api/v1/notifications")

    assert response.status_code == 200
    body = response.json()
    assert [n["id"] for n in body["notifications"]] == [newer.pk, older.pk]
    assert body["count"] == 2
    assert body["offset"] == 0
    assert body["next_offset"] is None
    assert body["unread_count"] == 2
    assert set(body["notifications"][0]) >= {"id", "kind", "title", "body", "url", "read", "read_at", "created_at"}


def test_the_list_is_paginated_and_unread_count_covers_every_page():
    ann = UserFactory()
    NotificationFactory.create_batch(3, user=ann)
    NotificationFactory(user=ann, read_at=timezone.now())

    body = client_for(ann).get("/api/v1/notifications?limit=2").json()

    assert len(body["notifications"]) == 2
    assert body["count"] == 4
    assert body["next_offset"] == 2
    assert body["unread_count"] == 3


def test_the_list_needs_a_signed_in_user():
    response = APIClient().get("/api/v1/notifications")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_list_is_not_cached_by_shared_caches():
    response = client_for(UserFactory()).get("/api/v1/notifications")

    assert "private" in response["Cache-Control"]


def test_the_list_costs_the_same_queries_for_many_notifications(django_assert_max_num_queries):
    ann = UserFactory()
    client = client_for(ann)
    NotificationFactory.create_batch(2, user=ann)
    with django_assert_max_num_queries(3):  # page, count, unread count
        client.get("/api/v1/notifications")
    NotificationFactory.create_batch(30, user=ann)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/notifications?limit=100").json()["notifications"]) == 32


def test_mark_read_marks_it_read_and_lowers_the_unread_count():
    ann = UserFactory()
    notification = NotificationFactory(user=ann)
    NotificationFactory(user=ann)
    client = client_for(ann)

    response = client.post(f"/api/v1/notifications/{notification.pk}/read")

    assert response.status_code == 200
    assert response.json()["read"] is True
    assert response.json()["read_at"]
    assert client.get("/api/v1/notifications").json()["unread_count"] == 1


def test_marking_read_twice_keeps_the_first_read_time():
    ann = UserFactory()
    notification = NotificationFactory(user=ann)
    client = client_for(ann)

    first = client.post(f"/api/v1/notifications/{notification.pk}/read").json()["read_at"]
    second = client.post(f"/api/v1/notifications/{notification.pk}/read").json()["read_at"]

    assert first == second


def test_marking_someone_elses_notification_read_is_a_404_and_changes_nothing():
    bobs = NotificationFactory(user=UserFactory())

    response = client_for(UserFactory()).post(f"/api/v1/notifications/{bobs.pk}/read")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    bobs.refresh_from_db()
    assert bobs.read_at is None


def test_mark_read_needs_a_signed_in_user():
    notification = NotificationFactory()

    assert APIClient().post(f"/api/v1/notifications/{notification.pk}/read").status_code == 401
    assert Notification.objects.get(pk=notification.pk).read_at is None
