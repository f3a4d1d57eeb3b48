""""Download everything missing": a ZIP of 1,000 missing PDFs built by the bundle task (target: < 90 s).

An employer with 1,000 workplaces in 1,000 municipalities, one worker at each, and a draft 協力確認書
waiting for every municipality (none submitted). Times ``request_pdf_bundle`` with Celery eager, so
the task runs in the process: requirements, 1,000 renders, the ZIP, progress written every 10 PDFs.
SQLite file database, in a subprocess; the machine's cores are printed beside the figure (the task
renders on one core; a second worker process can build another employer's bundle meanwhile).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import django_database

PDFS = int(os.environ.get("BENCH_ZIP_PDFS", "1000"))
TARGET_S = 90.0


def populate(count: int):
    from django.utils import timezone

    from accounts.constants import OrganizationRole
    from accounts.models import Organization, OrganizationMembership, User
    from filings.models import Confirmation, Worker, Workplace
    from municipalities.models import Municipality
    from municipalities.services import refresh_municipalities

    refresh_municipalities()
    municipalities = list(Municipality.objects.exclude(kind="ward").order_by("code")[:count])
    user = User.objects.create_user(email="bench@example.jp")
    organization = Organization.objects.create(
        name="株式会社ベンチマーク製作所",
        contact_department="総務部",
        contact_name="佐藤 花子",
        contact_phone="042-000-0000",
        contact_email="bench@example.jp",
    )
    OrganizationMembership.objects.create(user=user, organization=organization, role=OrganizationRole.REPRESENTATIVE)
    workplaces = Workplace.objects.bulk_create(
        Workplace(
            organization=organization,
            name=f"第{i}工場",
            postal_code="100-0001",
            address=f"{m.prefecture}{m.name}本町1-{i}",
            municipality=m,
        )
        for i, m in enumerate(municipalities)
    )
    Worker.objects.bulk_create(
        Worker(
            organization=organization,
            name=f"WORKER {i:05d}",
            nationality="ベトナム",
            status="active",
            status_since=datetime.date(2026, 4, 1),
            workplace=w,
            residence_address=w.address,
            residence_municipality_id=w.municipality_id,
        )
        for i, w in enumerate(workplaces)
    )
    from filings.services import _municipality_snapshot

    Confirmation.objects.bulk_create(
        Confirmation(
            organization=organization,
            municipality=w.municipality,
            created_by=user,
            created_at=timezone.now(),
            content={
                "employer_name": organization.name,
                "contact": {"department": "総務部", "name": "佐藤 花子", "phone": "042-000-0000", "email": "b@x.jp"},
                "workplaces": [{"id": w.pk, "name": w.name, "postal_code": w.postal_code, "address": w.address}],
                "municipality": _municipality_snapshot(w.municipality),
            },
        )
        for w in Workplace.objects.filter(organization=organization).select_related("municipality")
    )
    return organization, user


def measure(database_url: str) -> dict:
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = database_url.removeprefix("sqlite:///")
    with django_database(database_url):
        import io
        import zipfile

        from filings.models import PdfBundle
        from filings.submissions import request_pdf_bundle

        organization, user = populate(PDFS)
        started = time.perf_counter()
        bundle = request_pdf_bundle(organization=organization, actor=user)
        elapsed = time.perf_counter() - started
        bundle = PdfBundle.objects.get(pk=bundle.pk)
        with zipfile.ZipFile(io.BytesIO(bytes(bundle.data))) as archive:
            files = len(archive.namelist())
        return {"seconds": elapsed, "status": bundle.status, "files": files, "size": bundle.size}


def run() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_zip", f"sqlite:///{tmp}/bench_zip.sqlite3"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        return [("SQLite", f"FAILED: {done.stderr.strip().splitlines()[-3:]}")]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    verdict = "OK" if result["seconds"] < TARGET_S else f"OVER the {TARGET_S:.0f} s target"
    return [
        (
            f"ZIP of {result['files']} missing PDFs ({os.cpu_count()} cores)",
            f"{result['seconds']:.1f} s, {result['size'] / 1e6:.1f} MB, {result['status']} ({verdict})",
        ),
        ("per PDF", f"{result['seconds'] * 1000 / max(result['files'], 1):.1f} ms"),
    ]


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
