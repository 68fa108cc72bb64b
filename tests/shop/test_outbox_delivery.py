"""The event outbox with eager Celery: what publish writes, when subscribers run, retries, redispatch, run-once."""

from datetime import timedelta
from decimal import Decimal
import threading
import time

from django.db import transaction
from django.utils import timezone
import pytest

from shop import events
from shop.models import EventDelivery, OutboxEvent
from shop.tasks import deliver_event, redispatch_events
from tests.accounts.factories import UserFactory
from tests.concurrency import race

EVENT = "outbox_test.happened"
Status = EventDelivery.Status

events.declare_event(
    EVENT,
    description="The outbox tests' event.",
    fields={},
    optional={"order_id": str, "amount": str, "step": str, "n": int, "details": dict},
)
events.declare_event(
    "outbox_test.nobody_listens", description="An event nobody subscribes to.", fields={"order_id": str}
)


@pytest.fixture
def subscribe():
    """Register handlers for the test (as "outbox_test.<function>_<n>" unless named); unregistered after it."""
    registered = []

    def add(event, handler, *, name=None):
        name = name or f"outbox_test.{handler.__name__}_{len(registered)}"
        events.subscriber(event, name=name)(handler)
        registered.append((event, name))
        return handler

    yield add
    for event, name in registered:
        events.unsubscribe(event, name=name)


@pytest.fixture
def unsent(monkeypatch):
    """Deliveries published while this is active are written but never handed to Celery (a lost send)."""
    monkeypatch.setattr(events, "send", lambda delivery_ids, **_: 0)
    yield
    monkeypatch.undo()


@pytest.fixture
def sends(monkeypatch):
    """Every hand-over to Celery, as (delivery ids, countdown); the sending still happens."""
    seen = []
    original = events.send

    def spy(delivery_ids, *, countdown=None, queue=None):
        seen.append((list(delivery_ids), countdown))
        return original(delivery_ids, countdown=countdown, queue=queue)

    monkeypatch.setattr(events, "send", spy)
    return seen


def recorder():
    calls = []
    lock = threading.Lock()

    def handler(**kwargs):
        with lock:
            calls.append(kwargs)

    return calls, handler


def publish_then_fail(**payload) -> None:
    """A use case that publishes, then fails: its transaction (or savepoint) rolls back."""
    with transaction.atomic():
        events.publish(EVENT, **payload)
        raise RuntimeError("the use case failed after publishing")


def overdue(**filters) -> None:
    """Move deliveries' due time back past EVENT_REDISPATCH_SECONDS, as if that long had gone by."""
    EventDelivery.objects.filter(**filters).update(next_attempt_at=timezone.now() - timedelta(hours=1))


# --- Publishing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_subscribers_run_after_commit_with_the_event_id_and_the_payload(subscribe, django_capture_on_commit_callbacks):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(EVENT, order_id="ord_1", amount="12.50")
        assert calls == []  # not inside the publishing transaction
    event = OutboxEvent.objects.get()
    assert calls == [{"event_id": str(event.id), "order_id": "ord_1", "amount": "12.50"}]
    assert event.name == EVENT
    assert event.payload == {"order_id": "ord_1", "amount": "12.50"}


@pytest.mark.django_db(transaction=True)
def test_publish_in_a_rolled_back_transaction_writes_and_sends_nothing(subscribe, sends):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    with pytest.raises(RuntimeError):
        publish_then_fail(step="only")
    assert OutboxEvent.objects.count() == 0
    assert EventDelivery.objects.count() == 0
    assert sends == []
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_publish_in_a_rolled_back_savepoint_sends_nothing_while_the_outer_transaction_commits(subscribe, sends):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    with transaction.atomic():
        user = UserFactory()
        with pytest.raises(RuntimeError):
            publish_then_fail(step="inner")
        events.publish(EVENT, step="outer")
    assert [call["step"] for call in calls] == ["outer"]
    assert list(OutboxEvent.objects.values_list("payload__step", flat=True)) == ["outer"]
    assert len(sends) == 1
    assert user.pk is not None


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_writes_the_event_with_its_deliveries_and_sends_them(subscribe):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    events.publish(EVENT, order_id="ord_1")
    assert len(calls) == 1
    assert EventDelivery.objects.get().status == Status.DONE


