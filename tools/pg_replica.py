"""A local PostgreSQL primary with a streaming read replica, for the router's tests and ``make cluster``.

Why our own primary: the machine's server on 5432 has no ``replication`` line in its pg_hba.conf, and it
must not be reconfigured (every developer's and CI's databases live there), so no standby can stream
from it. ``PostgresPair`` instead initdb's a throwaway primary of its own in ``base_dir/primary`` (trust
authentication, replication allowed over loopback only, ``wal_level=replica``), takes a base backup of it
with ``pg_basebackup -R -X stream`` into ``base_dir/replica`` and starts that as a hot standby. Both
listen on 127.0.0.1 only, with their unix sockets in ``base_dir``. Durability is switched off (``fsync``,
``full_page_writes``): the pair holds test and demo data only, and starts in a few seconds. Commits stay
synchronous, so a committed write is in the WAL that ``wait_for_replay`` waits for.

    with PostgresPair(Path("/tmp/pair"), 55432, 55433) as pair:
        pair.primary_url("postgres"), pair.replica_url("postgres")
        pair.pause_replay()  # lag on purpose
        ...
        pair.resume_replay()
        pair.wait_for_replay(timeout=10)

CLI (``start`` leaves both running and prints the two base URLs; ``stop`` stops both):
``python tools/pg_replica.py start|stop --dir DIR --primary-port N --replica-port M``

Run as root (as in CI's containers), the PostgreSQL binaries run as the ``postgres`` user (initdb and
pg_ctl refuse root), and ``base_dir`` is handed to that user.
"""

from __future__ import annotations

import argparse
from contextlib import suppress
import os
from pathlib import Path
import pwd
import shutil
import subprocess  # runs PostgreSQL's own binaries only  # nosec B404
import sys
import time

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"  # the database superuser, and the OS user the servers run as when we are root
START_TIMEOUT = 60

# Appended to the primary's postgresql.conf; the replica inherits it through the base backup.
PRIMARY_CONF = """
# --- tools/pg_replica.py ---
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
wal_keep_size = '256MB'
hot_standby = on
hot_standby_feedback = on
# Throwaway data: no durability, so that initdb, the base backup and migrations stay quick.
fsync = off
full_page_writes = off
shared_buffers = '64MB'
max_connections = 60
jit = off
"""
# Trust, as the machine's own server: loopback and the unix socket only (listen_addresses is loopback).
PG_HBA = """# tools/pg_replica.py: a throwaway local pair, reachable from this machine only
local all all trust
host all all 127.0.0.1/32 trust
local replication all trust
host replication all 127.0.0.1/32 trust
"""


class PostgresPairError(RuntimeError):
    """A step of starting the pair failed; the message names it and carries the server's log tail."""


