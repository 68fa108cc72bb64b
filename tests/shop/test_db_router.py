"""The read replica's router (shop/db_router.py): which reads may go to the replica, and the read-your-writes pin.

The routing rules are checked here in the suite's own process, with a ``replica`` alias added for the test
(no server behind it is needed to decide a route). The real thing runs in a child process against a real
primary and streaming replica (tools/pg_replica.py, started once for the module): with replay paused on
purpose, an anonymous catalog read shows the old price (so it did read the replica), the visitor who just
wrote sees the new one, cart and checkout read the primary, and after replay everyone sees the new price.
"""

from __future__ import annotations

from contextlib import contextmanager, suppress
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import RequestFactory
import pytest

from accounts.models import User
from cart.models import CartItem
from catalog.models import Product, Variant
from inventory.models import StockLevel
from orders.models import Order
from payments.models import Payment
from shop import db_router
from shop.db_router import REPLICA, ReplicaPinMiddleware, ReplicaRouter, is_pinned, replica_reads
from tests import sqlite_child
from tests.accounts.factories import UserFactory
from tests.ports import free_port
from tests.shop.test_operations import ROOT, settings_env
from tools.pg_replica import PostgresPair

router = ReplicaRouter()


# --- Settings: nothing changes without DATABASE_REPLICA_URL ---------------------------------------------------


def _settings_in_child(**env) -> dict:
    """What shop.settings builds from ``env`` (plus a PostgreSQL DATABASE_URL), read in a fresh interpreter."""
    code = (
        "import json, shop.settings as s; print(json.dumps({'databases': s.DATABASES, 'routers': s.DATABASE_ROUTERS,"
        " 'middleware': s.MIDDLEWARE, 'pin': s.REPLICA_PIN_SECONDS}, default=str))"
    )
    # Not django.setup(): the settings as the module leaves them, before Django fills in its defaults.
    child_env = settings_env(DATABASE_URL="postgres://postgres@127.0.0.1:5432/shop_router", **env)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_without_a_replica_url_there_is_one_database_and_no_router():
    seen = _settings_in_child()
    assert list(seen["databases"]) == ["default"]
    assert seen["routers"] == []
    assert "shop.db_router.ReplicaPinMiddleware" not in seen["middleware"]


def test_a_replica_url_adds_a_replica_alias_with_the_primarys_options_mirroring_it_in_tests():
    seen = _settings_in_child(
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.7:6432/shop_router", REPLICA_PIN_SECONDS="9"
    )
    default, replica = seen["databases"]["default"], seen["databases"]["replica"]
    address = (replica["HOST"], replica["PORT"], replica["USER"], replica["NAME"])
    assert address == ("10.0.0.7", 6432, "reader", "shop_router")
    for option in ("ENGINE", "OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        assert replica[option] == default[option]
    assert replica["TEST"] == {"MIRROR": "default"}
    assert seen["routers"] == ["shop.db_router.ReplicaRouter"]
    assert seen["middleware"].index("shop.db_router.ReplicaPinMiddleware") > seen["middleware"].index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
    assert seen["pin"] == 9


# --- Routing rules ----------------------------------------------------------------------------------------------


@contextmanager
def _replica_alias_set_to(replica_settings: dict | None):
    """The ``replica`` alias as given (None: none at all) for the block, then as the run configured it."""
    configured = connections.settings.pop(REPLICA, None)
    with suppress(AttributeError):
        del connections[REPLICA]  # a connection this thread made from the run's settings
    if replica_settings is not None:
        connections.settings[REPLICA] = replica_settings
    try:
        yield
    finally:
        if REPLICA in connections.settings:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
        if configured is not None:
            connections.settings[REPLICA] = configured


@pytest.fixture
def replica_alias():
    """A ``replica`` alias as DATABASE_REPLICA_URL gives one (its own settings dict, not the test runner's mirror)."""
    with _replica_alias_set_to({**connections[DEFAULT_DB_ALIAS].settings_dict, "TEST": {"MIRROR": "default"}}):
        yield


@pytest.fixture
def no_replica_alias():
    with _replica_alias_set_to(None):
        yield


def _get(path: str = "/p/1/", **cookies):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    return request


def test_reads_go_to_the_primary_outside_a_replica_scope(replica_alias):
    assert router.db_for_read(Product) == DEFAULT_DB_ALIAS


def test_catalog_sellers_and_orders_rows_are_read_from_the_replica_inside_a_scope(replica_alias):
    with replica_reads(_get()):
        assert [router.db_for_read(model) for model in (Product, Variant, Order)] == [REPLICA] * 3


def test_accounts_carts_stock_and_payments_are_read_from_the_primary_even_inside_a_scope(replica_alias):
    with replica_reads(_get()):
        assert {router.db_for_read(model) for model in (User, CartItem, StockLevel, Payment)} == {DEFAULT_DB_ALIAS}


def test_writes_go_to_the_primary_inside_a_scope(replica_alias):
    with replica_reads(_get()):
        assert router.db_for_write(Product) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(replica_alias):
    assert connections[DEFAULT_DB_ALIAS].in_atomic_block  # pytest-django's test transaction
    with replica_reads(_get()):
        assert router.db_for_read(Product) == DEFAULT_DB_ALIAS


def test_a_scope_changes_nothing_without_a_replica(no_replica_alias):
    assert REPLICA not in connections.settings
    with replica_reads(_get()):
        assert router.db_for_read(Product) == DEFAULT_DB_ALIAS


def test_the_test_runners_mirror_is_read_through_the_primary(replica_alias):
    connections[REPLICA].settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict  # what set_as_test_mirror does
    with replica_reads(_get()):
        assert router.db_for_read(Product) == DEFAULT_DB_ALIAS


def test_a_nested_scope_keeps_an_outer_decision_for_the_primary(replica_alias):
    with replica_reads(_get(**_pin_cookies())), replica_reads():
        assert router.db_for_read(Product) == DEFAULT_DB_ALIAS


def test_only_the_primary_is_migrated_and_relations_span_both():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "catalog") is True
    assert router.allow_migrate(REPLICA, "catalog") is False
    on_replica, on_primary = Product(), Variant()
    on_replica._state.db, on_primary._state.db = REPLICA, DEFAULT_DB_ALIAS
    assert router.allow_relation(on_replica, on_primary) is True


