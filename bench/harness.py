"""Set-up shared by the benchmarks: Django on a throwaway database, and timing helpers."""

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def django_database(database_url: str | None = None) -> Iterator[None]:
    """Configure Django for ``database_url`` (default: $DATABASE_URL, else SQLite) on a fresh test database.

    The database is created with migrations, like the test suite's, and dropped afterwards.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if database_url is not None:
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.conf import settings

    if not settings.configured or not getattr(django.apps.apps, "ready", False):
        django.setup()
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    for connection in connections.all():
        connection.close()
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        yield
    finally:
        teardown_databases(old, verbosity=0)


def postgres_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/council_bench")


def timings_ms(func: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        func()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms, n={len(ordered)}"