class PostgresPair:
    """A primary on ``primary_port`` and its streaming hot standby on ``replica_port``, under ``base_dir``."""

    def __init__(self, base_dir: Path, primary_port: int, replica_port: int) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.primary_port = int(primary_port)
        self.replica_port = int(replica_port)
        self.primary_dir = self.base_dir / "primary"
        self.replica_dir = self.base_dir / "replica"

    # --- addresses ----------------------------------------------------------------------------------

    def primary_url(self, dbname: str) -> str:
        return f"postgres://{SERVER_USER}@127.0.0.1:{self.primary_port}/{dbname}"

    def replica_url(self, dbname: str) -> str:
        return f"postgres://{SERVER_USER}@127.0.0.1:{self.replica_port}/{dbname}"

    # --- starting and stopping -----------------------------------------------------------------------

    def start(self) -> None:
        """Initialise and start the primary, clone it, start the replica and wait until it streams.

        Raises PostgresPairError (after stopping whatever it started) when a step fails."""
        try:
            self._prepare_base_dir()
            if not (self.primary_dir / "PG_VERSION").exists():
                self._init_primary()
            self._pg_ctl_start(self.primary_dir, "primary")
            if not (self.replica_dir / "PG_VERSION").exists():
                self._base_backup()
            self._pg_ctl_start(self.replica_dir, "replica")
            self._wait_until_streaming()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the replica, then the primary (fast mode). Idempotent; never raises, so a finalizer may call it."""
        for data_dir in (self.replica_dir, self.primary_dir):
            if not (data_dir / "postmaster.pid").exists():
                continue
            with suppress(OSError, subprocess.SubprocessError):
                self._run([PG_BIN / "pg_ctl", "stop", "-D", data_dir, "-m", "fast", "-w", "-t", "30"], check=False)

    def __enter__(self) -> PostgresPair:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- replication controls ------------------------------------------------------------------------

    def wait_for_replay(self, timeout: float = 10.0) -> None:
        """Return once the replica has replayed the primary's current WAL position; TimeoutError otherwise
        (e.g. while replay is paused)."""
        target = self._query(self.primary_port, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while True:
            caught_up = self._query(
                self.replica_port, "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target]
            )
            if caught_up:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica did not replay up to {target} within {timeout} s")
            time.sleep(0.02)

    def pause_replay(self) -> None:
        """Stop applying WAL on the replica (it keeps receiving it): what the primary writes from now on is
        not visible there until ``resume_replay``. Returns once replay is actually paused."""
        self._query(self.replica_port, "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self._query(self.replica_port, "SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise PostgresPairError("replay on the replica did not pause")
            time.sleep(0.02)

    def resume_replay(self) -> None:
        self._query(self.replica_port, "SELECT pg_wal_replay_resume()")

    # --- the steps -----------------------------------------------------------------------------------

    def _prepare_base_dir(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            server = pwd.getpwnam(SERVER_USER)
            for path in (self.base_dir, *self.base_dir.glob("*.log")):
                os.chown(path, server.pw_uid, server.pw_gid)
            self.base_dir.chmod(0o700)
            # The servers run as postgres: every directory above base_dir must let that user through.
            for parent in self.base_dir.parents:
                if not os.stat(parent).st_mode & 0o001:
                    raise PostgresPairError(f"{parent} is not traversable by the {SERVER_USER} user; use another dir")

    def _init_primary(self) -> None:
        options = (
            "-U",
            SERVER_USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )
        self._run([PG_BIN / "initdb", "-D", self.primary_dir, *options], step="initdb")
        conf = PRIMARY_CONF.format(port=self.primary_port, sockets=self.base_dir)
        self._append(self.primary_dir / "postgresql.conf", conf)
        self._write(self.primary_dir / "pg_hba.conf", PG_HBA)

    def _base_backup(self) -> None:
        source = ("-h", "127.0.0.1", "-p", self.primary_port, "-U", SERVER_USER)
        options = ("-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
        self._run([PG_BIN / "pg_basebackup", *source, "-D", self.replica_dir, *options], step="pg_basebackup")
        # Later lines win: the copied configuration names the primary's port. -R wrote standby.signal and
        # primary_conninfo (postgresql.auto.conf).
        self._append(self.replica_dir / "postgresql.conf", f"\nport = {self.replica_port}\n")

    def _pg_ctl_start(self, data_dir: Path, name: str) -> None:
        if (data_dir / "postmaster.pid").exists():
            status = self._run([PG_BIN / "pg_ctl", "status", "-D", data_dir], check=False)
            if status.returncode == 0:
                return  # already running (a second `start` of the CLI)
        log = self.base_dir / f"{name}.log"
        # -w: wait until it accepts connections (for the hot standby: once it has reached consistency).
        self._run(
            [PG_BIN / "pg_ctl", "start", "-D", data_dir, "-l", log, "-w", "-t", str(START_TIMEOUT)],
            step=f"starting the {name}",
            log=log,
        )

    def _wait_until_streaming(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self._query(self.primary_port, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"):
            if time.monotonic() > deadline:
                raise PostgresPairError(f"the replica is not streaming:\n{self._tail(self.base_dir / 'replica.log')}")
            time.sleep(0.05)

    # --- plumbing ------------------------------------------------------------------------------------

    def _query(self, port: int, sql: str, params: list | None = None):
        """The first column of the first row of ``sql`` on the server at ``port`` (autocommit)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user=SERVER_USER, dbname="postgres", autocommit=True, connect_timeout=5
        ) as connection:
            row = connection.execute(sql, params).fetchone()
        return row[0] if row else None

    def _run(self, command: list, *, step: str = "", check: bool = True, log: Path | None = None):
        argv = [str(part) for part in command]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", SERVER_USER, "--", *argv]
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own binaries with arguments we build  # nosec B603
            argv, cwd=self.base_dir, capture_output=True, text=True, timeout=START_TIMEOUT + 30, check=False
        )
        if check and done.returncode != 0:
            details = done.stderr.strip() or done.stdout.strip()
            if log is not None:
                details += "\n" + self._tail(log)
            raise PostgresPairError(f"{step} failed ({done.returncode}): {details}")
        return done

    def _append(self, path: Path, text: str) -> None:
        with path.open("a") as conf:
            conf.write(text)

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text)

    @staticmethod
    def _tail(path: Path, lines: int = 20) -> str:
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local PostgreSQL primary and streaming replica.")
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--dir", type=Path, required=True, help="where both clusters, sockets and logs live")
    parser.add_argument("--primary-port", type=int, required=True)
    parser.add_argument("--replica-port", type=int, required=True)
    args = parser.parse_args(argv)
    pair = PostgresPair(args.dir, args.primary_port, args.replica_port)
    if args.action == "stop":
        pair.stop()
        return 0
    if shutil.which("runuser") is None and os.geteuid() == 0:
        print("runuser is needed to run PostgreSQL as root", file=sys.stderr)
        return 1
    try:
        pair.start()
    except PostgresPairError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"primary: {pair.primary_url('postgres')}")
    print(f"replica: {pair.replica_url('postgres')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