# --- The read-your-writes pin -------------------------------------------------------------------------------------


def _pinning_response(request) -> HttpResponse:
    return ReplicaPinMiddleware(lambda request: HttpResponse("done"))(request)


def _pin_cookies() -> dict:
    request = RequestFactory().post("/cart/add")
    request.user = AnonymousUser()
    morsel = _pinning_response(request).cookies[db_router.PIN_COOKIE]
    return {db_router.PIN_COOKIE: morsel.value}


def test_an_unsafe_request_sets_a_pin_cookie_lasting_the_pin(replica_alias, settings):
    settings.REPLICA_PIN_SECONDS = 7
    request = RequestFactory().post("/cart/add")
    request.user = AnonymousUser()
    morsel = _pinning_response(request).cookies[db_router.PIN_COOKIE]
    assert (morsel["max-age"], morsel["httponly"], morsel["samesite"]) == (7, True, "Lax")


def test_a_safe_request_sets_no_pin(replica_alias):
    assert db_router.PIN_COOKIE not in _pinning_response(_get()).cookies


def test_a_visitor_with_a_pin_cookie_reads_the_primary_in_a_scope(replica_alias):
    with replica_reads(_get(**_pin_cookies())):
        assert router.db_for_read(Product) == DEFAULT_DB_ALIAS


def test_a_forged_pin_cookie_pins_nothing(replica_alias):
    assert not is_pinned(_get(**{db_router.PIN_COOKIE: "1"}))


def test_a_pin_cookie_older_than_the_pin_pins_nothing(replica_alias, settings):
    cookies = _pin_cookies()
    settings.REPLICA_PIN_SECONDS = -1  # any age is past it
    assert not is_pinned(_get(**cookies))


@pytest.mark.django_db
def test_a_signed_in_writer_is_pinned_for_bearer_requests_without_cookies(replica_alias):
    writer = UserFactory()
    write = RequestFactory().patch("/api/v1/products/1/variants/A")
    write.user = writer  # as DRF sets it once a bearer token is authenticated
    _pinning_response(write)
    read = _get("/api/v1/products/1")
    read.user = writer
    assert is_pinned(read)
    cache.clear()
    assert not is_pinned(read)


def test_the_pin_middleware_is_not_installed_without_a_replica(no_replica_alias):
    from django.core.exceptions import MiddlewareNotUsed

    with pytest.raises(MiddlewareNotUsed):
        ReplicaPinMiddleware(lambda request: HttpResponse())


# --- A real primary and streaming replica -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pair():
    # Under /tmp itself: pytest's own temporary directories are closed to the postgres user the servers run as.
    base_dir = Path(tempfile.mkdtemp(prefix="shop-pg-pair-"))
    pair = PostgresPair(base_dir, free_port(), free_port())
    try:
        pair.start()
        yield pair
    finally:  # also when start() or a test failed half-way
        pair.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


