"""The secretariat's review in the Django admin: filters, confirmation pages, bulk actions, permissions."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from membership.constants import JoinRequestStatus, MemberStatus
from membership.models import Member
from membership.services import record_change_notification

from .factories import JoinRequestFactory, MemberFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:membership_joinrequest_changelist")
MEMBERS = reverse("admin:membership_member_changelist")


@pytest.fixture
def secretariat_client(client, secretariat_user, enable_totp):
    enable_totp(secretariat_user)
    client.force_login(secretariat_user)
    return client


def act(client, url, action, objects, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [str(obj.pk) for obj in objects], **data}
    return client.post(url, payload, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_filters_by_status_type_and_age(secretariat_client):
    old = JoinRequestFactory(submitted=True, name="古い届出")
    old.submitted_at = timezone.now() - datetime.timedelta(days=40)
    old.save()
    JoinRequestFactory(submitted=True, name="新しい届出", organization_type="other")
    body = secretariat_client.get(CHANGELIST + "?age=older").content.decode()
    assert "古い届出" in body
    assert "新しい届出" not in body
    body = secretariat_client.get(CHANGELIST + "?organization_type__exact=other").content.decode()
    assert "新しい届出" in body
    assert "古い届出" not in body
    body = secretariat_client.get(CHANGELIST + "?status__exact=submitted").content.decode()
    assert "提出からの日数" in body


def test_asking_for_information_goes_through_a_confirmation_page(
    secretariat_client, django_capture_on_commit_callbacks
):
    join_request = JoinRequestFactory(submitted=True)
    page = act(secretariat_client, CHANGELIST, "request_information_selected", [join_request])
    assert "届出者への依頼内容" in page.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED  # nothing happens before confirmation

    empty = act(
        secretariat_client, CHANGELIST, "request_information_selected", [join_request], apply="yes", message=""
    )
    assert "この項目は必須です。" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = act(
            secretariat_client,
            CHANGELIST,
            "request_information_selected",
            [join_request],
            apply="yes",
            message="定款を",
        )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.INFO_REQUESTED
    assert any("1件" in message for message in messages_of(done))
    assert len(mail.outbox) == 1


def test_bulk_admission_skips_requests_that_cannot_be_admitted(secretariat_client, django_capture_on_commit_callbacks):
    first = JoinRequestFactory(submitted=True, name="第一団体")
    second = JoinRequestFactory(submitted=True, name="第二団体")
    draft = JoinRequestFactory(name="下書き団体")
    page = act(secretariat_client, CHANGELIST, "approve_selected", [first, second, draft])
    body = page.content.decode()
    assert "「下書き団体」は「下書き」のため、この操作の対象外です。" in body
    assert f"number_{first.pk}" in body
    assert f"number_{draft.pk}" not in body
    with django_capture_on_commit_callbacks(execute=True):
        done = act(
            secretariat_client,
            CHANGELIST,
            "approve_selected",
            [first, second],
            apply="yes",
            joined_on="2026-11-22",
            **{f"number_{first.pk}": "0101", f"number_{second.pk}": "0102"},
        )
    assert done.status_code == 200
    assert Member.objects.get(join_request=first).membership_number == "0101"
    assert Member.objects.get(join_request=second).membership_number == "0102"
    draft.refresh_from_db()
    assert draft.status == JoinRequestStatus.DRAFT
    assert len(mail.outbox) == 2


def test_the_same_number_for_two_requests_is_refused(secretariat_client):
    first, second = JoinRequestFactory(submitted=True), JoinRequestFactory(submitted=True)
    page = act(
        secretariat_client,
        CHANGELIST,
        "approve_selected",
        [first, second],
        apply="yes",
        joined_on="2026-11-22",
        **{f"number_{first.pk}": "5", f"number_{second.pk}": "５"},
    )
    assert "同じ構成員番号が重複しています。" in page.content.decode()
    assert not Member.objects.filter(membership_number="5").exists()


def test_refusal_needs_a_reason(secretariat_client):
    join_request = JoinRequestFactory(submitted=True)
    act(secretariat_client, CHANGELIST, "refuse_selected", [join_request], apply="yes", reason="")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED
    act(secretariat_client, CHANGELIST, "refuse_selected", [join_request], apply="yes", reason="不適当")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.REFUSED


def test_an_action_on_only_forbidden_rows_changes_nothing_and_says_why(secretariat_client):
    refused = JoinRequestFactory(refused=True, name="拒否済み団体")
    response = act(secretariat_client, CHANGELIST, "approve_selected", [refused])
    assert "「拒否済み団体」は「入会拒否」のため、この操作の対象外です。" in messages_of(response)
    refused.refresh_from_db()
    assert refused.status == JoinRequestStatus.REFUSED


def test_the_change_page_shows_the_history(secretariat_client, secretariat_user):
    join_request = JoinRequestFactory(submitted=True)
    act(secretariat_client, CHANGELIST, "refuse_selected", [join_request], apply="yes", reason="目的外の活動")
    body = secretariat_client.get(reverse("admin:membership_joinrequest_change", args=[join_request.pk])).content
    body = body.decode()
    assert "入会を拒否" in body
    assert "目的外の活動" in body
    assert "審査中 → 入会拒否" in body


def test_expulsion_through_the_admin(secretariat_client):
    member = MemberFactory(name="除名対象")
    meti = Member.objects.get(name="経済産業省")
    page = act(secretariat_client, MEMBERS, "expel_selected", [member, meti])
    body = page.content.decode()
    assert "「経済産業省」は第2条第1号・第2号の構成員のため、除名できません(第11条)。" in body
    act(secretariat_client, MEMBERS, "expel_selected", [member], apply="yes", reason="", decided_on="2026-11-22")
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE
    act(
        secretariat_client,
        MEMBERS,
        "expel_selected",
        [member],
        apply="yes",
        reason="虚偽報告",
        decided_on="2026-11-22",
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.EXPELLED
    assert member.left_on == datetime.date(2026, 11, 22)
    assert Member.objects.get(pk=meti.pk).status == MemberStatus.ACTIVE


def test_registering_a_corporation_in_the_admin(secretariat_client):
    url = reverse("admin:membership_member_register_corporation")
    listing = secretariat_client.get(MEMBERS).content.decode()
    for link in (url, reverse("membership:export_csv"), reverse("membership:export_xlsx")):
        assert f'href="{link}"' in listing
    assert "登録番号" in secretariat_client.get(url).content.decode()
    response = secretariat_client.post(
        url, {"name": "一般社団法人 登録法人", "registration_number": "１２３", "registered_on": "2025-04-01"}
    )
    member = Member.objects.get(registration_number="123")
    assert response.status_code == 302
    assert member.category.number == 3


def test_a_corporation_s_address_is_confirmed_before_it_is_registered(secretariat_client):
    url = reverse("admin:membership_member_register_corporation")
    data = {
        "name": "一般社団法人 製造業支援機構", "registration_number": "456", "registered_on": "2025-04-01",
        "postal_code": "１９０－００１２", "address": "東京都立川市曙町2丁目1番1号",
    }
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    assert "東京都立川市" in response.content.decode()
    assert not Member.objects.filter(registration_number="456").exists()
    response = secretariat_client.post(url, {**data, "address_confirmed": "132021"})
    assert response.status_code == 302
    member = Member.objects.get(registration_number="456")
    assert member.postal_code == "190-0012"


def test_the_change_notification_page_shows_a_diff_and_is_acknowledged(secretariat_client):
    member = MemberFactory(address="旧住所")
    notification = record_change_notification(
        member, changes={"address": "新住所"}, effective_on=datetime.date(2026, 1, 1), acting_user=member.user
    )
    body = secretariat_client.get(
        reverse("admin:membership_changenotification_change", args=[notification.pk])
    ).content.decode()
    assert "<del>旧住所</del>" in body
    assert "<ins>新住所</ins>" in body
    act(
        secretariat_client,
        reverse("admin:membership_changenotification_changelist"),
        "acknowledge_selected",
        [notification],
        apply="yes",
        effective_on="",
    )
    member.refresh_from_db()
    assert member.address == "新住所"


def test_confirming_a_withdrawal_notice(secretariat_client, client):
    from membership.services import file_withdrawal_notice

    member = MemberFactory()
    notice = file_withdrawal_notice(member, acting_user=member.user)
    act(
        secretariat_client,
        reverse("admin:membership_withdrawalnotice_changelist"),
        "confirm_selected",
        [notice],
        apply="yes",
        effective_on="2026-11-30",
    )
    member.refresh_from_db()
    assert member.status == MemberStatus.WITHDRAWN
    assert member.left_on == datetime.date(2026, 11, 30)


def test_only_the_secretariat_decides(client, make_user, enable_totp):
    other_staff = make_user("staff@example.jp", is_staff=True)
    enable_totp(other_staff)
    client.force_login(other_staff)
    join_request = JoinRequestFactory(submitted=True)
    response = client.post(
        CHANGELIST,
        {"action": "refuse_selected", ACTION_CHECKBOX_NAME: [str(join_request.pk)], "apply": "yes", "reason": "x"},
    )
    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED


def test_an_applicant_cannot_reach_the_admin(client):
    join_request = JoinRequestFactory(submitted=True)
    client.force_login(join_request.applicant)
    response = client.post(
        CHANGELIST,
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [str(join_request.pk)], "apply": "yes",
         "joined_on": "2026-11-22", f"number_{join_request.pk}": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED


def test_the_change_page_offers_only_the_allowed_decisions(secretariat_client):
    submitted = JoinRequestFactory(submitted=True)
    body = secretariat_client.get(reverse("admin:membership_joinrequest_change", args=[submitted.pk])).content.decode()
    assert 'value="approve_selected"' in body
    assert 'value="refuse_selected"' in body
    refused = JoinRequestFactory(refused=True)
    body = secretariat_client.get(reverse("admin:membership_joinrequest_change", args=[refused.pk])).content.decode()
    assert 'value="approve_selected"' not in body
    meti = Member.objects.get(name="経済産業省")
    body = secretariat_client.get(reverse("admin:membership_member_change", args=[meti.pk])).content.decode()
    assert 'value="withdraw_selected"' in body
    assert 'value="expel_selected"' not in body
    # The button leads to the same confirmation page as the list's action.
    page = secretariat_client.post(
        CHANGELIST, {"action": "refuse_selected", ACTION_CHECKBOX_NAME: [str(submitted.pk)]}
    )
    assert "拒否の理由" in page.content.decode()


def test_the_secretariat_assigns_a_user_to_a_registered_corporation(secretariat_client, make_user):
    corporation = MemberFactory(corporation=True)
    make_user("jaim@example.jp")
    page = act(secretariat_client, MEMBERS, "assign_user_selected", [corporation], apply="yes", email="nobody@x.jp")
    assert "このメールアドレスの利用者は登録されていません。" in page.content.decode()
    act(secretariat_client, MEMBERS, "assign_user_selected", [corporation], apply="yes", email="ＪＡＩＭ@example.jp")
    corporation.refresh_from_db()
    assert corporation.user.email == "jaim@example.jp"
