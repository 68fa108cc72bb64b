"""Helpers for race tests on real PostgreSQL (tests marked django_db(transaction=True))."""

from concurrent.futures import ThreadPoolExecutor
import threading

from django.db import connection


def race(fn, n: int) -> list:
    """Run fn(i) for i in range(n) in n threads released at the same moment.

    Returns each call's result or the exception it raised; every thread closes its own connection.
    """
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return fn(i)
        except Exception as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))
