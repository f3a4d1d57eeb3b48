"""Member transitions (registration, change, withdrawal, expulsion), each tested three ways."""

import datetime

import pytest
from django.core import mail

from accounts.audit import history_for
from membership import selectors, services
from membership.constants import (
    TRANSITIONS,
    ChangeNotificationStatus,
    ExpulsionGround,
    MemberStatus,
    WithdrawalNoticeStatus,
)
from membership.models import ChangeNotification, Member
from membership.services import MembershipError

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
MEMBER_TRAITS = {
    MemberStatus.ACTIVE: {},
    MemberStatus.WITHDRAWN: {"withdrawn": True},
    MemberStatus.EXPELLED: {"expelled": True},
}


def forbidden_member_sources(target: str) -> list[str]:
    return [s for s, allowed in TRANSITIONS["member"].items() if target not in allowed and s != target]


def test_the_seeded_government_members_are_in_the_directory():
    names = {(m.category.number, m.name) for m in selectors.member_directory(today=TODAY)}
    assert {(1, "経済産業省"), (2, "法務省"), (2, "警察庁"), (2, "外務省"), (2, "厚生労働省")} <= names


# --- category 3 registration -------------------------------------------------------------------


def test_register_corporation_makes_a_category_3_member(secretariat_user):
    member = services.register_corporation(
        name="一般社団法人 工業製品製造技能人材機構",
        registration_number="第００１号",
        registered_on=datetime.date(2025, 4, 1),
        address="東京都千代田区",
        acting_user=secretariat_user,
    )
    assert member.category.number == 3
    assert member.registration_number == "第001号"
    assert member.joined_on == datetime.date(2025, 4, 1)
    assert member.join_request is None
    entry = history_for(member).get(action="membership.member.registered")
    assert entry.actor == secretariat_user
    assert entry.data["to"] == "active"
    assert member in selectors.member_directory(today=TODAY)


def test_a_registration_number_belongs_to_one_corporation(secretariat_user):
    services.register_corporation(
        name="法人A", registration_number="R-1", registered_on=TODAY, acting_user=secretariat_user
    )
    with pytest.raises(MembershipError, match="既に「法人A」に使われています"):
        services.register_corporation(
            name="法人B", registration_number="R-1", registered_on=TODAY, acting_user=secretariat_user
        )
    assert not Member.objects.filter(name="法人B").exists()


def test_registering_twice_returns_the_same_member(secretariat_user):
    first = services.register_corporation(
        name="法人A", registration_number="R-1", registered_on=TODAY, acting_user=secretariat_user
    )
    again = services.register_corporation(
        name="法人A", registration_number="R-1", registered_on=TODAY, acting_user=secretariat_user
    )
    assert again.pk == first.pk
    assert history_for(first).filter(action="membership.member.registered").count() == 1


# --- change notification (Art. 9) --------------------------------------------------------------


def test_a_change_is_filed_then_acknowledged_and_applied(secretariat_user, django_capture_on_commit_callbacks):
    member = MemberFactory(address="旧住所")
    notification = services.record_change_notification(
        member,
        changes={"address": "新住所", "contact_phone": "０４２-５００-１１１１", "name": member.name},
        effective_on=TODAY,
        acting_user=member.user,
    )
    assert notification.changes == {"address": "新住所", "contact_phone": "042-500-1111"}
    assert notification.previous == {"address": "旧住所", "contact_phone": "042-500-0000"}
    member.refresh_from_db()
    assert member.address == "旧住所"  # nothing changes before the secretariat acknowledges it

    with django_capture_on_commit_callbacks(execute=True):
        services.acknowledge_change_notification(notification, acting_user=secretariat_user, today=TODAY)
    notification.refresh_from_db()
    member.refresh_from_db()
    assert notification.status == ChangeNotificationStatus.ACKNOWLEDGED
    assert notification.applied_at is not None
    assert member.address == "新住所"
    assert member.contact_phone == "042-500-1111"
    changed = history_for(member).get(action="membership.member.changed")
    assert changed.data["from"] == {"address": "旧住所", "contact_phone": "042-500-0000"}
    assert changed.data["to"] == {"address": "新住所", "contact_phone": "042-500-1111"}
    assert len(mail.outbox) == 1
    assert "所在地: 新住所" in mail.outbox[0].body


