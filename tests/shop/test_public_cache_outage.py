"""Redis stopped while buyers check out and pay: every order completes, and once Redis answers again
no answer stored before the outage is served (shop/public_cache.py)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
import socket
import threading
import time
from urllib.parse import urlparse

from django.conf import settings as django_settings
from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
import pytest

from catalog import services as catalog_services
from catalog.models import Product, Variant
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from shop import public_cache
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.orders.conftest import checkout, client_for, fill_cart, pay

pytestmark = pytest.mark.django_db


class RedisGate:
    """A TCP proxy in front of the test Redis that can be shut like a stopped server: its port then
    refuses connections and every open one is cut; opened again, the same data is behind it."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._pairs: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def shut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):  # wakes the accepting thread, so the port is really closed
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for sock in pairs:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._pairs += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def redis_gate(settings, monkeypatch):
    """Every cache alias pointed at the test Redis through a gate the test can shut and open; this
    process starts (and leaves) the test trusting the cache."""
    monkeypatch.setattr(public_cache, "_STANDING", public_cache._Standing())
    url = urlparse(django_settings.REDIS_URL)
    gate = RedisGate((url.hostname or "127.0.0.1", url.port or 6379))
    gate.open()
    through_gate = url._replace(netloc=f"127.0.0.1:{gate.port}").geturl()
    settings.CACHES = {alias: {**config, "LOCATION": through_gate} for alias, config in settings.CACHES.items()}
    yield gate
    gate.shut()


def product_answer(client, product_id: int) -> tuple[dict, str | None]:
    response = client.get(f"/api/v1/products/{product_id}")
    assert response.status_code == 200
    return response.json(), response.headers.get("X-Cache")


def served_fresh_until_a_hit(client, product_id: int, *, price: str, in_stock: bool) -> None:
    """Reads until the cache serves again (a process that saw it fail retries it every RETRY_SECONDS);
    every answer on the way, the hit included, shows ``price`` and ``in_stock``."""
    deadline = time.monotonic() + 5 * public_cache.RETRY_SECONDS + 5
    while True:
        answer, cached = product_answer(client, product_id)
        assert (answer["price"], answer["in_stock"]) == (price, in_stock)
        if cached == "hit":
            return
        assert time.monotonic() < deadline, "the cache never served again"
        time.sleep(0.1)


@pytest.mark.usefixtures("unlimited_holds")  # the whole stock bought
def test_orders_complete_while_redis_is_down_and_no_stale_answer_follows(client, redis_gate):
    buyer = UserFactory()
    variant = VariantFactory(stock=3)
    product = variant.product
    product_answer(client, product.pk)
    before, cached = product_answer(client, product.pk)
    assert (cached, before["price"], before["in_stock"]) == ("hit", "10.00", True)

    redis_gate.shut()
    fill_cart(buyer, (variant, 3))
    buyer_api = client_for(buyer)
    placed = checkout(buyer_api)
    assert placed.status_code == 201, placed.content
    paid = pay(buyer_api, placed.json()["order"]["id"])
    assert paid.status_code == 200, paid.content
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("99.00"))
    during, cached = product_answer(client, product.pk)
    assert (cached, during["price"], during["in_stock"]) == (None, "99.00", False)

    redis_gate.open()
    served_fresh_until_a_hit(client, product.pk, price="99.00", in_stock=False)


def test_a_process_that_lost_its_connection_trusts_no_entry_stored_before(client, redis_gate):
    """Another process changed the data while Redis was down (its bump was lost with it); this one
    sent nothing meanwhile, yet its remade connection keeps it from serving the old answer."""
    variant = VariantFactory(stock=3)
    product_answer(client, variant.product_id)
    assert product_answer(client, variant.product_id)[1] == "hit"

    redis_gate.shut()
    # The other process's write: its bumps were lost, so none is made here.
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("42.00"))
    Product.objects.filter(pk=variant.product_id).update(price=Decimal("42.00"))
    redis_gate.open()

    served_fresh_until_a_hit(client, variant.product_id, price="42.00", in_stock=True)


def test_a_write_whose_bump_fails_succeeds_and_is_counted(redis_gate, django_capture_on_commit_callbacks):
    variant = VariantFactory(stock=3)
    missed = public_cache._MISSED_BUMPS.labels("stock")
    before = missed._value.get()
    redis_gate.shut()
    with django_capture_on_commit_callbacks(execute=True):
        inventory_services.set_on_hand(variant_id=variant.pk, quantity=7)
    assert inventory_selectors.available_by_variant(variant_ids=[variant.pk]) == {variant.pk: 7}
    assert missed._value.get() == before + 2  # at once and after commit
    assert public_cache._STANDING.owed

    # With no request to prompt it, the process re-bumps by itself once the cache answers.
    redis_gate.open()
    deadline = time.monotonic() + 5 * public_cache.RETRY_SECONDS + 5
    while public_cache._STANDING.owed:
        assert time.monotonic() < deadline, "the owed re-bump was never made"
        time.sleep(0.1)


def test_a_missed_bump_alone_keeps_this_process_from_serving_the_old_answer(client, redis_gate, monkeypatch):
    """The connection never drops; one bump fails (a timeout, say): this process owes a re-bump and
    serves nothing stored before it until it has made one."""
    variant = VariantFactory(stock=3)
    product = variant.product
    product_answer(client, product.pk)
    assert product_answer(client, product.pk)[1] == "hit"

    public = caches["public"]
    working_set = public.set

    def failing_set(*args, **kwargs):
        raise ConnectionInterrupted(connection=None)

    monkeypatch.setattr(public, "set", failing_set)
    catalog_services.update_product(product_id=product.pk, actor=product.seller.user, price=Decimal("77.00"))
    monkeypatch.setattr(public, "set", working_set)

    served_fresh_until_a_hit(client, product.pk, price="77.00", in_stock=True)
