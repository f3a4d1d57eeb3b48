"""Double submission on PostgreSQL: two POSTs at once make one submission, one receipt, one frozen PDF.

SQLite serialises writers, so these run only on PostgreSQL, with a database of your own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/submissions_race_db \\
        DJANGO_SETTINGS_MODULE=config.settings.test pytest tests/filings/test_submission_concurrency.py
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.models import AuditLog
from filings import services
from filings.models import Confirmation, FrozenPdf, Receipt

ON_POSTGRESQL = connection.vendor == "postgresql"
pytestmark = [pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks need PostgreSQL")] + (
    [pytest.mark.django_db(transaction=True)] if ON_POSTGRESQL else []
)


def _draft(organization, actor, name="立川工場", address="東京都立川市曙町2-1-1"):
    workplace = services.create_workplace(
        organization=organization, actor=actor, name=name, postal_code="190-0012", address=address
    )
    services.create_worker(
        organization=organization,
        actor=actor,
        name=f"W{workplace.pk}",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="190-0012",
        residence_address=address,
    )
    return services.create_confirmation(organization=organization, actor=actor, municipality="132021")


def _at_once(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # re-raised by the assertion in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_concurrent_posts_make_exactly_one_portal_submission(organization, employer_user):
    confirmation = _draft(organization, employer_user)
    url = reverse("filings:confirmation_submit", args=[confirmation.pk])

    def post():
        client = Client()
        client.force_login(employer_user)
        return client.post(url, {"method": "portal", "submitted_on": "2026-11-24"}).status_code

    statuses = _at_once([post, post])
    assert statuses == [302, 302]
    assert AuditLog.objects.filter(action="filings.confirmation.submitted").count() == 1
    assert Receipt.objects.count() == 1
    assert FrozenPdf.objects.count() == 1
    assert Confirmation.objects.get().status == "submitted"


def test_concurrent_submissions_to_one_municipality_get_distinct_receipt_numbers(organization, employer_user):
    first = _draft(organization, employer_user)
    from accounts.services import create_organization

    other_user = type(employer_user).objects.create_user(email="other@example.jp", password="x" * 12)
    other = create_organization(name="他社株式会社", representative=other_user)
    second = _draft(other, other_user, name="砂川工場", address="東京都立川市砂川町1-1-1")

    def submitter(confirmation, user):
        return lambda: (
            services.submit_confirmation(
                confirmation=confirmation, actor=user, method="portal", submitted_on="2026-11-24"
            ).receipt_number
        )

    numbers = _at_once([submitter(first, employer_user), submitter(second, other_user)])
    assert len(set(numbers)) == 2
    assert sorted(n[-6:] for n in numbers) == ["000001", "000002"]