def test_the_pair_streams_and_replays_what_the_primary_commits(pair):
    import psycopg

    with psycopg.connect(pair.primary_url("postgres"), autocommit=True) as primary:
        primary.execute("CREATE TABLE IF NOT EXISTS probe (n int)")
        primary.execute("TRUNCATE probe")
        primary.execute("INSERT INTO probe VALUES (1)")
    pair.wait_for_replay(timeout=10)
    with psycopg.connect(pair.replica_url("postgres"), autocommit=True) as replica:
        assert replica.execute("SELECT n FROM probe").fetchall() == [(1,)]
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)


def test_a_paused_replica_lags_until_replay_resumes(pair):
    import psycopg

    with psycopg.connect(pair.primary_url("postgres"), autocommit=True) as primary:
        primary.execute("CREATE TABLE IF NOT EXISTS lag_probe (n int)")
        primary.execute("TRUNCATE lag_probe")
        pair.wait_for_replay(timeout=10)
        pair.pause_replay()
        try:
            primary.execute("INSERT INTO lag_probe VALUES (1)")
            with pytest.raises(TimeoutError):
                pair.wait_for_replay(timeout=0.5)
            with psycopg.connect(pair.replica_url("postgres"), autocommit=True) as replica:
                assert replica.execute("SELECT count(*) FROM lag_probe").fetchone() == (0,)
        finally:
            pair.resume_replay()
    pair.wait_for_replay(timeout=10)


@pytest.fixture(scope="module")
def through_the_router(pair) -> dict:
    """tests/shop/replica_scenarios.py's run_scenarios(), in a child process whose Django reads through the router
    from the real pair."""
    import psycopg

    with psycopg.connect(pair.primary_url("postgres"), autocommit=True) as primary:
        primary.execute("DROP DATABASE IF EXISTS shop_replica_test")
        primary.execute("CREATE DATABASE shop_replica_test")
    cache_dir = tempfile.mkdtemp(prefix="shop-replica-cache-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "REPLICA_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DATABASE_URL=pair.primary_url("shop_replica_test"),
        DATABASE_REPLICA_URL=pair.replica_url("shop_replica_test"),
        REPLICA_PIN_SECONDS="120",  # far longer than the scenarios: the pin must not lapse midway
        CACHE_DIR=cache_dir,
        # The router is under test: no answer or piece comes from the shared cache instead of a database.
        PUBLIC_CACHE_SECONDS="0",
        PIECE_CACHE_SECONDS="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="WARNING",
        PG_PAIR=json.dumps([str(pair.base_dir), pair.primary_port, pair.replica_port]),
    )
    try:
        return sqlite_child.run_in_child("tests.shop.replica_scenarios", env=env, timeout=600)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


def test_the_replica_is_read_by_catalog_pages_once_replayed(through_the_router):
    before = through_the_router["before"]
    assert before["anonymous"] == "41.00"
    assert before["replica_queries"] > 0


def test_the_price_change_is_committed_on_the_primary_and_pins_the_writer(through_the_router):
    assert through_the_router["change"] == {"status": 200, "pinned": True}
    assert through_the_router["primary_price"] == "57.00"


def test_an_anonymous_catalog_read_shows_the_replicas_old_price_while_it_lags(through_the_router):
    lagging = through_the_router["anonymous_lagging"]
    assert (lagging["api"], lagging["page"], lagging["search_api"]) == ("41.00", ["41.00"], ["41.00"])
    assert lagging["replica_queries"] > 0
    assert through_the_router["shopper_product_page"] == ["41.00"]


def test_the_writer_reads_their_own_write_from_the_primary(through_the_router):
    writer = through_the_router["writer"]
    assert (writer["api"], writer["page"], writer["bearer_api"]) == ("57.00", ["57.00"], "57.00")
    assert writer["replica_queries"] == 0


def test_cart_and_checkout_read_the_new_price_from_the_primary(through_the_router):
    for page in ("cart", "checkout"):
        assert "57.00" in through_the_router[page]["shown"], page
        assert through_the_router[page]["replica_queries"] == 0, page


def test_a_replica_scope_reads_the_primary_inside_a_transaction(through_the_router):
    assert through_the_router["scope"] == {"outside_transaction": "41.00", "inside_transaction": "57.00"}


def test_the_anonymous_read_shows_the_new_price_once_the_replica_has_replayed(through_the_router):
    assert through_the_router["anonymous_caught_up"] == {"api": "57.00", "page": ["57.00"]}
