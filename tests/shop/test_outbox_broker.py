"""The event outbox against real brokers: one that is down, and Redis with a real ``celery -A shop worker``.

The worker is a subprocess on the test database (tests here use transaction=True so it sees committed rows) and a
test-only Redis database (TEST_CELERY_BROKER_URL), on a queue of this run's own whose keys are flushed before and
after: concurrent runs (several checkouts on one machine) share that database without taking each other's tasks.
Its handler below is found by dotted name: the worker imports this module to run it. Redis must be reachable:
without it these tests fail, they never skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote
import uuid

from django.db import connection, transaction
import kombu.pools
import pytest
import redis

from shop import events
from shop.celery import app as celery_app
from shop.models import EventDelivery, OutboxEvent
from shop.tasks import redispatch_events
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")
QUEUE = f"outbox-test-{uuid.uuid4().hex[:12]}"
EVENT = "outbox_test.broker"
WAIT_SECONDS = 120  # a cold worker on a busy 2-core CI machine takes a while to start
Status = EventDelivery.Status


events.declare_event(EVENT, description="The broker tests' event.", fields={"key": str}, optional={"fail_first": bool})


@events.subscriber(EVENT, name="outbox_test.record_in_redis")
def record_in_redis(*, event_id: str, key: str, fail_first: bool = False, **_) -> None:
    """The test's subscriber: appends "<event_id> <pid>" to a Redis list; with fail_first, the first attempt fails."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    if fail_first and client.incr(f"{key}:attempts:{event_id}") == 1:
        raise ConnectionError("the first attempt fails")
    client.rpush(key, f"{event_id} {os.getpid()}")


def effects(key: str) -> list[tuple[str, int]]:
    """(event id, pid of the process that handled it) for every run of the handler."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return [(event_id, int(pid)) for event_id, pid in (item.decode().split() for item in client.lrange(key, 0, -1))]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there once the probe is closed


@contextmanager
def sending_to(broker_url: str) -> Iterator[None]:
    """Celery in this process sends tasks to ``broker_url`` (eager off) on this run's queue, then goes back."""
    saved = {name: celery_app.conf[name] for name in ("broker_url", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=QUEUE)
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_connections()


def _forget_connections() -> None:
    """Celery caches its connection pool and routing: rebuild them from the configuration just changed."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}) before {what}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"not {what} within {WAIT_SECONDS} s; worker log:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish the task at hand
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the worker and its pool children
                self.process.wait(timeout=30)


def _broker() -> redis.Redis:
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=3, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"the test broker {BROKER_URL} is not reachable ({error}): the outbox tests need a real Redis.")
    return client


def _flush_queue(broker: redis.Redis) -> None:
    """Drop this run's queue and its bindings (the rest of the database may be another run's)."""
    for key in broker.scan_iter(match=f"*{QUEUE}*"):
        broker.delete(key)


def _database_url() -> str:
    db = connection.settings_dict  # the test database, once pytest-django has created it
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory) -> Iterator[Worker]:
    """A real `celery -A shop worker` on the test database and the test broker, stopped by its PID after the module."""
    broker = _broker()
    _flush_queue(broker)
    log = tmp_path_factory.mktemp("outbox-worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    command = [sys.executable, "-m", "celery", "-A", "shop", "worker", "--queues", QUEUE, "--hostname", f"{QUEUE}@%h"]
    # The worker finds a subscriber by its name among the ones registered in it: it imports this module for ours.
    command += ["--include", __name__]
    command += [
        "--concurrency",
        "2",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    running = Worker(process, log)
    try:
        yield running
    finally:
        running.stop()
        _flush_queue(broker)


def deliveries_done(count: int) -> Callable[[], bool]:
    return lambda: EventDelivery.objects.filter(event__name=EVENT, status=Status.DONE).count() == count


# --- A broker that is down ----------------------------------------------------------------------


def test_publishing_while_the_broker_is_down_commits_and_leaves_the_deliveries_pending():
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(closed_port_url()):
        started = time.monotonic()
        with transaction.atomic():
            user = UserFactory()
            events.publish(EVENT, key=key)
        elapsed = time.monotonic() - started
    assert type(user).objects.filter(pk=user.pk).exists()  # the use case committed, no error reached it
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
    assert effects(key) == []
    assert elapsed < 15  # a couple of quick connection retries, not the broker's default patience


def test_deliveries_stranded_by_a_broker_outage_are_delivered_once_by_redispatch():
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(closed_port_url()):
        for _ in range(3):
            events.publish(EVENT, key=key)
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {Status.PENDING}
    # Eager Celery stands in for a broker that is back; the failed sends made the deliveries due at once.
    assert redispatch_events.delay().get() == 3
    assert redispatch_events.delay().get() == 0
    assert sorted(event_id for event_id, _ in effects(key)) == sorted(
        str(pk) for pk in OutboxEvent.objects.all().values_list("pk", flat=True)
    )
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {Status.DONE}


# --- A real worker ------------------------------------------------------------------------------


def test_a_real_worker_handles_each_published_event_once(worker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(BROKER_URL), transaction.atomic():
        for _ in range(4):
            events.publish(EVENT, key=key)
    worker.wait_for(deliveries_done(4), "every delivery done")
    handled = effects(key)
    assert sorted(event_id for event_id, _ in handled) == sorted(
        str(pk) for pk in OutboxEvent.objects.values_list("pk", flat=True)
    )
    assert os.getpid() not in {pid for _, pid in handled}  # handled in the worker, not here


def test_a_real_worker_retries_a_failing_handler_until_done_with_one_effect(worker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(BROKER_URL):
        events.publish(EVENT, key=key, fail_first=True)
    worker.wait_for(deliveries_done(1), "the delivery done after its retry")
    delivery = EventDelivery.objects.get()
    assert delivery.attempts == 2
    assert "the first attempt fails" in delivery.last_error
    assert [event_id for event_id, _ in effects(key)] == [str(delivery.event_id)]


def test_deliveries_stranded_by_a_broker_outage_reach_a_real_worker_once_through_redispatch(worker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(closed_port_url()):
        for _ in range(3):
            events.publish(EVENT, key=key)
    with sending_to(BROKER_URL):
        assert redispatch_events() == 3  # what beat runs every 30 s
        worker.wait_for(deliveries_done(3), "every redispatched delivery done")
        assert redispatch_events() == 0
    assert len(effects(key)) == 3
    assert len({event_id for event_id, _ in effects(key)}) == 3
