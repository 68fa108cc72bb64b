"""Staff see failed event deliveries in the admin and send them again with the "retry" action."""

from django.contrib.auth.models import Permission
import pytest

from shop import events
from shop.models import EventDelivery, OutboxEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = "outbox_test.admin"
CHANGELIST = "/admin/shop/eventdelivery/"
Status = EventDelivery.Status

events.declare_event(EVENT, description="The admin tests' event.", fields={"order_id": str})


@pytest.fixture
def fixed_later():
    """A subscriber failing until the test says its cause is fixed; records what it handled."""
    state = {"fixed": False, "handled": []}

    def flaky_subscriber(*, event_id, **_):
        if not state["fixed"]:
            raise RuntimeError("the mail server refused the message")
        state["handled"].append(event_id)

    events.subscriber(EVENT, name="outbox_test.flaky_subscriber")(flaky_subscriber)
    yield state
    events.unsubscribe(EVENT, name="outbox_test.flaky_subscriber")


@pytest.fixture
def failed(fixed_later, settings) -> EventDelivery:
    settings.EVENT_MAX_ATTEMPTS = 2
    events.publish(EVENT, order_id="ord_1")
    delivery = EventDelivery.objects.get()
    assert delivery.status == Status.FAILED
    return delivery


def retry(client, *deliveries):
    return client.post(CHANGELIST, {"action": "retry", "_selected_action": [d.pk for d in deliveries]}, follow=True)


def test_failed_deliveries_are_listed_with_their_subscriber_and_filterable(admin_client, failed):
    response = admin_client.get(CHANGELIST, {"status__exact": "failed"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [failed]
    assert "flaky_subscriber" in response.text


def test_a_failed_delivery_shows_its_error_to_staff(admin_client, failed):
    response = admin_client.get(f"{CHANGELIST}{failed.pk}/change/")
    assert response.status_code == 200
    assert "the mail server refused the message" in response.text


def test_retry_action_sends_a_failed_delivery_again_with_fresh_attempts(admin_client, failed, fixed_later):
    fixed_later["fixed"] = True
    response = retry(admin_client, failed)
    assert "1 failed deliveries sent again." in response.text
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.DONE, 1)
    assert fixed_later["handled"] == [str(failed.event_id)]


def test_retry_action_leaves_a_done_delivery_alone(admin_client, failed, fixed_later):
    fixed_later["fixed"] = True
    retry(admin_client, failed)
    response = retry(admin_client, failed)
    assert "1 not failed, left as they were." in response.text
    assert len(fixed_later["handled"]) == 1


def test_staff_without_the_change_permission_cannot_retry(client, failed, fixed_later):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_eventdelivery"))
    client.force_login(viewer)
    assert client.get(CHANGELIST).status_code == 200
    fixed_later["fixed"] = True
    retry(client, failed)
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_the_event_page_shows_its_payload_and_deliveries(admin_client, failed):
    event = OutboxEvent.objects.get()
    response = admin_client.get(f"/admin/shop/outboxevent/{event.pk}/change/")
    assert response.status_code == 200
    assert "ord_1" in response.text
    assert "flaky_subscriber" in response.text
