"""The employer's pages for a large employer: 5,000 workers, 300 workplaces, 400 connected municipalities.

Measures, through Django's test client with a signed-in representative: the dashboard (first and
a later page of workers), the worker list, the CSV export of the whole roster, the check of a
10,000-row roster upload (without writing), and last the check and import of those 10,000 rows.
SQLite (a file database, as the embedded default) and PostgreSQL (a database of its own, named
after this benchmark), each in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.harness import describe, django_database, postgres_url, timings_ms

REPEAT = 10


def own_postgres_url() -> str:
    parts = urlsplit(postgres_url())
    return urlunsplit(parts._replace(path="/council_bench_dashboard"))


def roster_bytes(rows: int) -> bytes:
    lines = ["氏名,国籍・地域,事業所名,住居地の郵便番号,住居地の住所,状況"]
    for number in range(rows):
        postal = "196-0015" if number % 2 else "190-0012"
        lines.append(f"NEW WORKER {number:05d},ベトナム,第20工場,{postal},東京都昭島市昭和町1-{number},就労中")
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def measure(database_url: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.conf import settings

    if database_url.startswith("sqlite"):
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = database_url.removeprefix("sqlite:///")
    with django_database(database_url):
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from accounts.constants import OrganizationRole
        from accounts.models import OrganizationMembership, User
        from bench.bench_requirements import populate
        from filings.views.roster import _check

        organization = populate()
        user = User.objects.create_user(email="bench@example.jp")  # force_login: no password needed
        OrganizationMembership.objects.create(
            user=user, organization=organization, role=OrganizationRole.REPRESENTATIVE
        )
        client = Client()
        client.force_login(user)

        def get(url: str):
            def call():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return call

        with CaptureQueriesContext(connection) as queries:
            get("/employer/")()
        data = roster_bytes(10_000)

        def import_all():
            from filings import services

            checked = _check(organization, data, "roster.csv")
            assert checked.ok, checked.error_rows[:1]
            rows = [services.WorkerRow(line=row.line, **row.data) for row in checked.rows]
            services.import_workers(organization=organization, actor=user, rows=rows)

        figures = {
            "vendor": connection.vendor,
            "dashboard_queries": len(queries.captured_queries),
            "dashboard": timings_ms(get("/employer/"), repeat=REPEAT),
            "dashboard_page_50": timings_ms(get("/employer/?workers=50"), repeat=REPEAT),
            "worker_list": timings_ms(get("/employer/workers/?page=60"), repeat=REPEAT),
            "export_csv": timings_ms(get("/employer/workers/export.csv"), repeat=3, warmup=1),
            "check_10000": timings_ms(lambda: _check(organization, data, "roster.csv"), repeat=3, warmup=1),
        }
        # Last, since it writes: check again and import the 10,000 rows in one transaction.
        figures["import_10000"] = timings_ms(import_all, repeat=1, warmup=0)
        return figures


def run() -> list[tuple[str, str]]:
    figures: list[tuple[str, str]] = [("size", "5000 workers, 300 workplaces, 400 connected municipalities")]
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/bench_dashboard.sqlite3"), ("PostgreSQL", own_postgres_url())]
        for label, url in targets:
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_dashboard", url],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                figures.append((label, f"FAILED: {done.stderr.strip().splitlines()[-1:]}"))
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            figures += [
                (f"{label} dashboard", f"{describe(result['dashboard'])}; {result['dashboard_queries']} queries"),
                (f"{label} dashboard, workers page 50", describe(result["dashboard_page_50"])),
                (f"{label} worker list, page 60", describe(result["worker_list"])),
                (f"{label} roster export CSV (5,000 rows)", describe(result["export_csv"])),
                (f"{label} roster check (10,000 rows, no write)", describe(result["check_10000"])),
                (f"{label} roster check and import (10,000 rows written)", describe(result["import_10000"])),
            ]
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
