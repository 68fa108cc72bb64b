"""The event outbox against real brokers, Redis and RabbitMQ: one that is down, and each with a real ``celery -A shop
worker``.

Every test runs once per broker: a test-only Redis database (TEST_CELERY_BROKER_URL) and RabbitMQ
(TEST_CELERY_AMQP_URL). The worker is a subprocess on the test database (tests here use transaction=True so it sees
committed rows), on a queue of this run's own, removed from the broker before and after (Redis: its keys and unacked
messages; RabbitMQ: the queue and its exchange, deleted through kombu): concurrent runs (several checkouts on one
machine) share a broker without taking each other's tasks, and a crashed run leaves nothing a later one consumes.
Its handler below is found by dotted name: the worker imports this module to run it. Both brokers must be reachable:
without one these tests fail, they never skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import json
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
import kombu
import kombu.exceptions
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
QUEUE = f"outbox-test-{uuid.uuid4().hex[:12]}"
EVENT = "outbox_test.broker"
WAIT_SECONDS = 120  # a cold worker on a busy 2-core CI machine takes a while to start
# The worker's claim on a delivery it runs (its EVENT_REDISPATCH_SECONDS): short, so that the copy of a task whose
# worker was killed may take the delivery over within a test.
LEASE_SECONDS = 3
Status = EventDelivery.Status


events.declare_event(
    EVENT,
    description="The broker tests' event.",
    fields={"key": str},
    optional={"fail_first": bool, "stall_first": bool},
)


@events.subscriber(EVENT, name="outbox_test.record_in_redis")
def record_in_redis(*, event_id: str, key: str, fail_first: bool = False, stall_first: bool = False, **_) -> None:
    """The test's subscriber: appends "<event_id> <pid>" to a Redis list. With fail_first the first attempt fails;
    with stall_first it pushes its pid to "<key>:started" and hangs (until the test kills its process)."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    first = (fail_first or stall_first) and client.incr(f"{key}:attempts:{event_id}") == 1
    if first and fail_first:
        raise ConnectionError("the first attempt fails")
    if first and stall_first:
        client.rpush(f"{key}:started", os.getpid())
        time.sleep(WAIT_SECONDS)
        raise TimeoutError("the test did not kill this attempt")
    client.rpush(key, f"{event_id} {os.getpid()}")


def effects(key: str) -> list[tuple[str, int]]:
    """(event id, pid of the process that handled it) for every run of the handler."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return [(event_id, int(pid)) for event_id, pid in (item.decode().split() for item in client.lrange(key, 0, -1))]


def started_pids(key: str) -> list[int]:
    """The pids of the processes that began a stalling first attempt."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return [int(pid) for pid in client.lrange(f"{key}:started", 0, -1)]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


# --- The brokers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broker:
    """One broker the tests run against: where it is, how shop.settings configures Celery for it, and how this run's
    queue is removed from it."""

    name: str
    url: str
    # As shop.settings sets CELERY_BROKER_TRANSPORT_OPTIONS for a URL of this kind (the worker gets them from there).
    transport_options: dict = field(default_factory=dict)
    # Whether a consumer that disappears (SIGKILL) gives its unacknowledged tasks back at once.
    requeues_a_lost_consumers_tasks: bool = False

    def down_url(self) -> str:
        raise NotImplementedError

    def ensure_reachable(self) -> None:
        raise NotImplementedError

    def remove_queue(self) -> None:
        raise NotImplementedError


class RedisBroker(Broker):
    def down_url(self) -> str:
        return f"redis://127.0.0.1:{closed_port()}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=3, socket_timeout=10)

    def ensure_reachable(self) -> None:
        try:
            self.client().ping()
        except redis.RedisError as error:
            pytest.fail(f"the test broker {self.url} is not reachable ({error}): the outbox tests need a real Redis.")

    def remove_queue(self) -> None:
        """Drop this run's queue, its bindings and its unacknowledged tasks (the rest of the database may be another
        run's): a task of a killed worker would otherwise come back to the queue after the visibility timeout."""
        client = self.client()
        for key in client.scan_iter(match=f"*{QUEUE}*"):
            client.delete(key)
        for tag, unacked in client.hscan_iter("unacked"):  # kombu's keys for every queue of the database
            _, exchange, routing_key = json.loads(unacked)
            if QUEUE in (exchange, routing_key):
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


class RabbitMQBroker(Broker):
    def down_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{closed_port()}//"

    def connection(self) -> kombu.Connection:
        return kombu.Connection(self.url, connect_timeout=3)

    def ensure_reachable(self) -> None:
        try:
            with self.connection() as conn:
                conn.ensure_connection(max_retries=1)
        except (kombu.exceptions.OperationalError, OSError) as error:
            pytest.fail(
                f"the test broker {self.url} is not reachable ({error}): the outbox tests need a real RabbitMQ."
            )

    def remove_queue(self) -> None:
        """Delete this run's queue (with whatever it holds) and the exchange Celery named after it."""
        with self.connection() as conn:
            channel = conn.default_channel
            channel.queue_delete(QUEUE)
            channel.exchange_delete(QUEUE)


