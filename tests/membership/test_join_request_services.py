"""Join request transitions, each tested three ways: the allowed move, every forbidden move, the double call."""

import datetime

import pytest
from django.core import mail

from accounts.audit import history_for
from membership import services
from membership.constants import TRANSITIONS, JoinRequestStatus, MemberStatus
from membership.models import JoinRequest, Member
from membership.services import MembershipError

from .factories import JoinRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

STATUS_TRAITS = {
    JoinRequestStatus.DRAFT: {},
    JoinRequestStatus.SUBMITTED: {"submitted": True},
    JoinRequestStatus.INFO_REQUESTED: {"info_requested": True},
    JoinRequestStatus.APPROVED: {"approved": True},
    JoinRequestStatus.REFUSED: {"refused": True},
}


def forbidden_sources(target: str) -> list[str]:
    """Every status from which the table does not allow ``target`` (the target itself is the double call)."""
    table = TRANSITIONS["join_request"]
    return [status for status, allowed in table.items() if target not in allowed and status != target]


def test_the_table_names_every_status():
    assert set(TRANSITIONS["join_request"]) == set(JoinRequestStatus.values)


# --- submit ------------------------------------------------------------------------------------


def test_submit_moves_a_draft_to_submitted_and_sends_a_receipt(django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_join_request(join_request, acting_user=join_request.applicant)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED
    assert join_request.submitted_at is not None
    entry = history_for(join_request).get(action="membership.join_request.submitted")
    assert entry.actor == join_request.applicant
    assert entry.data["from"] == "draft"
    assert entry.data["to"] == "submitted"
    assert len(mail.outbox) == 1
    assert "受け付けました" in mail.outbox[0].subject
    assert join_request.contact_email in mail.outbox[0].to


def test_resubmitting_after_a_request_for_information_needs_the_answer():
    join_request = JoinRequestFactory(info_requested=True)
    with pytest.raises(MembershipError, match="回答"):
        services.submit_join_request(join_request, acting_user=join_request.applicant)
    services.submit_join_request(join_request, acting_user=join_request.applicant, answer="定款を添付しました。")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED
    assert join_request.applicant_answer == "定款を添付しました。"


def test_an_incomplete_draft_cannot_be_submitted():
    join_request = JoinRequestFactory(name="", agrees_with_purpose=False)
    with pytest.raises(MembershipError) as excinfo:
        services.submit_join_request(join_request, acting_user=join_request.applicant)
    assert "名称" in str(excinfo.value)
    assert "賛同" in str(excinfo.value)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DRAFT


def test_a_local_government_must_name_its_municipality_or_prefecture():
    join_request = JoinRequestFactory(organization_type="local_government")
    with pytest.raises(MembershipError, match="市区町村または都道府県"):
        services.submit_join_request(join_request, acting_user=join_request.applicant)
    join_request.prefecture = "東京都"
    join_request.save()
    services.submit_join_request(join_request, acting_user=join_request.applicant)


@pytest.mark.parametrize("status", forbidden_sources(JoinRequestStatus.SUBMITTED))
def test_submit_is_refused_from(status):
    join_request = JoinRequestFactory(**STATUS_TRAITS[status])
    with pytest.raises(MembershipError, match="「審査中」にはできません"):
        services.submit_join_request(join_request, acting_user=join_request.applicant, answer="回答")
    join_request.refresh_from_db()
    assert join_request.status == status


def test_submitting_twice_changes_nothing(django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory()
    services.submit_join_request(join_request, acting_user=join_request.applicant)
    first = JoinRequest.objects.get(pk=join_request.pk).submitted_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit_join_request(join_request, acting_user=join_request.applicant)
    assert callbacks == []
    assert JoinRequest.objects.get(pk=join_request.pk).submitted_at == first
    assert history_for(join_request).filter(action="membership.join_request.submitted").count() == 1


def test_only_the_applicant_submits():
    join_request = JoinRequestFactory()
    with pytest.raises(MembershipError):
        services.submit_join_request(join_request, acting_user=UserFactory())


# --- request more information ------------------------------------------------------------------


def test_request_more_information_sends_the_request_back(secretariat_user, django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_more_information(
            join_request, message="定款を添付してください。", acting_user=secretariat_user
        )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.INFO_REQUESTED
    assert join_request.info_request_message == "定款を添付してください。"
    assert join_request.decided_by == secretariat_user
    entry = history_for(join_request).get(action="membership.join_request.info_requested")
    assert entry.data == {"from": "submitted", "to": "info_requested", "grounds": "定款を添付してください。"}
    assert len(mail.outbox) == 1
    assert "定款を添付してください。" in mail.outbox[0].body


def test_request_more_information_needs_a_message(secretariat_user):
    join_request = JoinRequestFactory(submitted=True)
    with pytest.raises(MembershipError, match="依頼内容"):
        services.request_more_information(join_request, message="  ", acting_user=secretariat_user)


@pytest.mark.parametrize("status", forbidden_sources(JoinRequestStatus.INFO_REQUESTED))
def test_request_more_information_is_refused_from(status, secretariat_user):
    join_request = JoinRequestFactory(**STATUS_TRAITS[status])
    with pytest.raises(MembershipError, match="追加情報の依頼中"):
        services.request_more_information(join_request, message="質問", acting_user=secretariat_user)
    join_request.refresh_from_db()
    assert join_request.status == status


def test_requesting_information_twice_changes_nothing(secretariat_user, django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory(submitted=True)
    services.request_more_information(join_request, message="一回目", acting_user=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.request_more_information(join_request, message="二回目", acting_user=secretariat_user)
    assert callbacks == []
    join_request.refresh_from_db()
    assert join_request.info_request_message == "一回目"


# --- approve -----------------------------------------------------------------------------------


def test_approve_makes_a_category_4_member(secretariat_user, django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        member = services.approve_join_request(
            join_request,
            membership_number="０１２３",
            joined_on=datetime.date(2026, 11, 22),
            acting_user=secretariat_user,
        )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert member.category.number == 4
    assert member.membership_number == "0123"  # full-width digits are normalised
    assert member.joined_on == datetime.date(2026, 11, 22)
    assert member.name == join_request.name
    assert member.user == join_request.applicant
    assert member.status == MemberStatus.ACTIVE
    entry = history_for(join_request).get(action="membership.join_request.approved")
    assert entry.actor == secretariat_user
    assert (entry.data["from"], entry.data["to"]) == ("submitted", "approved")
    assert history_for(member).filter(action="membership.member.admitted").exists()
    assert len(mail.outbox) == 1
    assert "0123" in mail.outbox[0].body
    assert "2026年11月22日" in mail.outbox[0].body


def test_a_membership_number_is_used_once(secretariat_user):
    first, second = JoinRequestFactory(submitted=True), JoinRequestFactory(submitted=True)
    services.approve_join_request(first, membership_number="7", joined_on=datetime.date(2026, 11, 22),
                                  acting_user=secretariat_user)  # fmt: skip
    with pytest.raises(MembershipError, match="既に使われています"):
        services.approve_join_request(second, membership_number="７", joined_on=datetime.date(2026, 11, 22),
                                      acting_user=secretariat_user)  # fmt: skip
    second.refresh_from_db()
    assert second.status == JoinRequestStatus.SUBMITTED
    assert not Member.objects.filter(join_request=second).exists()


@pytest.mark.parametrize("status", forbidden_sources(JoinRequestStatus.APPROVED))
def test_approve_is_refused_from(status, secretariat_user):
    join_request = JoinRequestFactory(**STATUS_TRAITS[status])
    with pytest.raises(MembershipError, match="入会承認"):
        services.approve_join_request(
            join_request, membership_number="99", joined_on=datetime.date(2026, 11, 22), acting_user=secretariat_user
        )
    join_request.refresh_from_db()
    assert join_request.status == status
    assert not Member.objects.filter(membership_number="99").exists()


def test_approving_twice_returns_the_same_member(secretariat_user, django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory(submitted=True)
    member = services.approve_join_request(
        join_request, membership_number="1", joined_on=datetime.date(2026, 11, 22), acting_user=secretariat_user
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.approve_join_request(
            join_request, membership_number="2", joined_on=datetime.date(2026, 11, 23), acting_user=secretariat_user
        )
    assert again.pk == member.pk
    assert callbacks == []
    assert Member.objects.filter(join_request=join_request).count() == 1
    assert Member.objects.get(pk=member.pk).membership_number == "1"


# --- refuse ------------------------------------------------------------------------------------


def test_refuse_records_the_reason_and_tells_the_applicant(secretariat_user, django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory(submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_join_request(join_request, reason="目的に照らし著しく不適当", acting_user=secretariat_user)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.REFUSED
    assert join_request.refusal_reason == "目的に照らし著しく不適当"
    entry = history_for(join_request).get(action="membership.join_request.refused")
    assert entry.data["grounds"] == "目的に照らし著しく不適当"
    assert "第8条第2項" in mail.outbox[0].body
    assert "目的に照らし著しく不適当" in mail.outbox[0].body


def test_refuse_needs_a_reason(secretariat_user):
    join_request = JoinRequestFactory(submitted=True)
    with pytest.raises(MembershipError, match="拒否の理由"):
        services.refuse_join_request(join_request, reason="", acting_user=secretariat_user)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED


@pytest.mark.parametrize("status", forbidden_sources(JoinRequestStatus.REFUSED))
def test_refuse_is_refused_from(status, secretariat_user):
    join_request = JoinRequestFactory(**STATUS_TRAITS[status])
    with pytest.raises(MembershipError, match="入会拒否"):
        services.refuse_join_request(join_request, reason="理由", acting_user=secretariat_user)
    join_request.refresh_from_db()
    assert join_request.status == status


def test_refusing_twice_changes_nothing(secretariat_user, django_capture_on_commit_callbacks):
    join_request = JoinRequestFactory(submitted=True)
    services.refuse_join_request(join_request, reason="一回目", acting_user=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.refuse_join_request(join_request, reason="二回目", acting_user=secretariat_user)
    assert callbacks == []
    join_request.refresh_from_db()
    assert join_request.refusal_reason == "一回目"
    assert history_for(join_request).filter(action="membership.join_request.refused").count() == 1


# --- drafts ------------------------------------------------------------------------------------


def test_a_draft_is_saved_with_gaps_and_edited_by_its_applicant_only():
    applicant = UserFactory()
    join_request = services.save_join_request_draft(acting_user=applicant, data={"name": "日本ものづくり協会"})
    assert join_request.status == JoinRequestStatus.DRAFT
    services.save_join_request_draft(
        acting_user=applicant,
        join_request=join_request,
        data={"name": "日本ものづくり協会", "contact_phone": "０３-１２３４-５６７８"},
    )
    join_request.refresh_from_db()
    assert join_request.contact_phone == "03-1234-5678"
    assert history_for(join_request).filter(action="membership.join_request.updated").count() == 1
    with pytest.raises(MembershipError):
        services.save_join_request_draft(
            acting_user=UserFactory(), join_request=join_request, data={"name": "乗っ取り"}
        )


def test_a_submitted_request_can_no_longer_be_edited():
    join_request = JoinRequestFactory(submitted=True)
    with pytest.raises(MembershipError, match="編集できません"):
        services.save_join_request_draft(
            acting_user=join_request.applicant, join_request=join_request, data={"name": "別名"}
        )
