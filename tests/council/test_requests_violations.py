"""Requests to registered corporations (Art. 3(1)) and the hand-off of violations (Arts. 3(3), 12)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from council import services
from council.constants import RequestKind, RequestStatus
from council.services import CouncilError
from membership.models import Member
from tests.membership.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    member = Member.objects.get(name="法務省")
    member.user = UserFactory(email="moj@example.jp")
    member.contact_email = "moj-contact@example.jp"
    member.save(update_fields=["user", "contact_email"])
    return member


def _request(corporation, secretariat_user, organization):
    return services.send_corporation_request(
        member=corporation,
        kind=RequestKind.INSPECTION,
        description="受入れ状況の現地調査をお願いします。",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        employers=[organization],
        employer_names="株式会社未登録製作所\n",
        acting_user=secretariat_user,
    )


def test_a_request_is_sent_answered_in_the_portal_and_closed(
    corporation, secretariat_user, organization, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _request(corporation, secretariat_user, organization)
    assert request.status == RequestStatus.SENT
    assert request.employer_labels() == ["株式会社サンプル製作所", "株式会社未登録製作所"]
    assert set(mail.outbox[0].to) == {corporation.contact_email, "jaim@example.jp"}
    client.force_login(corporation.user)
    url = reverse("council:request_detail", args=[request.pk])
    assert "株式会社未登録製作所" in client.get(url).content.decode()
    response = client.post(url, {"action": "answer", "answer": "2事業所を調査し、指導しました。"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert request.answered_by == corporation.user
    # The corporation cannot close it; the secretariat records the outcome.
    client.post(url, {"action": "close", "outcome": "x"})
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    client.force_login(secretariat_user)
    client.post(url, {"action": "close", "outcome": "改善を確認。"})
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.outcome == "改善を確認。"
    with pytest.raises(CouncilError):
        services.answer_corporation_request(request, answer="追記", acting_user=corporation.user)
    actions = list(
        AuditLog.objects.filter(action__startswith="council.corporation_request").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        [
            "council.corporation_request.sent",
            "council.corporation_request.answered",
            "council.corporation_request.closed",
        ]
    )


def test_requests_go_only_to_active_category_3_members(secretariat_user, organization):
    body = MemberFactory()
    with pytest.raises(CouncilError, match="第3号構成員"):
        _request(body, secretariat_user, organization)
    with pytest.raises(CouncilError, match="回答期限"):
        services.send_corporation_request(
            member=MemberFactory(corporation=True),
            kind=RequestKind.GUIDANCE,
            description="指導",
            deadline=timezone.localdate() - datetime.timedelta(days=1),
            employers=[organization],
            acting_user=secretariat_user,
        )


def test_another_member_cannot_see_a_request(corporation, secretariat_user, organization, client):
    request = _request(corporation, secretariat_user, organization)
    other = MemberFactory(corporation=True)
    other.user = UserFactory()
    other.save(update_fields=["user"])
    client.force_login(other.user)
    assert client.get(reverse("council:request_detail", args=[request.pk])).status_code == 404
    client.post(reverse("council:request_detail", args=[request.pk]), {"action": "answer", "answer": "なりすまし"})
    request.refresh_from_db()
    assert request.answer == ""


def test_a_violation_is_handed_to_the_chosen_agencies_with_when_and_by_whom(
    secretariat_user, organization, agency, django_capture_on_commit_callbacks
):
    violation = services.record_violation(
        title="賃金不払い",
        description="報告により判明。",
        found_on=datetime.date(2026, 11, 1),
        employer=organization,
        acting_user=secretariat_user,
    )
    mhlw = Member.objects.get(name="厚生労働省")
    with django_capture_on_commit_callbacks(execute=True):
        handoffs = services.hand_off_violation(violation, agencies=[agency, mhlw], acting_user=secretariat_user)
    assert {h.agency for h in handoffs} == {agency, mhlw}
    assert all(h.handed_by == secretariat_user and h.handed_at for h in handoffs)
    assert {address for m in mail.outbox for address in m.to} == {"moj@example.jp", "moj-contact@example.jp"}
    assert "賃金不払い" not in mail.outbox[0].body  # the content stays in the portal
    # Handing over again to the same agency changes nothing.
    assert services.hand_off_violation(violation, agencies=[agency], acting_user=secretariat_user) == []
    with pytest.raises(CouncilError):
        services.hand_off_violation(violation, agencies=[MemberFactory()], acting_user=secretariat_user)


def test_violations_are_invisible_to_other_members_and_the_public(
    secretariat_user, organization, agency, client, corporation
):
    violation = services.record_violation(
        title="偽装請負の疑い",
        description="現地調査で把握。",
        found_on=datetime.date(2026, 11, 1),
        employer_name="株式会社未登録製作所",
        acting_user=secretariat_user,
    )
    detail = reverse("council:violation_detail", args=[violation.pk])
    listing = reverse("council:violations")
    # The public: sent to sign in, never shown.
    assert client.get(detail).status_code == 302
    # An agency it was not (yet) handed to, another agency, a corporation member: 404.
    client.force_login(agency.user)
    assert client.get(detail).status_code == 404
    assert "偽装請負の疑い" not in client.get(listing).content.decode()
    services.hand_off_violation(violation, agencies=[agency], acting_user=secretariat_user)
    assert "偽装請負の疑い" in client.get(detail).content.decode()
    assert "偽装請負の疑い" in client.get(listing).content.decode()
    npa = Member.objects.get(name="警察庁")
    npa.user = UserFactory(email="npa@example.jp")
    npa.save(update_fields=["user"])
    client.force_login(npa.user)
    assert client.get(detail).status_code == 404
    assert "偽装請負の疑い" not in client.get(listing).content.decode()
    client.force_login(corporation.user)
    assert client.get(detail).status_code == 404
    assert client.get(listing).status_code == 404
    # Only the secretariat hands over: an agency's POST changes nothing.
    client.force_login(agency.user)
    client.post(detail, {"agencies": [npa.pk]})
    assert not violation.handoffs.filter(agency=npa).exists()
    client.force_login(secretariat_user)
    assert client.get(detail).status_code == 200
    client.post(detail, {"agencies": [npa.pk], "note": "念のため"})
    assert violation.handoffs.filter(agency=npa).exists()
