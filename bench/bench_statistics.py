"""The council's regional statistics with 200,000 workers, on PostgreSQL.

200,000 workers of 4,000 employers at 8,000 workplaces spread over every filing municipality (a
third of the workplaces in the three metropolitan areas), each with two or three status changes
over three years (incoming → active, some later left). Measures, through Django's test client, the
secretariat's chart page, the public page with suppression, and both CSV downloads, with their
query counts. The target: each page under 500 ms.

"cold" empties the cache before every request, so every figure, the month-by-month trend over the
whole status history included, is computed from the filings data each time. "trend cached" is the
ordinary view: the counts by place are still computed live from the 200,000 workers; only the
history of past months comes from the cache the periodic task refreshes.

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

        def cold(url: str):
            call = get(url)

            def run():
                cache.clear()
                return call()

            return run

        figures: dict = {"vendor": connection.vendor, "workers": Worker.objects.count(), "pages": {}}
        for label, url in urls.items():
            cache.clear()
            with CaptureQueriesContext(connection) as cold_queries:
                get(url)()
            with CaptureQueriesContext(connection) as warm_queries:
                get(url)()
            figures["pages"][label] = {
                "cold_queries": len(cold_queries.captured_queries),
                "warm_queries": len(warm_queries.captured_queries),
                "cold": timings_ms(cold(url), REPEAT, warmup=1),
                "warm": timings_ms(get(url), REPEAT),
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
        for kind in ("warm", "cold"):
            samples = page[kind]
            median = sorted(samples)[len(samples) // 2]
            verdict = "OK" if median < TARGET_MS else f"over {TARGET_MS} ms"
            queries = page[f"{kind}_queries"]
            name = "trend cached" if kind == "warm" else "cold"
            figures.append((f"PostgreSQL {label}, {name}", f"{describe(samples)}; {queries} queries; {verdict}"))
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
