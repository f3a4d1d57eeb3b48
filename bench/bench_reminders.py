"""The daily reminder scan at scale on PostgreSQL: 200,000 workers in 4,000 organisations, 50,000
planned applications, and residence card expiries spread over two years.

Target: the scan (``filings.reminders.run_daily``) in under 60 s on 2 cores, with flat memory (it
streams organisation IDs in chunks and loads one organisation at a time). Three processes, so
that the memory figure is the scan's own: one creates the database (``BENCH_POSTGRES_URL``,
default ``postgres://postgres@127.0.0.1:5432/council_reminder_bench``; dropped and made again)
and fills it with bulk inserts, one runs the scan twice (the first day queues the reminders, the
second finds them all sent), printing the time and the peak RSS from ``resource.getrusage``, and
the last drops the database. The outbox hands the emails to an in-memory broker, so that sending
them is not part of the scan.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ORGANIZATIONS = 4_000
WORKERS_PER_ORGANIZATION = 50
APPLICATIONS = 50_000
MUNICIPALITIES = 300
TARGET_S = 60.0
SHARDS = int(os.environ.get("BENCH_REMINDER_SHARDS", "1"))
TODAY = datetime.date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/council_reminder_bench")


def _admin(sql: str) -> None:
    import psycopg

    parts = urlsplit(database_url())
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def _name() -> str:
    return urlsplit(database_url()).path.lstrip("/")


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = database_url()
    import django

    django.setup()


def populate() -> dict:
    """Create the database, migrate, and insert the rows in bulk."""
    _admin(f'DROP DATABASE IF EXISTS "{_name()}"')
    _admin(f'CREATE DATABASE "{_name()}"')
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Organization
    from filings.models import VisaApplication, Worker, Workplace
    from municipalities.models import Municipality
    from municipalities.services import refresh_municipalities

    started = time.perf_counter()
    refresh_municipalities()
    municipalities = list(Municipality.objects.exclude(kind="ward").order_by("code")[:MUNICIPALITIES])
    organizations = Organization.objects.bulk_create(
        (
            Organization(
                name=f"株式会社ベンチ{i:05d}",
                contact_department="総務部",
                contact_name="佐藤 花子",
                contact_phone="042-000-0000",
                contact_email=f"contact{i}@example.jp",
            )
            for i in range(ORGANIZATIONS)
        ),
        batch_size=2000,
    )
    workplaces = Workplace.objects.bulk_create(
        (
            Workplace(
                organization=o,
                name=f"第{k}工場",
                postal_code="100-0001",
                address=f"住所{i}-{k}",
                municipality=municipalities[(i * 2 + k) % MUNICIPALITIES],
            )
            for i, o in enumerate(organizations)
            for k in range(2)
        ),
        batch_size=5000,
    )
    statuses = ["active"] * 16 + ["incoming"] * 2 + ["left", "cancelled"]
    worker_ids: list[int] = []
    batch: list[Worker] = []

    def flush() -> None:
        worker_ids.extend(w.pk for w in Worker.objects.bulk_create(batch, batch_size=5000))
        batch.clear()

    for i, organization in enumerate(organizations):
        for k in range(WORKERS_PER_ORGANIZATION):
            n = i * WORKERS_PER_ORGANIZATION + k
            batch.append(
                Worker(
                    organization=organization,
                    name=f"WORKER {n:06d}",
                    nationality="ベトナム",
                    status=statuses[n % len(statuses)],
                    status_since=TODAY,
                    residence_card_expiry=TODAY + datetime.timedelta(days=n % 730) if n % 10 == 0 else None,
                    workplace=workplaces[i * 2 + k % 2],
                    residence_address=f"住所{n}",
                    residence_municipality=municipalities[(n * 7) % MUNICIPALITIES],
                )
            )
        if len(batch) >= 20_000:
            flush()
    flush()
    step = len(worker_ids) // APPLICATIONS
    VisaApplication.objects.bulk_create(
        (
            VisaApplication(
                worker_id=worker_ids[j * step],
                kind=("coe", "change", "extension")[j % 3],
                planned_date=TODAY + datetime.timedelta(days=(j * 7919) % 365 - 30),
            )
            for j in range(APPLICATIONS)
        ),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "workers": Worker.objects.count(),
        "applications": VisaApplication.objects.count(),
        "organizations": len(organizations),
        "seconds": time.perf_counter() - started,
    }


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def scan(shard: tuple[int, int] = (0, 1)) -> dict:
    """Run the daily scan (this process's shard of it) twice on the populated database; times and peak RSS."""
    _setup_django()
    from config.celery import app

    # The emails go to an in-memory broker: the scan is measured, not the sending.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    from filings.reminders import run_daily

    app.loader.import_default_modules()
    before = _rss_mb()
    started = time.perf_counter()
    first = run_daily(today=TODAY, shard=shard)
    first_s = time.perf_counter() - started
    after_first = _rss_mb()
    started = time.perf_counter()
    second = run_daily(today=TODAY, shard=shard)
    second_s = time.perf_counter() - started
    return {
        "first": first,
        "first_s": first_s,
        "second": second,
        "second_s": second_s,
        "rss_before": before,
        "rss_after_first": after_first,
        "rss_peak": _rss_mb(),
    }


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.bench_reminders", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen) -> dict:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{process.args[3:]} failed: {stderr.strip().splitlines()[-3:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def _child(*args: str) -> dict:
    return _result(_start(*args))


def run() -> list[tuple[str, str]]:
    shards = SHARDS
    try:
        data = _child("populate")
        # One process, as the beat task runs it; BENCH_REMINDER_SHARDS=2 splits it between two.
        started = time.perf_counter()
        parts = [_result(p) for p in [_start("scan", str(i), str(shards)) for i in range(shards)]]
        wall = time.perf_counter() - started
    finally:
        _child("drop")
    result = {
        "first": sum(p["first"] for p in parts),
        "first_s": max(p["first_s"] for p in parts),
        "second": sum(p["second"] for p in parts),
        "second_s": max(p["second_s"] for p in parts),
        "rss_before": max(p["rss_before"] for p in parts),
        "rss_after_first": max(p["rss_after_first"] for p in parts),
        "rss_peak": max(p["rss_peak"] for p in parts),
    }
    verdict = "OK" if result["first_s"] < TARGET_S else f"OVER the {TARGET_S:.0f} s target"
    return [
        (
            "size",
            f"{data['workers']} workers, {data['applications']} planned applications, "
            f"{data['organizations']} organisations (inserted in {data['seconds']:.0f} s)",
        ),
        (
            "processes",
            f"{shards} ({'as the beat task runs it' if shards == 1 else 'the scan split by organisation ID'}; "
            f"{wall:.1f} s for both runs in all)",
        ),
        ("first scan", f"{result['first_s']:.1f} s, {result['first']} reminders queued ({verdict})"),
        ("second scan, same day", f"{result['second_s']:.1f} s, {result['second']} reminders queued"),
        (
            "peak RSS",
            f"{result['rss_before']:.0f} MB before the scan, {result['rss_after_first']:.0f} MB after the first, "
            f"{result['rss_peak']:.0f} MB at the end (largest process)",
        ),
    ]


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "populate":
        print(json.dumps(populate()))
    elif step == "scan":
        print(json.dumps(scan((int(sys.argv[2]), int(sys.argv[3]))) if len(sys.argv) > 3 else scan()))
    elif step == "drop":
        _admin(f'DROP DATABASE IF EXISTS "{_name()}"')
        print(json.dumps({}))