def test_a_future_change_applies_on_its_effective_date_once(secretariat_user):
    member = MemberFactory(address="旧住所")
    notification = services.record_change_notification(
        member,
        changes={"address": "新住所"},
        effective_on=TODAY + datetime.timedelta(days=10),
        acting_user=member.user,
    )
    services.acknowledge_change_notification(notification, acting_user=secretariat_user, today=TODAY)
    member.refresh_from_db()
    assert member.address == "旧住所"
    assert services.apply_due_change_notifications(today=TODAY + datetime.timedelta(days=9)) == 0
    assert services.apply_due_change_notifications(today=TODAY + datetime.timedelta(days=10)) == 1
    assert services.apply_due_change_notifications(today=TODAY + datetime.timedelta(days=10)) == 0  # twice
    member.refresh_from_db()
    assert member.address == "新住所"
    assert history_for(member).filter(action="membership.member.changed").count() == 1


def test_a_change_without_any_difference_is_refused():
    member = MemberFactory()
    with pytest.raises(MembershipError, match="変更された項目がありません"):
        services.record_change_notification(
            member, changes={"address": member.address}, effective_on=TODAY, acting_user=member.user
        )


@pytest.mark.parametrize("traits", [{"withdrawn": True}, {"expelled": True}, {"corporation": True}])
def test_a_change_is_refused_for(traits):
    member = MemberFactory(**traits)
    with pytest.raises(MembershipError):
        services.record_change_notification(
            member, changes={"address": "新住所"}, effective_on=TODAY, acting_user=member.user
        )
    assert not ChangeNotification.objects.filter(member=member).exists()


def test_filing_the_same_change_twice_keeps_one_notification():
    member = MemberFactory()
    first = services.record_change_notification(member, changes={"address": "新住所"}, effective_on=TODAY,
                                                acting_user=member.user)  # fmt: skip
    again = services.record_change_notification(member, changes={"address": "新住所"}, effective_on=TODAY,
                                                acting_user=member.user)  # fmt: skip
    assert again.pk == first.pk
    assert member.change_notifications.count() == 1


