"""Two daily scans at the same time on PostgreSQL send each reminder once (the unique send intent).

Run with a database of your own, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/reminders_race pytest tests/filings/test_reminders_concurrency.py``.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from config.celery import app
from filings import reminders
from filings.models import Reminder, ReminderItem

from .factories import OrganizationFactory, VisaApplicationFactory, WorkerFactory, WorkplaceFactory

ON_POSTGRESQL = connection.vendor == "postgresql"
pytestmark = [pytest.mark.skipif(not ON_POSTGRESQL, reason="concurrent transactions need PostgreSQL")] + (
    [pytest.mark.django_db(transaction=True)] if ON_POSTGRESQL else []
)

DUE = datetime.date(2027, 3, 1)
TODAY = DUE - datetime.timedelta(days=14)


def test_two_concurrent_runs_send_each_reminder_once():
    organizations = []
    for n in range(12):
        organization = OrganizationFactory(contact_email=f"contact{n}@example.jp")
        worker = WorkerFactory(workplace=WorkplaceFactory(organization=organization), status="incoming")
        VisaApplicationFactory(worker=worker, kind="coe", planned_date=DUE)
        organizations.append(organization)
    # The eager tasks are registered once, before the threads (not a race worth testing here).
    app.loader.import_default_modules()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    counts: list[int] = []

    def scan() -> None:
        try:
            barrier.wait()
            counts.append(reminders.run_daily(today=TODAY))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(counts) == 2
    assert sum(counts) == 12
    assert Reminder.objects.count() == 12
    assert ReminderItem.objects.count() == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"contact{n}@example.jp" for n in range(12))
    assert reminders.run_daily(today=TODAY) == 0
