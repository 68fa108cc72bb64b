"""`make cluster`: the store as it runs on many machines, on the processes of one.

nginx on loopback balances two gunicorn nodes that keep nothing of their own (sessions and cache in Redis,
static files collected once, media in S3 — moto's S3 server here, as object storage stands in for a shared
disk); a Celery worker and beat take the outbox's tasks from RabbitMQ on a queue of this cluster's own;
PostgreSQL runs as a primary and a streaming replica (tools/pg_replica.py), and the nodes read catalog pages,
search and history from the replica through ``shop.db_router``.

    python tools/cluster.py up [--dir var/cluster] [--port 8080] [--products 200]

``up`` stays in the foreground and stops everything it started on Ctrl-C (or TERM). Each start is a new store:
moto keeps its objects in memory only, so the database is made afresh with them (migrate + the demo catalog).
tests/shop/test_cluster.py drives the same ``Cluster`` class: it stops one node under load and counts the orders.

Failover: nginx passes a request to the other node when a node refuses the connection, drops it or answers
502/503. An unsafe request that reached a node is passed on only where a retry cannot do the work twice, even
if the node died between committing and answering: checkout (the Idempotency-Key is written on the order in the
same transaction) and pay (an order is charged once per attempt key, and a paid order is answered as it is).
Cancels and returns are not (their idempotency record is written after the work): the client gets the 502.
"""

from __future__ import annotations

import argparse
from contextlib import suppress
import json
import os
from pathlib import Path
import secrets
import shutil
import signal
import subprocess  # starts our own tools only  # nosec B404
import sys
import time
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.pg_replica import PostgresPair  # noqa: E402 - the project root is put on the path first

PYTHON = Path(sys.executable)
BIN = PYTHON.parent
DATABASE = "shop"
MEDIA_BUCKET = "shop-media"
START_SECONDS = 120

