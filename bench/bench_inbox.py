"""The municipality inbox with 100,000 submitted confirmations in PostgreSQL (target: list < 200 ms).

One municipality receives 100,000 confirmations (portal and other channels, a third acknowledged) from
2,000 employers. Measured through Django's test client with a signed-in staff member (MFA set up):
the first page, a later page, a status + channel + period filter, a search by employer name, a search
by 法人番号, and the CSV export of one filtered month. PostgreSQL only, on a database of its own
(``BENCH_POSTGRES_URL``'s server, database ``council_inbox_bench``), in a subprocess.
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

CONFIRMATIONS = 100_000
EMPLOYERS = 2_000
TARGET_MS = 200.0
REPEAT = 15


def own_postgres_url() -> str:
    parts = urlsplit(postgres_url())
    return urlunsplit(parts._replace(path="/council_inbox_bench"))


def corporate_number(n: int) -> str:
    base = f"{n:012d}"
    total = sum(int(d) * (1 if i % 2 else 2) for i, d in enumerate(reversed(base), start=1))
    return f"{9 - total % 9}{base}"


def populate():
    from django.utils import timezone

    from accounts.models import Organization
    from filings.models import Confirmation
    from filings.submissions import search_text_for
    from municipalities.models import Municipality
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
    tachikawa = Municipality.objects.get(code="132021")
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"株式会社ベンチ{n:04d}製作所",
            corporate_number=corporate_number(n + 1),
            contact_department="総務部",
            contact_name="佐藤 花子",
            contact_phone="042-000-0000",
            contact_email=f"bench{n}@example.jp",
        )
        for n in range(EMPLOYERS)
    )
    start = timezone.now() - datetime.timedelta(days=400)
    methods = ["portal", "portal", "email", "post", "counter"]
    batch = []
    for i in range(CONFIRMATIONS):
        organization = organizations[i % EMPLOYERS]
        at = start + datetime.timedelta(minutes=5 * i)
        method = methods[i % len(methods)]
        confirmation = Confirmation(
            organization=organization,
            municipality=tachikawa,
            status="submitted",
            method=method,
            submitted_on=timezone.localtime(at).date(),
            submitted_at=at,
            delivered_at=at if method == "portal" else None,
            receipt_number=f"R8-132021-{i:06d}" if method == "portal" else "",
            acknowledged_at=at if i % 3 == 0 else None,
            content={
                "employer_name": organization.name,
                "contact": {"department": "総務部", "name": "佐藤 花子", "phone": "042-000-0000", "email": "b@x.jp"},
                "workplaces": [
                    {"id": i, "name": f"第{i % 50}工場", "postal_code": "190-0012", "address": "立川市曙町"}
                ],
                "municipality": {"code": "132021", "name": "立川市"},
            },
        )
        confirmation.organization = organization
        confirmation.search_text = search_text_for(confirmation)
        batch.append(confirmation)
        if len(batch) == 5000:
            Confirmation.objects.bulk_create(batch)
            batch = []
    Confirmation.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return tachikawa, organizations


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
        from municipalities.models import MunicipalityStaff

        tachikawa, organizations = populate()
        user = User.objects.create_user(email="staff@city.tachikawa.example.jp")
        MunicipalityStaff.objects.create(user=user, municipality=tachikawa)
        TOTP.activate(user, generate_totp_secret())
        client = Client()
        client.force_login(user)

        def get(url: str, expect: str = ""):
            def call():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                if expect:
                    assert expect in response.content.decode(), (url, expect)

            return call

        base = "/employer/municipality/inbox/"
        urls = {
            "first page": (base, ""),
            "page 1,000": (base + "?page=1000", ""),
            "status + channel + period": (base + "?status=new&channel=portal&from=2026-01-01&to=2026-03-31", ""),
            "search by employer name": (base + "?q=%E3%83%99%E3%83%B3%E3%83%811234", "ベンチ1234"),
            "search by 法人番号": (base + f"?q={organizations[77].corporate_number}", "ベンチ0077"),
        }
        with CaptureQueriesContext(connection) as queries:
            get(base)()
        result = {"queries": len(queries.captured_queries)}
        for label, (url, expect) in urls.items():
            result[label] = timings_ms(get(url, expect), repeat=REPEAT)
        result["CSV export, one month"] = timings_ms(
            lambda: client.get("/employer/municipality/inbox/export.csv?from=2026-01-01&to=2026-01-31").content,
            repeat=3,
            warmup=1,
        )
        return result


def run() -> list[tuple[str, str]]:
    import statistics

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_inbox", own_postgres_url()],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return [("PostgreSQL", f"FAILED: {done.stderr.strip().splitlines()[-3:]}")]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    figures = [("size", f"{CONFIRMATIONS:,} confirmations to one municipality from {EMPLOYERS:,} employers")]
    figures.append(("queries for the first page", str(result.pop("queries"))))
    for label, samples in result.items():
        verdict = ""
        if not label.startswith("CSV"):
            verdict = " (OK)" if statistics.median(samples) < TARGET_MS else f" (OVER the {TARGET_MS:.0f} ms target)"
        figures.append((f"PostgreSQL {label}", describe(samples) + verdict))
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
