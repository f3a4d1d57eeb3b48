"""The council's regional statistics with 200,000 workers, on PostgreSQL.

200,000 workers of 4,000 employers at 8,000 workplaces spread over every filing municipality (a
third of the workplaces in the three metropolitan areas), each with two or three status changes
over three years (incoming → active, some later left). Measures, through Django's test client, the
secretariat's chart page, the public page with suppression, and both CSV downloads, with their
query counts. The target: each page under 500 ms.

Every request starts with an empty cache: the counts by place are computed live from the 200,000
workers, and the past months of the trend are read from the stored month-end counts
(``MonthlyStatistic``) that the periodic task writes. Also measured: that periodic refresh (it
reads the whole status history, in the background), and the one page of a new installation that
finds no stored month and computes them first.

Runs in a subprocess on a database of its own: $BENCH_POSTGRES_URL with the database name
``council_stats_bench`` (e.g. ``postgres://postgres@127.0.0.1:5432/council_stats_bench``).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.harness import describe, django_database, postgres_url, timings_ms

WORKERS = 200_000
EMPLOYERS = 4_000
WORKPLACES = 8_000
REPEAT = 10
TODAY = datetime.date(2026, 11, 22)
TARGET_MS = 500


def own_postgres_url() -> str:
    parts = urlsplit(postgres_url())
    return urlunsplit(parts._replace(path="/council_stats_bench"))


def populate() -> None:
    from accounts.models import Organization
    from filings.models import Worker, WorkerStatusChange, Workplace
    from municipalities.models import Municipality
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
    metropolitan = {
        "東京都",
        "神奈川県",
        "埼玉県",
        "千葉県",
        "愛知県",
        "岐阜県",
        "三重県",
        "大阪府",
        "京都府",
        "兵庫県",
        "奈良県",
    }
    places = list(Municipality.objects.filing().order_by("code"))
    metro = [m for m in places if m.prefecture in metropolitan]
    rest = [m for m in places if m.prefecture not in metropolitan]
    organizations = Organization.objects.bulk_create(
        (Organization(name=f"株式会社統計{i:05d}", contact_email=f"e{i}@example.jp") for i in range(EMPLOYERS)),
        batch_size=2000,
    )
    workplaces = Workplace.objects.bulk_create(
        (
            Workplace(
                organization=organizations[i % EMPLOYERS],
                name=f"第{i}工場",
                address=f"住所{i}",
                municipality=(metro[i % len(metro)] if i % 3 == 0 else rest[i % len(rest)]),
            )
            for i in range(WORKPLACES)
        ),
        batch_size=2000,
    )
    start = TODAY - datetime.timedelta(days=3 * 365)
    batch = 10_000
    for offset in range(0, WORKERS, batch):
        workers = []
        histories = []
        for i in range(offset, min(offset + batch, WORKERS)):
            arrived = start + datetime.timedelta(days=(i * 7) % 1000)
            active = arrived + datetime.timedelta(days=60)
            left = active + datetime.timedelta(days=200 + i % 300) if i % 7 == 0 else None
            history = [("incoming", arrived), ("active", active)] + (
                [("left", left)] if left and left <= TODAY else []
            )
            history = [(status, day) for status, day in history if day <= TODAY]
            workplace = workplaces[i % WORKPLACES]
            workers.append(
                Worker(
                    organization_id=workplace.organization_id,
                    name=f"WORKER {i:06d}",
                    nationality="ベトナム",
                    status=history[-1][0],
                    status_since=history[-1][1],
                    workplace=workplace,
                    residence_address=f"住所{i}",
                    residence_municipality_id=workplace.municipality_id,
                )
            )
            histories.append(history)
        created = Worker.objects.bulk_create(workers, batch_size=batch)
        WorkerStatusChange.objects.bulk_create(
            (
                WorkerStatusChange(worker=worker, status=status, effective_on=day)
                for worker, history in zip(created, histories, strict=True)
                for status, day in history
            ),
            batch_size=batch,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(database_url: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    with django_database(database_url):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from accounts.models import User
        from filings.models import Worker

        populate()
        user = User.objects.create_user(email="secretariat-bench@example.jp", is_staff=True, is_superuser=True)
        TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)

        def get(url: str):
            def call():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return call

        urls = {
            "secretariat page": "/council/statistics/",
            "public page": "/council/statistics/public/",
            "secretariat CSV": "/council/statistics.csv",
            "public CSV": "/council/statistics/public.csv",
        }
        from django.core.cache import cache

        from council.models import MonthlyStatistic
        from council.statistics import refresh_monthly_statistics

        def uncached(url: str):
            call = get(url)

            def run():
                cache.clear()
                return call()

            return run

        figures: dict = {"vendor": connection.vendor, "workers": Worker.objects.count(), "pages": {}}
        MonthlyStatistic.objects.all().delete()
        first_install = timings_ms(uncached(urls["secretariat page"]), 1, warmup=0)
        figures["refresh"] = timings_ms(lambda: refresh_monthly_statistics(today=TODAY), 3, warmup=0)
        figures["first_install"] = first_install
        for label, url in urls.items():
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                get(url)()
            history = sum("workerstatuschange" in q["sql"].lower() for q in queries.captured_queries)
            figures["pages"][label] = {
                "queries": len(queries.captured_queries),
                "history_queries": history,
                "samples": timings_ms(uncached(url), REPEAT, warmup=1),
            }
        return figures


def run() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parent.parent
    url = own_postgres_url()
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_statistics", url],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return [("PostgreSQL", f"FAILED: {done.stderr.strip().splitlines()[-3:]}")]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    figures = [("size", f"{result['workers']:,} workers, {EMPLOYERS:,} employers, {WORKPLACES:,} workplaces")]
    for label, page in result["pages"].items():
        samples = page["samples"]
        median = sorted(samples)[len(samples) // 2]
        verdict = "OK" if median < TARGET_MS else f"over {TARGET_MS} ms"
        figures.append(
            (
                f"PostgreSQL {label}, empty cache",
                f"{describe(samples)}; {page['queries']} queries, {page['history_queries']} on the status history; "
                f"{verdict}",
            )
        )
    figures.append(("PostgreSQL periodic refresh of the stored months (background)", describe(result["refresh"])))
    figures.append(
        ("PostgreSQL first page of a new installation (computes the months once)", describe(result["first_install"]))
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