@pytest.mark.django_db
def test_each_subscriber_has_its_own_delivery_and_a_failing_one_does_not_stop_the_others(
    subscribe, django_capture_on_commit_callbacks, settings
):
    settings.EVENT_MAX_ATTEMPTS = 2
    calls, record = recorder()

    def explode(**_):
        raise ValueError("subscriber bug")

    subscribe(EVENT, explode, name="outbox_test.explode")
    subscribe(EVENT, record, name="outbox_test.record")
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(EVENT, order_id="ord_1")
    assert len(calls) == 1
    statuses = dict(EventDelivery.objects.values_list("subscriber", "status"))
    assert statuses == {"outbox_test.explode": Status.FAILED, "outbox_test.record": Status.DONE}


@pytest.mark.django_db
def test_an_event_without_subscribers_is_recorded_and_sends_nothing(sends, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish("outbox_test.nobody_listens", order_id="ord_1")
    assert OutboxEvent.objects.filter(name="outbox_test.nobody_listens").exists()
    assert callbacks == []
    assert sends == []


@pytest.mark.django_db
def test_a_payload_that_is_not_json_is_refused_at_publish(subscribe):
    subscribe(EVENT, recorder()[1])
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        events.publish(EVENT, details={"amount": Decimal("1.00")})
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_payload_naming_its_own_event_id_is_refused_at_publish(subscribe):
    subscribe(EVENT, recorder()[1])
    with pytest.raises(TypeError, match="event_id is given to subscribers by the outbox"):
        events.publish(EVENT, event_id="evt_1")
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("subscribers", [1, 6])
def test_publish_takes_one_statement_whatever_the_number_of_subscribers(
    subscribe, subscribers, django_assert_num_queries
):
    for i in range(subscribers):
        handler = recorder()[1]
        handler.__qualname__ = f"handler_{i}"
        subscribe(EVENT, handler)
    with django_assert_num_queries(1):  # the event and all of its deliveries: one INSERT behind the other
        events.publish(EVENT, order_id="ord_1")
    assert EventDelivery.objects.count() == subscribers


@pytest.mark.django_db(transaction=True)
def test_threads_publishing_at_once_leave_eager_celery_able_to_wait_on_results(subscribe):
    from celery._state import task_join_will_block

    def slow(**_):
        time.sleep(0.05)  # the threads' deliveries overlap

    subscribe(EVENT, slow)
    race(lambda n: events.publish(EVENT, n=n), 8)
    assert EventDelivery.objects.filter(status=Status.DONE).count() == 8
    assert not task_join_will_block()  # else every later `.delay().get()` raises "never call result.get()"


# --- Retries ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_handler_failing_twice_then_succeeding_runs_to_done_with_one_effect(
    subscribe, sends, django_capture_on_commit_callbacks
):
    effects, attempts = [], []

    def flaky(*, event_id, **_):
        attempts.append(event_id)
        if len(attempts) <= 2:
            raise ConnectionError(f"downstream unavailable ({len(attempts)})")
        effects.append(event_id)

    subscribe(EVENT, flaky)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(EVENT, order_id="ord_1")
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.DONE, 3)
    assert effects == [str(delivery.event_id)]
    assert delivery.handled_at is not None
    assert "downstream unavailable (2)" in delivery.last_error  # the last failure stays visible to staff
    # Sent after commit, then again after 5 and 10 s (eager Celery runs retries at once).
    assert [countdown for _, countdown in sends] == [None, 5, 10]


@pytest.mark.django_db
def test_a_handler_failing_every_attempt_ends_failed_with_its_error(
    subscribe, settings, django_capture_on_commit_callbacks
):
    settings.EVENT_MAX_ATTEMPTS = 3
    attempts = []

    def broken(**kwargs):
        attempts.append(kwargs)
        raise KeyError("missing_key")

    subscribe(EVENT, broken)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(EVENT, order_id="ord_1")
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(attempts)) == (Status.FAILED, 3, 3)
    assert "KeyError: 'missing_key'" in delivery.last_error
    assert "Traceback" in delivery.last_error


