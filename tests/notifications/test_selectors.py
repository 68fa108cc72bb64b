"""unread_count_for: the header badge counts the user's own unread notifications."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
import pytest

from notifications.selectors import unread_count_for
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_unread_count_counts_only_your_unread_notifications():
    ann = UserFactory()
    NotificationFactory.create_batch(2, user=ann)
    NotificationFactory(user=ann, read_at=timezone.now())
    NotificationFactory(user=UserFactory())

    assert unread_count_for(user=ann) == 2


def test_unread_count_is_zero_for_anonymous_visitors(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert unread_count_for(user=AnonymousUser()) == 0
