"""What publish writes, and in how many statements: the event and every delivery, one round trip on PostgreSQL."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
import pytest

from shop import events
from shop.models import EventDelivery, OutboxEvent

EVENT = "events_publish_test.happened"

events.declare_event(EVENT, description="The publish tests' event.", fields={"order_id": str})


@pytest.fixture
def subscribers():
    """``n`` subscribers of EVENT for the test, unregistered after it."""
    names = []

    def register(n: int) -> list[str]:
        for i in range(n):
            name = f"events_publish_test.handler_{i}"

            def handler(**_):
                pass

            handler.__qualname__ = f"handler_{i}"
            events.subscriber(EVENT, name=name)(handler)
            names.append(name)
        return names

    yield register
    for name in names:
        events.unsubscribe(EVENT, name=name)


@pytest.fixture
def handed_over(monkeypatch) -> list[int]:
    """The delivery ids handed to the workers after commit."""
    sent: list[int] = []
    monkeypatch.setattr(events, "send", lambda delivery_ids, **_: sent.extend(delivery_ids) or len(sent))
    return sent


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 6])
def test_publish_writes_the_event_and_its_deliveries_in_one_statement(subscribers, n):
    names = subscribers(n)
    with CaptureQueriesContext(connection) as captured:
        events.publish(EVENT, order_id="ord_1")
    assert len(captured) == 1
    event = OutboxEvent.objects.get(name=EVENT)
    assert event.payload == {"order_id": "ord_1"}
    assert sorted(event.deliveries.values_list("subscriber", flat=True)) == sorted(names)
    assert set(event.deliveries.values_list("status", flat=True)) == {EventDelivery.Status.PENDING}


@pytest.mark.django_db(transaction=True)
def test_the_deliveries_handed_over_after_commit_are_the_rows_written(subscribers, handed_over):
    subscribers(3)
    with transaction.atomic():
        events.publish(EVENT, order_id="ord_1")
        assert handed_over == []  # not before commit
    written = EventDelivery.objects.filter(event__name=EVENT).order_by("pk").values_list("pk", flat=True)
    assert sorted(handed_over) == list(written)


@pytest.mark.django_db(transaction=True)
def test_an_event_published_in_a_transaction_that_rolls_back_leaves_nothing(subscribers, handed_over):
    subscribers(2)

    def publish_then_fail():
        with transaction.atomic():
            events.publish(EVENT, order_id="ord_1")
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert not OutboxEvent.objects.filter(name=EVENT).exists()
    assert not EventDelivery.objects.filter(subscriber__startswith="events_publish_test.").exists()
    assert handed_over == []


@pytest.mark.django_db
def test_an_event_nobody_subscribes_to_is_one_insert(handed_over):
    with CaptureQueriesContext(connection) as captured:
        events.publish(EVENT, order_id="ord_2")
    assert len(captured) == 1
    assert OutboxEvent.objects.filter(name=EVENT, payload__order_id="ord_2").exists()
    assert handed_over == []
