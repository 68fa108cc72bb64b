"""`make cluster` under load: one app node dies mid-run and no checkout fails, no order is lost or made twice.

The cluster (tools/cluster.py) runs for real: nginx on loopback in front of two gunicorn nodes, a Celery
worker and beat on RabbitMQ, a PostgreSQL primary with a streaming replica, media in moto's S3 server. Both
nodes serve the pictures' object-storage URLs. Then shoppers, each a thread of its own, add to the cart, check
out and pay through nginx with an Idempotency-Key, as the mobile app does; part way through, one node's
processes get SIGKILL with requests in flight. nginx passes what the dead node refused or dropped to the other
node (checkout and pay also when the request had reached it: the key makes that retry harmless), so the
shoppers see no failed checkout or payment. Then the database is read directly: every order a shopper was told
about exists once, paid; no order exists that no shopper was told about; the stock went down by exactly the
units sold; the worker delivered every event. Needs nginx, RabbitMQ, Redis and PostgreSQL's binaries: without
them it fails, it never skips.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
import os
from pathlib import Path
import secrets
import shutil
import tempfile
import threading
import time
import uuid

import psycopg
import pytest
import requests

from tests.ports import free_port, free_port_pair
from tools.cluster import DATABASE, Cluster

SHOPPERS = 6
LOAD_SECONDS = 8  # on each side of the node's death
DRAIN_SECONDS = 90
PRICE = "12.50"
STOCK = 10_000


@pytest.fixture(scope="module")
def cluster():
    base = Path(tempfile.mkdtemp(prefix="shop-cluster-"))
    base.chmod(0o755)  # the PostgreSQL servers run as the postgres user
    cluster = Cluster(
        base,
        port=free_port(),
        node_ports=(free_port(), free_port()),
        pg_port=free_port_pair(),
        s3_port=free_port(),
        redis_url=os.environ.get("TEST_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/9"),
        broker_url=os.environ.get("TEST_CELERY_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
        products=20,
        # Shoppers here check out far more often than people do: lift the per-buyer pace caps.
        extra_env={
            "CHECKOUTS_PER_MINUTE": "100000",
            "CHECKOUT_BACKOFF_AFTER": "100000",
            "API_THROTTLE_USER": "100000/min",
        },
    )
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


class Shopper:
    """A mobile client: JSON API with a bearer token, a fresh Idempotency-Key per checkout and per payment,
    each retried with the same key only when the answer never came (the connection failed)."""

    def __init__(self, base_url: str, number: int, run: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        email = f"cluster-{run}-{number}@example.com"
        password = secrets.token_urlsafe(16)
        self.setup("/api/v1/auth/register", {"email": email, "password": password, "name": f"Shopper {number}"})
        token = self.setup("/api/v1/auth/token", {"email": email, "password": password})["access"]
        self.session.headers["Authorization"] = f"Bearer {token}"
        address = {"name": f"Shopper {number}", "line1": "1 Node Street", "city": "Failover"}
        address |= {"postal_code": "10001", "country": "US"}
        self.address_id = self.setup("/api/v1/me/addresses", address)["id"]
        self.orders: list[str] = []  # the orders this shopper was told were paid
        self.failures: list[str] = []  # checkouts and payments that did not succeed
        self.statuses: Counter = Counter()

    def post(self, path: str, body: dict, *, key: str | None = None) -> requests.Response:
        headers = {"Idempotency-Key": key} if key else {}
        for attempt in range(3):
            try:
                return self.session.post(f"{self.base_url}{path}", json=body, headers=headers, timeout=60)
            except requests.ConnectionError:
                if key is None or attempt == 2:
                    raise
                # no answer came: the same request again, with the same key
        raise AssertionError("unreachable")

    def setup(self, path: str, body: dict) -> dict:
        answer = self.post(path, body)
        answer.raise_for_status()
        return answer.json()

    def buy(self, product_id: int) -> None:
        added = self.post(f"/api/v1/cart/{product_id}", {"quantity": 1})
        self.statuses[f"add {added.status_code}"] += 1
        # A cart add is not idempotent, so nginx does not pass one that reached the dying node to the other node:
        # the app says "try again" and the shopper looks at the cart first.
        if (
            added.status_code >= 500
            and not self.session.get(f"{self.base_url}/api/v1/cart", timeout=60).json()["count"]
        ):
            return
        checkout = self.post(
            "/api/v1/checkout", {"address_id": self.address_id, "shipping_method": "standard"}, key=str(uuid.uuid4())
        )
        self.statuses[f"checkout {checkout.status_code}"] += 1
        if checkout.status_code != 201:
            self.failures.append(f"checkout {checkout.status_code} {checkout.text[:200]}")
            return
        order_id = checkout.json()["order"]["id"]
        paid = self.post(f"/api/v1/orders/{order_id}/pay", {"payment_token": "tok_visa"}, key=str(uuid.uuid4()))
        self.statuses[f"pay {paid.status_code}"] += 1
        if paid.status_code != 200:
            self.failures.append(f"pay {paid.status_code} {paid.text[:200]}")
            return
        self.orders.append(order_id)


def _seller_product(base_url: str) -> int:
    session = requests.Session()
    token = session.post(
        f"{base_url}/api/v1/auth/token", json={"email": "seller@example.com", "password": "demo-seller-pass"}
    )
    token.raise_for_status()
    session.headers["Authorization"] = f"Bearer {token.json()['access']}"
    made = session.post(
        f"{base_url}/api/v1/products", json={"name": "Failover mug", "price": PRICE, "quantity": STOCK}, timeout=30
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_both_nodes_serve_the_store_with_its_pictures_in_object_storage(cluster):
    with psycopg.connect(cluster.primary_url) as connection:
        product_id, name = connection.execute(
            "SELECT product_id, image FROM catalog_productimage ORDER BY id LIMIT 1"
        ).fetchone()
    for node_port in cluster.node_ports:
        detail = requests.get(f"http://127.0.0.1:{node_port}/api/v1/products/{product_id}", timeout=30)
        assert detail.status_code == 200
        (first, *_) = detail.json()["images"]
        url = first if isinstance(first, str) else first["url"]
        assert url.startswith(f"{cluster.s3_url}/shop-media/{name}"), url
        picture = requests.get(url, timeout=30)
        assert picture.status_code == 200
        assert picture.headers["Content-Type"].startswith("image/")
        assert "immutable" in picture.headers["Cache-Control"]
    page = requests.get(f"{cluster.url}/", timeout=30)
    assert page.status_code == 200
    assert f"{cluster.s3_url}/shop-media/" in page.text


def test_the_nodes_read_the_catalog_from_the_replica(cluster):
    for word in ("mug", "lamp", "shirt", "jeans"):  # searches nobody cached yet
        assert requests.get(f"{cluster.url}/api/v1/products", params={"q": word}, timeout=30).status_code == 200
    # The nodes keep their connections (CONN_MAX_AGE): the replica shows theirs and the catalog query last run.
    with psycopg.connect(cluster.pair.replica_url("postgres"), autocommit=True) as replica:
        sessions = replica.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'", [DATABASE]
        ).fetchall()
    assert any("catalog_product" in query for (query,) in sessions), sessions


def test_a_node_killed_under_load_loses_no_order_and_fails_no_checkout(cluster):
    product_id = _seller_product(cluster.url)
    run = uuid.uuid4().hex[:8]
    shoppers = [Shopper(cluster.url, n, run) for n in range(SHOPPERS)]
    stop = threading.Event()

    def shop(shopper: Shopper) -> None:
        while not stop.is_set():
            shopper.buy(product_id)

    with ThreadPoolExecutor(SHOPPERS) as pool:
        running = [pool.submit(shop, shopper) for shopper in shoppers]
        time.sleep(LOAD_SECONDS)
        before_kill = sum(len(s.orders) for s in shoppers)
        cluster.kill_node(1)
        time.sleep(LOAD_SECONDS)
        stop.set()
        for future in running:
            future.result()  # a shopper's exception (e.g. a connection nginx could not serve) fails the test

    # nginx saw the node die: requests cut in flight ("prematurely closed") and connections refused afterwards.
    nginx_errors = (cluster.base_dir / "nginx" / "error.log").read_text()
    cut, refused = nginx_errors.count("prematurely closed"), nginx_errors.count("Connection refused")
    print(f"nginx: {cut} requests cut in flight, {refused} connections refused, passed to the other node")
    assert cut + refused > 0
    told = [order for shopper in shoppers for order in shopper.orders]
    after_kill = len(told) - before_kill
    statuses = sum((s.statuses for s in shoppers), Counter())
    assert not cluster.node_alive(1)
    print(dict(statuses))
    assert [f for s in shoppers for f in s.failures] == [], statuses
    assert before_kill > 0, statuses  # orders were made on both sides of the death
    assert after_kill > 0, statuses
    assert len(set(told)) == len(told)

    with psycopg.connect(cluster.primary_url, autocommit=True) as connection:
        placed = connection.execute(
            """SELECT o.id, o.status, sum(l.quantity) FROM orders_order o
               JOIN accounts_user u ON u.id = o.buyer_id JOIN orders_orderline l ON l.order_id = o.id
               WHERE u.email LIKE %s GROUP BY o.id""",
            [f"cluster-{run}-%"],
        ).fetchall()
        stock = connection.execute(
            """SELECT s.on_hand, s.held FROM inventory_stocklevel s JOIN catalog_variant v ON v.id = s.variant_id
               WHERE v.product_id = %s""",
            [product_id],
        ).fetchone()
        deliveries = "SELECT status, count(*) FROM shop_eventdelivery GROUP BY status"
        deadline = time.monotonic() + DRAIN_SECONDS
        while (by_status := dict(connection.execute(deliveries).fetchall())).get("pending"):
            assert time.monotonic() < deadline, f"event deliveries not done: {by_status}"
            time.sleep(0.5)

    # Every order a shopper was told about exists once and is paid; no order exists that nobody was told about.
    assert sorted(order_id for order_id, _, _ in placed) == sorted(told)
    assert {status for _, status, _ in placed} == {"paid"}
    # The stock went down by exactly the units of those orders, and nothing stays held.
    assert stock == (STOCK - sum(units for _, _, units in placed), 0)
    assert not by_status.get("failed"), by_status