BROKERS = {
    "redis": RedisBroker("redis", os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/8")),
    "rabbitmq": RabbitMQBroker(
        "rabbitmq",
        os.environ.get("TEST_CELERY_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
        transport_options={"confirm_publish": True},
        requeues_a_lost_consumers_tasks=True,
    ),
}


@pytest.fixture(scope="module", params=sorted(BROKERS))
def broker(request) -> Iterator[Broker]:
    """Each broker in turn, reachable, with this run's queue removed from it before and after its tests."""
    chosen = BROKERS[request.param]
    chosen.ensure_reachable()
    chosen.remove_queue()
    try:
        yield chosen
    finally:
        chosen.remove_queue()


@contextmanager
def sending_to(broker: Broker, *, down: bool = False) -> Iterator[None]:
    """Celery in this process sends tasks to ``broker`` (or to a closed port of its kind when ``down``), eager off,
    on this run's queue, configured as shop.settings would for it; then goes back."""
    names = ("broker_url", "broker_transport_options", "task_always_eager", "task_default_queue")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(
        broker_url=broker.down_url() if down else broker.url,
        broker_transport_options=broker.transport_options,
        task_always_eager=False,
        task_default_queue=QUEUE,
    )
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
    """A real `celery -A shop worker` in its own session (so its pool processes can be killed with it)."""

    def __init__(self, broker: Broker, command: list[str], env: dict[str, str], log: Path):
        self.broker = broker
        self.command = command
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None
        self.readies_before_start = 0

    def start(self) -> None:
        self.readies_before_start = self._readies()
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # our own interpreter running celery, no shell  # nosec B603
                self.command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

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

    def wait_until_ready(self) -> None:
        """Until the worker started last says it is ready (it consumes from this run's queue)."""
        self.wait_for(lambda: self._readies() > self.readies_before_start, "the worker ready")

    def _readies(self) -> int:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return sum(f"{QUEUE}@" in line and line.endswith(" ready.") for line in lines)

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes: no warm shutdown, nothing handed back by the worker."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish the task at hand
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _database_url() -> str:
    db = connection.settings_dict  # the test database, once pytest-django has created it
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="module")
def worker(django_db_setup, broker, tmp_path_factory) -> Iterator[Worker]:
    """A real `celery -A shop worker` on the test database and the test broker, stopped by its PID after the module."""
    log = tmp_path_factory.mktemp(f"outbox-worker-{broker.name}") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EVENT_REDISPATCH_SECONDS": str(LEASE_SECONDS),
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
    running = Worker(broker, command, env, log)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def deliveries_done(count: int) -> Callable[[], bool]:
    return lambda: EventDelivery.objects.filter(event__name=EVENT, status=Status.DONE).count() == count


# --- A broker that is down ----------------------------------------------------------------------


def test_publishing_while_the_broker_is_down_commits_and_leaves_the_deliveries_pending(broker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(broker, down=True):
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


def test_deliveries_stranded_by_a_broker_outage_are_delivered_once_by_redispatch(broker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(broker, down=True):
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
    with sending_to(worker.broker), transaction.atomic():
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
    with sending_to(worker.broker):
        events.publish(EVENT, key=key, fail_first=True)
    worker.wait_for(deliveries_done(1), "the delivery done after its retry")
    delivery = EventDelivery.objects.get()
    assert delivery.attempts == 2
    assert "the first attempt fails" in delivery.last_error
    assert [event_id for event_id, _ in effects(key)] == [str(delivery.event_id)]


def test_deliveries_stranded_by_a_broker_outage_reach_a_real_worker_once_through_redispatch(worker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    with sending_to(worker.broker, down=True):
        for _ in range(3):
            events.publish(EVENT, key=key)
    with sending_to(worker.broker):
        assert redispatch_events() == 3  # what beat runs every 30 s
        worker.wait_for(deliveries_done(3), "every redispatched delivery done")
        assert redispatch_events() == 0
    assert len(effects(key)) == 3
    assert len({event_id for event_id, _ in effects(key)}) == 3


# --- A worker killed mid-task -------------------------------------------------------------------


def _stalled_first_attempt(worker: Worker, key: str) -> int:
    """Publish an event whose first attempt hangs; once it runs and its claim has lapsed, the pid running it."""
    with sending_to(worker.broker):
        events.publish(EVENT, key=key, stall_first=True)
    worker.wait_for(lambda: bool(started_pids(key)), "the first attempt started")
    time.sleep(LEASE_SECONDS + 1)  # past the attempt's lease: another copy of its task may take the delivery over
    return started_pids(key)[0]


def test_a_task_whose_pool_process_is_killed_is_redelivered_by_the_broker_and_done_once(worker):
    key = f"outbox-test:{uuid.uuid4().hex}"
    killed = _stalled_first_attempt(worker, key)
    os.kill(killed, signal.SIGKILL)
    # Nothing here sends again (no beat, no redispatch): only acks_late + reject_on_worker_lost bring the task back.
    worker.wait_for(deliveries_done(1), "the delivery done after the broker redelivered its task")
    delivery = EventDelivery.objects.get()
    assert delivery.attempts == 2
    assert [event_id for event_id, _ in effects(key)] == [str(delivery.event_id)]
    assert killed not in {pid for _, pid in effects(key)}


def test_a_delivery_whose_whole_worker_is_killed_is_done_once_by_the_restarted_worker(worker, settings):
    key = f"outbox-test:{uuid.uuid4().hex}"
    _stalled_first_attempt(worker, key)
    worker.kill()
    worker.start()
    worker.wait_until_ready()
    if not worker.broker.requeues_a_lost_consumers_tasks:
        # Redis keeps a lost consumer's task hidden for the visibility timeout (an hour): the outbox's beat task is
        # what sends the delivery again. RabbitMQ requeues it the moment the dead worker's connection drops.
        settings.EVENT_REDISPATCH_SECONDS = LEASE_SECONDS
        with sending_to(worker.broker):
            assert redispatch_events() == 1
    worker.wait_for(deliveries_done(1), "the delivery done by the restarted worker")
    delivery = EventDelivery.objects.get()
    assert delivery.attempts == 2
    assert [event_id for event_id, _ in effects(key)] == [str(delivery.event_id)]
