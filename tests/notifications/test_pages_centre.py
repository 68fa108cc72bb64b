"""The notification centre page /notifications/: your notifications, marking one or all read."""

from django.utils import timezone
import pytest

from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    return UserFactory()


@pytest.fixture
def ann_client(client, ann):
    client.force_login(ann)
    return client


def test_the_centre_lists_your_notifications_and_not_others(ann, ann_client):
    NotificationFactory(user=ann, title="Order ord_1 shipped", body="2 x Blue Mug shipped.")
    NotificationFactory(user=UserFactory(), title="Someone else's sale")

    response = ann_client.get("/notifications/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Order ord_1 shipped" in page
    assert "2 x Blue Mug shipped." in page
    assert "Someone else" not in page
    assert "1 unread" in page


def test_the_centre_needs_signing_in(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login") or "login" in response["Location"]


def test_mark_as_read_on_the_page_marks_it_read(ann, ann_client):
    notification = NotificationFactory(user=ann)

    response = ann_client.post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "All read" in ann_client.get("/notifications/").content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(ann, ann_client):
    notification = NotificationFactory(user=ann, url="/orders/ord_1/")

    response = ann_client.post(f"/notifications/{notification.pk}/read/", {"open": "1"})

    assert response["Location"] == "/orders/ord_1/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_someone_elses_notification_cannot_be_marked_read_on_the_page(ann_client):
    bobs = NotificationFactory(user=UserFactory())

    response = ann_client.post(f"/notifications/{bobs.pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=bobs.pk).read_at is None


def test_mark_all_read_marks_only_your_own(ann, ann_client):
    NotificationFactory.create_batch(2, user=ann)
    bobs = NotificationFactory(user=UserFactory())

    ann_client.post("/notifications/read-all/")

    assert not Notification.objects.filter(user=ann, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=bobs.pk).read_at is None


def test_read_notifications_offer_no_mark_as_read_button(ann, ann_client):
    NotificationFactory(user=ann, read_at=timezone.now())

    assert "Mark as read" not in ann_client.get("/notifications/").content.decode()


def test_the_header_loads_the_unread_count_after_the_page(ann, ann_client):
    NotificationFactory(user=ann)
    NotificationFactory(user=ann, read_at=timezone.now())
    NotificationFactory(user=UserFactory())

    page = ann_client.get("/").content.decode()
    badge = ann_client.get("/notifications/badge").content.decode()

    assert 'hx-get="/notifications/badge"' in page
    assert ">1<" in badge.replace(" ", "")
    assert "is-empty" not in badge


def test_a_signed_out_visitor_gets_an_empty_badge(client):
    assert "is-empty" in client.get("/notifications/badge").content.decode()
