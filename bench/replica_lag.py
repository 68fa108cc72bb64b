"""How far the streaming replica trails the primary: commit a write, time until the replica has replayed it.

    .venv/bin/python bench/replica_lag.py [--writes 500] [--rows 1]

Starts a throwaway pair (tools/pg_replica.py) in a temporary directory, commits ``--writes`` single-statement
transactions of ``--rows`` rows each on the primary and, after each, polls the replica until it has replayed the
commit's WAL position; prints p50 / p95 / max of that delay. It is the window REPLICA_PIN_SECONDS has to cover
(docs/SCALING.md). Nothing else of the store runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import shutil
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402 - after the path
from workloads import _percentile as percentile  # noqa: E402 - bench/ is on the path as the script's folder

from tests.ports import free_port_pair  # noqa: E402
from tools.pg_replica import PostgresPair  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--rows", type=int, default=1)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="shop-replica-lag-"))
    base.chmod(0o755)  # the servers run as the postgres user
    port = free_port_pair()
    pair = PostgresPair(base, port, port + 1)
    try:
        pair.start()
        lags = []
        with (
            psycopg.connect(pair.primary_url("postgres"), autocommit=True) as primary,
            psycopg.connect(pair.replica_url("postgres"), autocommit=True) as replica,
        ):
            primary.execute("CREATE TABLE lag_probe (id bigserial PRIMARY KEY, payload text)")
            pair.wait_for_replay(timeout=30)
            for _ in range(args.writes):
                primary.execute(
                    "INSERT INTO lag_probe (payload) SELECT md5(random()::text) FROM generate_series(1, %s)",
                    [args.rows],
                )
                target = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
                committed = time.perf_counter()
                query = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0"
                while not replica.execute(query, [target]).fetchone()[0]:
                    pass
                lags.append((time.perf_counter() - committed) * 1000)
        print(
            f"replica replay after commit, {args.writes} writes of {args.rows} row(s): "
            f"p50 {percentile(lags, 50):.2f} ms, p95 {percentile(lags, 95):.2f} ms, max {max(lags):.2f} ms"
        )
    finally:
        pair.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