NGINX_CONF = """\
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{
    worker_connections 512;
}}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    client_max_body_size 12m;

    upstream shop_nodes {{
{servers}
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_connect_timeout 2s;
        proxy_read_timeout 60s;
        proxy_next_upstream_tries 2;

        # A POST reaches a second node only where the Idempotency-Key makes a retry harmless.
        location ~ ^/api/v1/(checkout|orders/[^/]+/pay)$ {{
            proxy_pass http://shop_nodes;
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
        }}
        location / {{
            proxy_pass http://shop_nodes;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


class Cluster:
    """Everything `make cluster` runs, started in order and stopped by PID (process group) in reverse."""

    def __init__(
        self,
        base_dir: Path,
        *,
        port: int = 8080,
        node_ports: tuple[int, ...] = (8101, 8102),
        pg_port: int = 55432,
        s3_port: int = 8103,
        redis_url: str = "redis://127.0.0.1:6379/10",
        broker_url: str = "amqp://guest:guest@127.0.0.1:5672//",
        products: int = 200,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.base_dir = base_dir.resolve()
        self.port = port
        self.node_ports = node_ports
        self.redis_url = redis_url
        self.broker_url = broker_url
        self.products = products
        self.extra_env = extra_env or {}
        self.pair = PostgresPair(self.base_dir / "pg", pg_port, pg_port + 1)
        self.s3_port = s3_port
        self.s3_key = secrets.token_hex(8)  # moto takes any key; a real bucket's come from the environment
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = self.base_dir / "logs"
        self.queue = f"cluster-{secrets.token_hex(6)}"
        self.metrics_token = secrets.token_urlsafe(24)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def s3_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def primary_url(self) -> str:
        return self.pair.primary_url(DATABASE)

    def env(self) -> dict[str, str]:
        """The nodes' production settings: DEBUG off, every piece of state in a shared service."""
        secret_file = self.base_dir / "secret-key"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(48))
            secret_file.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "MEDIA_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="shop.settings",
            PYTHONPATH=str(ROOT),
            DEBUG="0",
            SECRET_KEY=secret_file.read_text(),
            METRICS_TOKEN=self.metrics_token,
            SITE_URL=self.url,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="0",
            SECURE_COOKIES="0",
            TRUSTED_PROXY_COUNT="1",
            DATABASE_URL=self.pair.primary_url(DATABASE),
            DATABASE_REPLICA_URL=self.pair.replica_url(DATABASE),
            REDIS_URL=self.redis_url,
            CACHE_KEY_PREFIX=f"cluster-{self.port}",
            CELERY_BROKER_URL=self.broker_url,
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            MEDIA_S3_BUCKET=MEDIA_BUCKET,
            MEDIA_S3_ENDPOINT_URL=self.s3_url,
            MEDIA_S3_REGION="us-east-1",
            MEDIA_S3_ACCESS_KEY_ID=self.s3_key,
            MEDIA_S3_SECRET_ACCESS_KEY=self.s3_key,
            MEDIA_S3_QUERYSTRING_AUTH="0",  # a public bucket, as behind a CDN: plain, cacheable URLs
            LOG_LEVEL="WARNING",
        )
        env.update(self.extra_env)
        return env

    # --- starting and stopping ----------------------------------------------------------------------

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        try:
            shutil.rmtree(self.pair.base_dir, ignore_errors=True)  # a new store, like moto's empty S3
            self._start_s3()
            self.pair.start()
            self._prepare_database()
            self._spawn("worker", [BIN / "celery", "-A", "shop", "worker", "--concurrency", "2", "--loglevel", "INFO"])
            schedule = self.base_dir / "celerybeat-schedule"
            self._spawn("beat", [BIN / "celery", "-A", "shop", "beat", "--loglevel", "INFO", "--schedule", schedule])
            for number, node_port in enumerate(self.node_ports, start=1):
                self._start_node(number, node_port)
            self._start_nginx()
            for node_port in self.node_ports:
                self._wait_for(f"http://127.0.0.1:{node_port}/readyz")
            self._wait_for(f"{self.url}/healthz")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """TERM every process group, then KILL what is left after 15 s; the database pair last."""
        for name in reversed(list(self.processes)):
            self._signal(name, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            if process.poll() is None:
                self._signal(name, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()
        self.pair.stop()

    def kill_node(self, number: int) -> None:
        """A node dies at once: its gunicorn master and workers get SIGKILL, requests in flight are cut."""
        name = f"node{number}"
        self._signal(name, signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def node_alive(self, number: int) -> bool:
        return self.processes[f"node{number}"].poll() is None

    # --- the pieces ---------------------------------------------------------------------------------

    def _prepare_database(self) -> None:
        import psycopg

        with psycopg.connect(self.pair.primary_url("postgres"), autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')
        self._manage("migrate", "--noinput", "-v0")
        self._manage("seed_demo", "--products", str(self.products), "--quiet", "--no-purchase-histories")
        self._manage("collectstatic", "--noinput", "-v0")

    def _start_s3(self) -> None:
        import boto3

        self._spawn("s3", [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(self.s3_port)])
        self._wait_for(f"{self.s3_url}/moto-api/")
        s3 = boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            region_name="us-east-1",
            aws_access_key_id=self.s3_key,
            aws_secret_access_key=self.s3_key,
        )
        s3.create_bucket(Bucket=MEDIA_BUCKET)
        # Public reads, as for a bucket behind a CDN (a real one would allow only the CDN's identity).
        public_read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
        public_read["Resource"] = f"arn:aws:s3:::{MEDIA_BUCKET}/*"
        s3.put_bucket_policy(
            Bucket=MEDIA_BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]})
        )

    def _manage(self, *args: str) -> None:
        with (self.logs / "manage.log").open("a") as log:
            subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments  # nosec B603
                [PYTHON, ROOT / "manage.py", *args],
                cwd=ROOT,
                # The demo data's story needs each step's tasks done before the next (no worker runs yet).
                env={**self.env(), "CELERY_TASK_ALWAYS_EAGER": "1"},
                stdout=log,
                stderr=log,
                check=True,
            )

    def _start_node(self, number: int, node_port: int) -> None:
        command = [BIN / "gunicorn", "shop.wsgi", "--bind", f"127.0.0.1:{node_port}", "--workers", "2"]
        command += ["--graceful-timeout", "5", "--error-logfile", "-", "--access-logfile", "-"]
        self._spawn(f"node{number}", command)

    def _start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        folder = self.base_dir / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in self.node_ports)
        conf = folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=folder, port=self.port, servers=servers))
        self._spawn("nginx", [nginx, "-p", folder, "-c", conf, "-g", "daemon off;"])

    def _spawn(self, name: str, command: list) -> None:
        log = (self.logs / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own tools with fixed arguments  # nosec B603
            [str(part) for part in command],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops its children too
        )

    def _signal(self, name: str, signum: int) -> None:
        process = self.processes.get(name)
        if process is not None and process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signum)

    def _wait_for(self, url: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} stopped (exit {process.returncode}): see {self.logs / name}.log")
            with (
                suppress(urllib.error.URLError, ConnectionError, TimeoutError),
                urllib.request.urlopen(url, timeout=5) as answer,  # noqa: S310 - our own loopback URL  # nosec B310
            ):
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer 200 within {START_SECONDS} s: see {self.logs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "cluster")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8080")))
    parser.add_argument("--products", type=int, default=200)
    args = parser.parse_args()
    cluster = Cluster(args.dir, port=args.port, products=args.products)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    print(f"cluster: starting in {cluster.base_dir} (logs in {cluster.logs}) ...", flush=True)
    cluster.start()
    try:
        nodes = ", ".join(map(str, cluster.node_ports))
        print(f"cluster: the store is at {cluster.url} (nodes on {nodes}); Ctrl-C stops it", flush=True)
        while all(process.poll() is None for process in cluster.processes.values()):
            time.sleep(1)
        stopped = [name for name, process in cluster.processes.items() if process.poll() is not None]
        print(f"cluster: {', '.join(stopped)} stopped; see {cluster.logs}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        print("cluster: stopping ...", flush=True)
        cluster.stop()


if __name__ == "__main__":
    main()