def test_retry_delays_double_from_five_seconds_and_are_capped():
    assert [events._retry_delay(n) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert events._retry_delay(30) == events.RETRY_MAX_SECONDS


@pytest.mark.django_db
def test_a_delivery_of_a_subscriber_this_process_does_not_know_fails(settings):
    settings.EVENT_MAX_ATTEMPTS = 1
    event = OutboxEvent.objects.create(name=EVENT, payload={})
    delivery = EventDelivery.objects.create(event=event, subscriber="outbox_test.nowhere")
    assert deliver_event.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert "No subscriber 'outbox_test.nowhere'" in delivery.last_error


# --- Run once -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_done_delivery_is_never_run_again(subscribe, django_capture_on_commit_callbacks):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(EVENT, order_id="ord_1")
    delivery = EventDelivery.objects.get()
    overdue(pk=delivery.pk)
    assert deliver_event.delay(delivery.pk).get() == "skipped"
    assert redispatch_events.delay().get() == 0
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_one_delivery_run_its_handler_once(subscribe, unsent):
    calls, record = recorder()

    def slow(**kwargs):
        time.sleep(0.3)  # every other copy arrives while this one runs
        record(**kwargs)

    subscribe(EVENT, slow)
    events.publish(EVENT, order_id="ord_1")
    delivery = EventDelivery.objects.get()
    outcomes = race(lambda _: events.deliver(delivery_id=delivery.pk), 6)
    assert sorted(outcomes) == ["done"] + ["skipped"] * 5
    assert len(calls) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DONE, 1)


# --- Redispatch ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_redispatch_sends_pending_deliveries_once_they_are_overdue_and_each_runs_once(subscribe, unsent, monkeypatch):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    for n in range(3):
        events.publish(EVENT, n=n)  # written, but the sends were lost
    assert redispatch_events.delay().get() == 0  # not overdue yet: the first send may still be on its way
    overdue()
    monkeypatch.undo()  # sending works again
    assert redispatch_events.delay().get() == 3
    assert sorted(call["n"] for call in calls) == [0, 1, 2]
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {Status.DONE}
    overdue()
    assert redispatch_events.delay().get() == 0
    assert len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_worker_died_mid_attempt_runs_again_once_its_lease_expires(subscribe, unsent, monkeypatch):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    events.publish(EVENT, order_id="ord_1")
    # A worker claimed it, then died before handling it.
    EventDelivery.objects.update(attempts=1, claimed_until=timezone.now() + timedelta(minutes=1))
    overdue()
    monkeypatch.undo()
    delivery = EventDelivery.objects.get()
    assert redispatch_events.delay().get() == 0
    assert events.deliver(delivery_id=delivery.pk) == "skipped"
    EventDelivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert redispatch_events.delay().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(calls)) == (Status.DONE, 2, 1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_lost_on_the_last_attempt_leaves_the_delivery_failed_for_staff(subscribe, unsent, settings):
    calls, handler = recorder()
    subscribe(EVENT, handler)
    events.publish(EVENT, order_id="ord_1")
    EventDelivery.objects.update(
        attempts=settings.EVENT_MAX_ATTEMPTS, claimed_until=timezone.now() - timedelta(seconds=1)
    )
    overdue()
    assert redispatch_events.delay().get() == 0
    delivery = EventDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert "worker was lost" in delivery.last_error
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_retrying_failed_deliveries_gives_them_fresh_attempts_and_leaves_others_alone(subscribe, settings):
    settings.EVENT_MAX_ATTEMPTS = 2
    healthy = threading.Event()
    calls = []

    def fragile(*, event_id, **_):
        if not healthy.is_set():
            raise RuntimeError("still broken")
        calls.append(event_id)

    subscribe(EVENT, fragile)
    events.publish(EVENT, n=1)
    events.publish(EVENT, n=2)
    failed = list(EventDelivery.objects.values_list("pk", flat=True))
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {Status.FAILED}
    healthy.set()  # the cause is fixed
    assert events.retry_failed(delivery_ids=failed) == 2
    assert events.retry_failed(delivery_ids=failed) == 0  # done now: not run again
    assert len(calls) == 2
    assert set(EventDelivery.objects.values_list("status", "attempts")) == {(Status.DONE, 1)}
