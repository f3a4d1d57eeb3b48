"""Races on PostgreSQL (row locks are what make them safe; SQLite serialises writers anyway).

Run with a database of your own, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/filings_race_db pytest tests/filings/test_services_concurrency.py``.
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from accounts.models import AuditLog
from filings import services
from filings.models import Confirmation

ON_POSTGRESQL = connection.vendor == "postgresql"
# The database marker only on PostgreSQL: a skipped transactional test would still have its
# flush-and-reload teardown run against a database that was never set up.
pytestmark = [pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks need PostgreSQL")] + (
    [pytest.mark.django_db(transaction=True)] if ON_POSTGRESQL else []
)


def test_two_simultaneous_submits_record_one_submission(organization, employer_user):
    workplace = services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="立川市曙町2-1",
    )
    services.create_worker(
        organization=organization,
        actor=employer_user,
        name="A",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="190-0012",
        residence_address="立川市曙町3-3",
    )
    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(method: str) -> None:
        try:
            barrier.wait()
            services.submit_confirmation(
                confirmation=confirmation,
                actor=employer_user,
                method=method,
                submitted_on=datetime.date(2026, 11, 24),
            )
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(m,)) for m in ("portal", "post")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditLog.objects.filter(action="filings.confirmation.submitted").count() == 1
    assert Confirmation.objects.get().status == "submitted"
