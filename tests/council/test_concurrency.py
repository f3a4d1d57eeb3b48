"""Races on PostgreSQL (row locks are what make them safe; SQLite serialises writers anyway).

Run with a database of your own, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/council_race_db pytest tests/council/test_concurrency.py``.
"""

import threading

import pytest
from django.db import connection, connections

from council import services
from council.constants import CirculationAnswer, ConveneScope, MeetingStatus
from council.models import CirculationResponse, Meeting
from council.services import CouncilError
from tests.council.factories import MeetingFactory
from tests.membership.factories import MemberFactory

ON_POSTGRESQL = connection.vendor == "postgresql"
# The database marker only on PostgreSQL: a skipped transactional test would still have its
# flush-and-reload teardown run against a database that was never set up.
pytestmark = [pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks need PostgreSQL")] + (
    [pytest.mark.django_db(transaction=True)] if ON_POSTGRESQL else []
)


@pytest.mark.parametrize("attempt", range(5))
def test_an_answer_racing_the_close_is_either_counted_or_refused(secretariat_user, attempt):
    member = MemberFactory()
    meeting = MeetingFactory(written=True)
    services.convene_meeting(
        meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[member.pk], acting_user=secretariat_user
    )
    invitation = meeting.invitations.get()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    refused: list[CouncilError] = []

    def answer() -> None:
        try:
            barrier.wait()
            services.respond_to_circulation(invitation, answer=CirculationAnswer.ACKNOWLEDGED, acting_user=member.user)
        except CouncilError as exc:
            refused.append(exc)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def close() -> None:
        try:
            barrier.wait()
            services.close_circulation(Meeting.objects.get(pk=meeting.pk), acting_user=secretariat_user)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer), threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONCLUDED
    answered = CirculationResponse.objects.filter(invitation=invitation).exists()
    if answered:
        assert "了承 1" in meeting.outcome
        assert not refused
    else:
        assert "未回答 1" in meeting.outcome
        assert len(refused) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_request_form_sent_twice_at_once_makes_one_request(secretariat_user, organization, attempt):
    import datetime
    import uuid

    from django.utils import timezone

    from accounts.models import AuditLog
    from council.models import CorporationRequest

    corporation = MemberFactory(corporation=True)
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    made: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            request = services.send_corporation_request(
                member=corporation,
                kind="report",
                description="報告を求めます。",
                deadline=timezone.localdate() + datetime.timedelta(days=7),
                employers=[organization],
                acting_user=secretariat_user,
                submission_token=token,
            )
            made.append(request.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert CorporationRequest.objects.filter(submission_token=token).count() == 1
    assert len(set(made)) == 1
    assert AuditLog.objects.filter(action="council.corporation_request.sent").count() == 1
