"""Requirement computation for a large employer: 5,000 workers, 300 workplaces, 400 connected
municipalities, 200 of them with a submitted confirmation (some gone stale).

Measures ``filings.selectors.requirements_for`` (target: median under 300 ms) and
``worker_readiness`` on SQLite (a file database, as the embedded default) and on PostgreSQL (a
database of its own, named after this benchmark, on the server of ``harness.postgres_url()``).
Each database runs in a subprocess, since Django's settings are fixed once loaded.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.harness import describe, django_database, postgres_url, timings_ms

WORKERS = 5_000
WORKPLACES = 300
MUNICIPALITIES = 400
CONFIRMED = 200
STALE = 10
TARGET_MS = 300.0
REPEAT = 15
TODAY = datetime.date(2026, 11, 22)


def own_postgres_url() -> str:
    parts = urlsplit(postgres_url())
    return urlunsplit(parts._replace(path="/council_bench_requirements"))


def populate():
    """Create the employer and its rows in bulk; returns the organisation."""
    from django.utils import timezone

    from accounts.models import Organization
    from filings.models import Confirmation, VisaApplication, Worker, Workplace
    from municipalities.models import Municipality
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
    municipalities = list(Municipality.objects.exclude(kind="ward").order_by("code")[:MUNICIPALITIES])
    assert len(municipalities) == MUNICIPALITIES
    organization = Organization.objects.create(
        name="株式会社ベンチマーク製作所",
        contact_department="総務部",
        contact_name="佐藤 花子",
        contact_phone="042-000-0000",
        contact_email="bench@example.jp",
    )
    workplaces = Workplace.objects.bulk_create(
        Workplace(
            organization=organization,
            name=f"第{i}工場",
            postal_code="100-0001",
            address=f"{municipalities[i].prefecture}{municipalities[i].name}1-{i}",
            municipality=municipalities[i],
        )
        for i in range(WORKPLACES)
    )
    statuses = ["active"] * 17 + ["incoming"] * 2 + ["left"]
    workers = Worker.objects.bulk_create(
        (
            Worker(
                organization=organization,
                name=f"WORKER {i:05d}",
                nationality="ベトナム",
                status=statuses[(i // MUNICIPALITIES) % len(statuses)],
                status_since=TODAY,
                workplace=workplaces[i % WORKPLACES],
                residence_address=f"住所{i}",
                residence_municipality=municipalities[(i * 7) % MUNICIPALITIES],
            )
            for i in range(WORKERS)
        ),
        batch_size=1000,
    )
    VisaApplication.objects.bulk_create(
        (
            VisaApplication(worker=w, kind="extension", planned_date=TODAY + datetime.timedelta(days=30 + i % 300))
            for i, w in enumerate(workers)
            if i % 5 < 3
        ),
        batch_size=1000,
    )
    # What a confirmation to each municipality lists: the workplaces there and those of its residents.
    listed: dict[int, set[int]] = {m.pk: set() for m in municipalities}
    for w in workplaces:
        listed[w.municipality_id].add(w.pk)
    for worker in workers:
        if worker.status != "left":
            listed[worker.residence_municipality_id].add(worker.workplace_id)
    by_id = {w.pk: w for w in workplaces}
    now = timezone.now()
    Confirmation.objects.bulk_create(
        Confirmation(
            organization=organization,
            municipality=m,
            status="submitted",
            method="email",
            submitted_on=TODAY - datetime.timedelta(days=10),
            submitted_at=now,
            content={
                "employer_name": organization.name,
                "contact": {
                    "department": organization.contact_department,
                    "name": organization.contact_name,
                    "phone": organization.contact_phone,
                    "email": organization.contact_email,
                },
                "workplaces": [
                    {"id": i, "name": by_id[i].name, "postal_code": "100-0001", "address": by_id[i].address}
                    for i in sorted(listed[m.pk])
                ],
                "municipality": {"code": m.code, "name": m.name},
            },
        )
        for m in municipalities[:CONFIRMED]
    )
    for workplace in workplaces[:STALE]:
        Workplace.objects.filter(pk=workplace.pk).update(name=workplace.name + "(改称)")
    return organization


def measure(database_url: str) -> dict:
    """Run inside a fresh process: set up the database, populate, time the selectors."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.conf import settings

    if database_url.startswith("sqlite"):
        # A file, as the embedded default runs, rather than the test runner's in-memory database.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = database_url.removeprefix("sqlite:///")
    with django_database(database_url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from filings.selectors import requirements_for, worker_readiness

        organization = populate()
        with CaptureQueriesContext(connection) as queries:
            report = requirements_for(organization, today=TODAY)
        requirements = timings_ms(lambda: requirements_for(organization, today=TODAY), repeat=REPEAT)
        readiness = timings_ms(lambda: worker_readiness(organization, today=TODAY), repeat=5, warmup=1)
        return {
            "vendor": connection.vendor,
            "missing": len(report.missing),
            "covered": len(report.covered),
            "queries": len(queries.captured_queries),
            "requirements": requirements,
            "readiness": readiness,
        }


def run() -> list[tuple[str, str]]:
    import statistics

    figures: list[tuple[str, str]] = [
        ("size", f"{WORKERS} workers, {WORKPLACES} workplaces, {MUNICIPALITIES} connected municipalities")
    ]
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/bench_requirements.sqlite3"), ("PostgreSQL", own_postgres_url())]
        for label, url in targets:
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_requirements", url],
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
            median = statistics.median(result["requirements"])
            verdict = "OK" if median < TARGET_MS else f"OVER the {TARGET_MS:.0f} ms target"
            figures.append(
                (
                    f"{label} requirements_for",
                    f"{describe(result['requirements'])} ({verdict}); {result['queries']} queries; "
                    f"{result['missing']} missing, {result['covered']} covered",
                )
            )
            figures.append((f"{label} worker_readiness (all workers)", describe(result["readiness"])))
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