def test_acknowledging_twice_changes_nothing(secretariat_user, django_capture_on_commit_callbacks):
    member = MemberFactory()
    notification = services.record_change_notification(member, changes={"address": "新住所"}, effective_on=TODAY,
                                                       acting_user=member.user)  # fmt: skip
    services.acknowledge_change_notification(notification, acting_user=secretariat_user, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.acknowledge_change_notification(notification, acting_user=secretariat_user, today=TODAY)
    assert callbacks == []
    assert history_for(member).filter(action="membership.member.changed").count() == 1


def test_a_change_of_a_member_who_left_cannot_be_acknowledged(secretariat_user):
    member = MemberFactory()
    notification = services.record_change_notification(member, changes={"address": "新住所"}, effective_on=TODAY,
                                                       acting_user=member.user)  # fmt: skip
    services.expel_member(member, reason="理由", decided_on=TODAY, acting_user=secretariat_user)
    with pytest.raises(MembershipError, match="構成員でなくなった"):
        services.acknowledge_change_notification(notification, acting_user=secretariat_user, today=TODAY)
    notification.refresh_from_db()
    assert notification.status == ChangeNotificationStatus.SUBMITTED


# --- withdrawal (Art. 10) ----------------------------------------------------------------------


def test_withdrawal_is_filed_then_confirmed_with_a_date(secretariat_user, django_capture_on_commit_callbacks):
    member = MemberFactory()
    notice = services.file_withdrawal_notice(member, reason="事業の終了", acting_user=member.user)
    assert member in selectors.member_directory(today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_membership(member, effective_on=TODAY, acting_user=secretariat_user)
    member.refresh_from_db()
    notice.refresh_from_db()
    assert member.status == MemberStatus.WITHDRAWN
    assert member.left_on == TODAY
    assert notice.status == WithdrawalNoticeStatus.CONFIRMED
    assert notice.effective_on == TODAY
    entry = history_for(member).get(action="membership.member.withdrawn")
    assert (entry.data["from"], entry.data["to"], entry.data["grounds"]) == ("active", "withdrawn", "事業の終了")
    assert member not in selectors.member_directory(today=TODAY)
    assert member in selectors.member_directory(today=TODAY - datetime.timedelta(days=1))
    assert "2026年11月22日" in mail.outbox[0].body


def test_a_government_member_may_withdraw_too(secretariat_user):
    ministry = Member.objects.get(name="外務省")
    services.withdraw_membership(ministry, effective_on=TODAY, acting_user=secretariat_user)
    assert Member.objects.get(pk=ministry.pk).status == MemberStatus.WITHDRAWN


@pytest.mark.parametrize("status", forbidden_member_sources(MemberStatus.WITHDRAWN))
def test_withdrawal_is_refused_from(status, secretariat_user):
    member = MemberFactory(**MEMBER_TRAITS[status])
    with pytest.raises(MembershipError, match="「退会」にはできません"):
        services.withdraw_membership(member, effective_on=TODAY, acting_user=secretariat_user)
    with pytest.raises(MembershipError, match="退会を届け出ることができません"):
        services.file_withdrawal_notice(member, acting_user=member.user)
    assert Member.objects.get(pk=member.pk).status == status


def test_withdrawing_twice_changes_nothing(secretariat_user, django_capture_on_commit_callbacks):
    member = MemberFactory()
    first_notice = services.file_withdrawal_notice(member, acting_user=member.user)
    assert services.file_withdrawal_notice(member, acting_user=member.user).pk == first_notice.pk
    services.withdraw_membership(member, effective_on=TODAY, acting_user=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.withdraw_membership(
            member, effective_on=TODAY + datetime.timedelta(days=5), acting_user=secretariat_user
        )
    assert callbacks == []
    assert Member.objects.get(pk=member.pk).left_on == TODAY


# --- expulsion (Art. 11) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traits", "ground"),
    [({}, ExpulsionGround.AGAINST_PURPOSE), ({"corporation": True}, ExpulsionGround.NOTICE_ARTICLE_10)],
)
def test_expel_records_the_ground_of_the_category(
    traits, ground, secretariat_user, django_capture_on_commit_callbacks
):
    member = MemberFactory(**traits, contact_email="member@example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        services.expel_member(member, reason="虚偽の報告を繰り返した", decided_on=TODAY, acting_user=secretariat_user)
    member.refresh_from_db()
    assert member.status == MemberStatus.EXPELLED
    assert member.expulsion_ground == ground
    assert member.expulsion_reason == "虚偽の報告を繰り返した"
    assert member.left_on == TODAY
    entry = history_for(member).get(action="membership.member.expelled")
    assert entry.data["grounds"] == "虚偽の報告を繰り返した"
    assert entry.data["ground"] == ground
    assert entry.actor == secretariat_user
    assert member not in selectors.member_directory(today=TODAY)
    assert "member@example.jp" in mail.outbox[0].to
    assert "虚偽の報告を繰り返した" in mail.outbox[0].body


@pytest.mark.parametrize("name", ["経済産業省", "法務省"])
def test_categories_1_and_2_cannot_be_expelled(name, secretariat_user):
    member = Member.objects.get(name=name)
    with pytest.raises(MembershipError, match="除名できません"):
        services.expel_member(member, reason="理由", decided_on=TODAY, acting_user=secretariat_user)


def test_expel_needs_grounds_and_a_date(secretariat_user):
    member = MemberFactory()
    with pytest.raises(MembershipError, match="除名の理由"):
        services.expel_member(member, reason=" ", decided_on=TODAY, acting_user=secretariat_user)
    with pytest.raises(MembershipError, match="決定日"):
        services.expel_member(member, reason="理由", decided_on=None, acting_user=secretariat_user)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


@pytest.mark.parametrize("status", forbidden_member_sources(MemberStatus.EXPELLED))
def test_expel_is_refused_from(status, secretariat_user):
    member = MemberFactory(**MEMBER_TRAITS[status])
    with pytest.raises(MembershipError, match="「除名」にはできません"):
        services.expel_member(member, reason="理由", decided_on=TODAY, acting_user=secretariat_user)
    assert Member.objects.get(pk=member.pk).status == status


def test_expelling_twice_changes_nothing(secretariat_user, django_capture_on_commit_callbacks):
    member = MemberFactory()
    services.expel_member(member, reason="一回目", decided_on=TODAY, acting_user=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.expel_member(member, reason="二回目", decided_on=TODAY, acting_user=secretariat_user)
    assert callbacks == []
    assert Member.objects.get(pk=member.pk).expulsion_reason == "一回目"


def test_the_daily_task_applies_due_changes_and_is_safe_to_run_twice(secretariat_user):
    from membership.tasks import apply_due_change_notifications

    member = MemberFactory(address="旧住所")
    notification = services.record_change_notification(
        member, changes={"address": "新住所"}, effective_on=datetime.date(2020, 1, 1), acting_user=member.user
    )
    ChangeNotification.objects.filter(pk=notification.pk).update(status=ChangeNotificationStatus.ACKNOWLEDGED)
    assert apply_due_change_notifications.run() == 1
    assert apply_due_change_notifications.run() == 0
    member.refresh_from_db()
    assert member.address == "新住所"


def test_a_notice_for_a_member_already_withdrawn_is_closed_with_the_standing_date(secretariat_user):
    member = MemberFactory()
    notice = services.file_withdrawal_notice(member, acting_user=member.user)
    # The secretariat recorded the withdrawal from a paper notice, without the portal's notice.
    services.withdraw_membership(member, effective_on=TODAY, acting_user=secretariat_user, notice=None)
    notice.refresh_from_db()
    assert notice.status == WithdrawalNoticeStatus.CONFIRMED  # the pending notice was picked up
    later = MemberFactory()
    stray = services.file_withdrawal_notice(later, acting_user=later.user)
    services.withdraw_membership(later, effective_on=TODAY, acting_user=secretariat_user, notice=stray)
    services.withdraw_membership(later, effective_on=TODAY + datetime.timedelta(days=3), acting_user=secretariat_user,
                                 notice=stray)  # fmt: skip
    stray.refresh_from_db()
    assert stray.effective_on == TODAY
    assert history_for(stray).filter(action="membership.withdrawal_notice.confirmed").count() == 1


def test_an_untitled_draft_has_a_readable_name():
    from membership.models import JoinRequest

    assert str(JoinRequest(name="")) == "(名称未入力)"


def test_the_agencies_are_listed_in_the_order_of_article_2():
    agencies = [m.name for m in selectors.member_directory(today=TODAY) if m.category.number == 2]
    assert agencies == ["法務省", "警察庁", "外務省", "厚生労働省"]


# --- who files for a member --------------------------------------------------------------------


def test_a_user_is_assigned_to_a_government_member_and_files_its_withdrawal(secretariat_user):
    from .factories import UserFactory

    ministry = Member.objects.get(name="警察庁")
    officer = UserFactory(email="officer@example.jp")
    services.assign_member_user(ministry, user=officer, acting_user=secretariat_user)
    entry = history_for(ministry).get(action="membership.member.user_assigned")
    assert (entry.data["from"], entry.data["to"]) == (None, "officer@example.jp")
    assert list(selectors.member_list_for_user(officer)) == [ministry]
    notice = services.file_withdrawal_notice(ministry, acting_user=officer)
    assert notice.filed_by == officer


@pytest.mark.parametrize("status", [MemberStatus.WITHDRAWN, MemberStatus.EXPELLED])
def test_no_user_is_assigned_to_a_former_member(status, secretariat_user):
    from .factories import UserFactory

    member = MemberFactory(**MEMBER_TRAITS[status])
    with pytest.raises(MembershipError, match="利用者を設定できません"):
        services.assign_member_user(member, user=UserFactory(), acting_user=secretariat_user)


def test_assigning_the_same_user_twice_changes_nothing(secretariat_user):
    member = MemberFactory()
    services.assign_member_user(member, user=member.user, acting_user=secretariat_user)
    assert not history_for(member).filter(action="membership.member.user_assigned").exists()
