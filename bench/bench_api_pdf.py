"""Create a 協力確認書 and download its PDF through the API (target: ≤ 150 ms for both together).

A warm process, Django's test client with a Bearer token: ``POST /api/v1/confirmations`` then
``GET /api/v1/confirmations/<id>/pdf``. The employer has 3 workplaces and 30 workers. Between rounds the
draft is removed (not timed), so every round really creates one. Also: downloading a submitted
confirmation's frozen PDF (no rendering). SQLite file database, in a subprocess.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import describe, django_database, timings_ms

TARGET_MS = 150.0
REPEAT = 20


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
        from rest_framework.test import APIClient

        from accounts.models import User
        from accounts.services import create_organization, issue_api_token
        from filings import services
        from filings.models import Confirmation
        from municipalities.services import refresh_municipalities

        refresh_municipalities()
        user = User.objects.create_user(email="bench@example.jp")
        organization = create_organization(name="株式会社ベンチマーク製作所", representative=user)
        services.update_organization(
            organization=organization,
            actor=user,
            contact_department="総務部",
            contact_name="佐藤 花子",
            contact_phone="042-000-0000",
            contact_email="bench@example.jp",
        )
        for n in range(3):
            workplace = services.create_workplace(
                organization=organization,
                actor=user,
                name=f"立川第{n + 1}工場",
                postal_code="190-0012",
                address=f"東京都立川市曙町2-{n + 1}-1",
            )
            for w in range(10):
                services.create_worker(
                    organization=organization,
                    actor=user,
                    name=f"WORKER {n}-{w}",
                    nationality="ベトナム",
                    workplace=workplace,
                    residence_postal_code="190-0012",
                    residence_address=f"東京都立川市曙町3-{w}",
                )
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user=user, organization=organization, name='b')[1]}"
        )

        def create_and_download() -> float:
            Confirmation.objects.filter(organization=organization, status="draft").delete()
            started = time.perf_counter()
            created = client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json")
            assert created.status_code == 201, created.content
            pdf = client.get(f"/api/v1/confirmations/{created.json()['id']}/pdf")
            assert pdf.status_code == 200
            assert pdf.content.startswith(b"%PDF")
            return (time.perf_counter() - started) * 1000

        for _ in range(3):
            create_and_download()
        samples = [create_and_download() for _ in range(REPEAT)]
        confirmation = services.create_confirmation(organization=organization, actor=user, municipality="132021")
        services.submit_confirmation(confirmation=confirmation, actor=user, method="portal", submitted_on="2026-11-22")
        frozen = timings_ms(lambda: client.get(f"/api/v1/confirmations/{confirmation.pk}/pdf").content, repeat=REPEAT)
        return {"create_and_download": samples, "frozen": frozen}


def run() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_api_pdf", f"sqlite:///{tmp}/bench_api_pdf.sqlite3"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        return [("SQLite", f"FAILED: {done.stderr.strip().splitlines()[-3:]}")]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    median = statistics.median(result["create_and_download"])
    verdict = "OK" if median <= TARGET_MS else f"OVER the {TARGET_MS:.0f} ms target"
    return [
        ("API create + download PDF (draft, rendered)", f"{describe(result['create_and_download'])} ({verdict})"),
        ("API download of a submitted (frozen) PDF", describe(result["frozen"])),
    ]


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
