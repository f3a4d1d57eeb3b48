"""Races between two secretariat members deciding at once (PostgreSQL only: SQLite has no row locks).

Run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own name>`` to exercise them.
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from membership import services
from membership.models import Member
from membership.services import MembershipError

from .factories import JoinRequestFactory, UserFactory

if connection.vendor != "postgresql":
    pytest.skip("row locks need PostgreSQL", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 11, 22)


def run_together(*calls):
    """Run the calls in parallel threads, released at the same moment; return each result or error."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_admissions_of_one_request_make_one_member():
    join_request = JoinRequestFactory(submitted=True)
    secretariat = UserFactory(email="a@example.jp", is_staff=True)
    results = run_together(
        lambda: services.approve_join_request(join_request, membership_number="1", joined_on=TODAY,
                                              acting_user=secretariat),
        lambda: services.approve_join_request(join_request, membership_number="2", joined_on=TODAY,
                                              acting_user=secretariat),
    )  # fmt: skip
    assert all(isinstance(result, Member) for result in results), results
    assert results[0].pk == results[1].pk
    assert Member.objects.filter(join_request=join_request).count() == 1


def test_one_number_given_to_two_requests_at_once_is_refused_once():
    first, second = JoinRequestFactory(submitted=True), JoinRequestFactory(submitted=True)
    secretariat = UserFactory(email="b@example.jp", is_staff=True)
    results = run_together(
        lambda: services.approve_join_request(first, membership_number="7", joined_on=TODAY, acting_user=secretariat),
        lambda: services.approve_join_request(second, membership_number="7", joined_on=TODAY, acting_user=secretariat),
    )
    errors = [result for result in results if isinstance(result, MembershipError)]
    assert len(errors) == 1, results
    assert "既に使われています" in str(errors[0])
    assert Member.objects.filter(membership_number="7").count() == 1
