"""The applicant's and member's pages, the public directory and the exports, through the test client."""

import csv
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from membership import services
from membership.constants import CHANGEABLE_FIELDS, ChangeNotificationStatus, JoinRequestStatus, WithdrawalNoticeStatus
from membership.models import JoinRequest, JoinRequestAttachment

from .factories import JoinRequestFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def complete_form(**overrides) -> dict:
    data = {
        "organization_type": "economic",
        "name": "一般社団法人 ものづくり振興会",
        "postal_code": "１００-００１３",
        "address": "東京都千代田区霞が関一丁目3番1号",
        "address_confirmed": "131016",
        "representative_name": "山田 太郎",
        "contact_department": "事務局",
        "contact_name": "鈴木 一郎",
        "contact_email": "Suzuki@Example.JP",
        "contact_phone": "０３-１２３４-５６７８",
        "agrees_with_purpose": "on",
        "cooperation": "会員企業への周知",
        "action": "submit",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def applicant():
    return UserFactory(email="applicant@example.jp")


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def secretariat_client(client, secretariat_user, enable_totp):
    enable_totp(secretariat_user)
    client.force_login(secretariat_user)
    return client


def test_the_join_request_needs_a_signed_in_user(client):
    response = client.get(reverse("membership:join_request_create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_draft_is_saved_with_gaps(applicant_client, applicant):
    response = applicant_client.post(
        reverse("membership:join_request_create"), {"name": "下書き協会", "action": "save"}
    )
    join_request = JoinRequest.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert join_request.status == JoinRequestStatus.DRAFT
    page = applicant_client.get(reverse("membership:join_request_detail", args=[join_request.pk])).content.decode()
    assert "下書き" in page
    assert "代表者氏名" in page  # listed among what is still missing


def test_a_complete_request_is_submitted_with_its_pdf(applicant_client, applicant):
    upload = SimpleUploadedFile("定款.pdf", PDF, content_type="application/pdf")
    response = applicant_client.post(reverse("membership:join_request_create"), complete_form(attachments=[upload]))
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(applicant=applicant)
    assert join_request.status == JoinRequestStatus.SUBMITTED
    assert join_request.postal_code == "100-0013"
    assert join_request.contact_phone == "03-1234-5678"
    assert join_request.contact_email == "suzuki@example.jp"
    attachment = join_request.attachments.get()
    assert attachment.original_name == "定款.pdf"
    download = applicant_client.get(reverse("membership:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("name.pdf", b"PK\x03\x04 a zip file", "PDFファイルではありません"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "10.0\xa0MB"),
        ("empty.pdf", b"", "空のファイル"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_written(applicant_client, applicant, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = applicant_client.post(reverse("membership:join_request_create"), complete_form(attachments=[upload]))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body or (name == "empty.pdf" and "空" in body)
    assert not JoinRequest.objects.filter(applicant=applicant).exists()
    assert not JoinRequestAttachment.objects.exists()


def test_submitting_an_incomplete_request_shows_japanese_errors(applicant_client, applicant):
    response = applicant_client.post(
        reverse("membership:join_request_create"), complete_form(name="", agrees_with_purpose=None)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "提出するにはこの項目が必要です。" in body
    assert "目的への賛同が必要です" in body
    assert not JoinRequest.objects.filter(applicant=applicant).exists()


def test_a_local_government_picks_its_municipality(applicant_client, applicant, tachikawa):
    response = applicant_client.post(
        reverse("membership:join_request_create"),
        complete_form(organization_type="local_government", name="立川市", municipality=str(tachikawa.pk)),
    )
    assert response.status_code == 302
    assert JoinRequest.objects.get(applicant=applicant).municipality == tachikawa


def test_a_local_government_without_municipality_or_prefecture_is_asked_for_one(applicant_client, applicant):
    response = applicant_client.post(
        reverse("membership:join_request_create"), complete_form(organization_type="local_government")
    )
    assert "市区町村または都道府県を選んでください" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_the_applicant_answers_and_resubmits(applicant_client, applicant):
    join_request = JoinRequestFactory(applicant=applicant, info_requested=True)
    edit_url = reverse("membership:join_request_edit", args=[join_request.pk])
    page = applicant_client.get(edit_url).content.decode()
    assert "定款を添付してください。" in page
    response = applicant_client.post(edit_url, complete_form(name=join_request.name))
    assert "事務局からの依頼への回答を入力してください。" in response.content.decode()
    response = applicant_client.post(edit_url, complete_form(name=join_request.name, applicant_answer="添付しました"))
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.SUBMITTED
    assert join_request.applicant_answer == "添付しました"


def test_a_submitted_request_is_not_editable(applicant_client, applicant):
    join_request = JoinRequestFactory(applicant=applicant, submitted=True)
    response = applicant_client.post(
        reverse("membership:join_request_edit", args=[join_request.pk]), complete_form(name="別名")
    )
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.name != "別名"


def test_an_applicant_sees_only_its_own_requests(applicant_client):
    other = JoinRequestFactory(submitted=True, name="他団体の届出")
    attachment = JoinRequestAttachment.objects.create(
        join_request=other, file=SimpleUploadedFile("x.pdf", PDF), original_name="x.pdf", size=len(PDF)
    )
    for name in ("membership:join_request_detail", "membership:join_request_edit"):
        assert applicant_client.get(reverse(name, args=[other.pk])).status_code == 404
    assert applicant_client.get(reverse("membership:attachment_download", args=[attachment.pk])).status_code == 404
    assert "他団体の届出" not in applicant_client.get(reverse("membership:mine")).content.decode()


def test_the_secretariat_downloads_any_attachment(secretariat_client):
    other = JoinRequestFactory(submitted=True)
    attachment = JoinRequestAttachment.objects.create(
        join_request=other, file=SimpleUploadedFile("x.pdf", PDF), original_name="x.pdf", size=len(PDF)
    )
    assert secretariat_client.get(reverse("membership:attachment_download", args=[attachment.pk])).status_code == 200


# --- members -----------------------------------------------------------------------------------


def test_a_member_files_a_change(client):
    member = MemberFactory(address="旧住所")
    client.force_login(member.user)
    url = reverse("membership:member_change", args=[member.pk])
    assert "旧住所" in client.get(url).content.decode()
    data = {field: getattr(member, field) for field in CHANGEABLE_FIELDS}  # the form comes prefilled
    new_address = "東京都立川市曙町二丁目2番2号"
    data.update(address=new_address, contact_phone="０４２-１１１-２２２２", effective_on="２０２６/１２/０１")
    # Without JavaScript the new address's municipality is shown first, and saved on the second submit.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "東京都立川市" in response.content.decode()
    response = client.post(url, {**data, "address_confirmed": "132021"})
    assert response.status_code == 302
    notification = member.change_notifications.get()
    assert notification.status == ChangeNotificationStatus.SUBMITTED
    assert notification.changes == {"address": new_address, "contact_phone": "042-111-2222"}
    assert notification.effective_on == datetime.date(2026, 12, 1)


def test_a_member_files_its_withdrawal(client):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(
        reverse("membership:member_withdraw", args=[member.pk]), {"reason": "解散", "confirm": "on"}
    )
    assert response.status_code == 302
    assert member.withdrawal_notices.get().status == WithdrawalNoticeStatus.SUBMITTED


def test_another_user_cannot_file_for_a_member(applicant_client):
    member = MemberFactory()
    assert applicant_client.get(reverse("membership:member_change", args=[member.pk])).status_code == 404
    assert (
        applicant_client.post(reverse("membership:member_withdraw", args=[member.pk]), {"confirm": "on"}).status_code
        == 404
    )
    assert not member.withdrawal_notices.exists()


def test_the_directory_lists_current_members_with_category_and_date(client, secretariat_user):
    active = MemberFactory(name="現役の団体", joined_on=datetime.date(2026, 4, 1))
    expelled = MemberFactory(name="除名された団体")
    services.expel_member(expelled, reason="理由", decided_on=datetime.date(2026, 5, 1), acting_user=secretariat_user)
    body = client.get(reverse("membership:directory")).content.decode()
    assert "現役の団体" in body
    assert "2026年4月1日" in body
    assert "(4) 地方公共団体、経済団体その他の団体" in body
    assert "経済産業省" in body
    assert "除名された団体" not in body
    assert client.get(reverse("membership:member_detail", args=[active.pk])).status_code == 200
    assert client.get(reverse("membership:member_detail", args=[expelled.pk])).status_code == 404


def test_the_council_home_links_to_the_directory(client):
    body = client.get(reverse("council:home")).content.decode()
    assert reverse("membership:directory") in body
    assert "第8条" in body
    assert "(3) 上乗せ基準告示第4条の登録を受けた法人" in body


# --- exports -----------------------------------------------------------------------------------


def test_the_csv_export_has_a_bom_and_every_member(secretariat_client):
    MemberFactory(name="=危険な名前", membership_number="0042")
    response = secretariat_client.get(reverse("membership:export_csv"))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["区分", "名称", "状態"]
    names = [row[1] for row in rows[1:]]
    assert "経済産業省" in names
    assert "'=危険な名前" in names  # a formula is never run by the spreadsheet


def test_the_xlsx_export_opens_in_openpyxl(secretariat_client):
    from openpyxl import load_workbook

    MemberFactory(name="エクセル協会")
    response = secretariat_client.get(reverse("membership:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "区分"
    assert "エクセル協会" in [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_only_the_secretariat_exports(applicant_client):
    assert applicant_client.get(reverse("membership:export_csv")).status_code == 404
    assert applicant_client.get(reverse("membership:export_xlsx")).status_code == 404


def test_the_same_blank_form_sent_twice_makes_one_request(applicant_client, applicant):
    form_page = applicant_client.get(reverse("membership:join_request_create")).content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f-]+)"', form_page).group(1)
    data = complete_form(submission_token=token)
    first = applicant_client.post(reverse("membership:join_request_create"), data)
    second = applicant_client.post(reverse("membership:join_request_create"), data)
    assert JoinRequest.objects.filter(applicant=applicant).count() == 1
    assert first["Location"] == second["Location"]


def test_a_draft_gains_and_loses_attachments(applicant_client, applicant):
    join_request = JoinRequestFactory(applicant=applicant)
    url = reverse("membership:join_request_edit", args=[join_request.pk])
    first = SimpleUploadedFile("一.pdf", PDF, content_type="application/pdf")
    applicant_client.post(url, complete_form(name=join_request.name, action="save", attachments=[first]))
    attachment = join_request.attachments.get()
    second = SimpleUploadedFile("二.pdf", PDF, content_type="application/pdf")
    applicant_client.post(
        url,
        complete_form(
            name=join_request.name, action="save", attachments=[second], remove_attachments=[str(attachment.pk)]
        ),
    )
    assert list(join_request.attachments.values_list("original_name", flat=True)) == ["二.pdf"]
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequestStatus.DRAFT
