"""Art. 3(2): requests to make the employers in chosen JSIC industries take the agreed measures."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from council import services
from council.constants import RequestKind, RequestStatus
from council.models import CorporationRequest, IndustryClass
from council.services import CouncilError
from tests.conftest import shot
from tests.membership.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

MEASURES_TEXT = "外国人材の受入れに当たり、協議・連絡会で合意した相談体制の整備を行うよう指導してください。"


@pytest.fixture
def metal():
    return IndustryClass.objects.create(code="2194", name="金属製品製造業")


@pytest.fixture
def machinery():
    return IndustryClass.objects.create(code="26", name="生産用機械器具製造業")


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=30)


def _measures(corporation, user, **kwargs):
    values = {
        "member": corporation,
        "kind": RequestKind.MEASURES,
        "description": MEASURES_TEXT,
        "deadline": _deadline(),
        "acting_user": user,
        **kwargs,
    }
    return services.send_corporation_request(**values)


# --- The configurable list ---------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("２１９４", "2194"), (" 26 ", "26"), ("２１９", "219")])
def test_a_code_in_full_width_digits_is_stored_half_width(typed, stored):
    industry = IndustryClass(code=typed, name="金属製品製造業")
    industry.full_clean()
    assert industry.code == stored
    assert industry.label == f"{stored} 金属製品製造業"


@pytest.mark.parametrize("typed", ["2", "12345", "２１９Ａ", "E21", "21-9", ""])
def test_a_code_that_is_not_two_to_four_digits_is_refused_in_japanese(typed):
    with pytest.raises(ValidationError) as caught:
        IndustryClass(code=typed, name="製造業").full_clean()
    assert "code" in caught.value.message_dict
    if typed:
        assert "数字2〜4桁" in " ".join(caught.value.message_dict["code"])


def test_the_secretariat_adds_an_industry_class_in_the_admin(client, secretariat_user):
    client.force_login(secretariat_user)
    url = reverse("admin:council_industryclass_add")
    assert client.get(url).status_code == 200
    for bad in ["12345", "21A", "1"]:
        response = client.post(url, {"code": bad, "name": "金属製品製造業", "is_active": "on"})
        assert response.status_code == 200
        assert "数字2〜4桁" in response.content.decode()
    assert not IndustryClass.objects.exists()
    response = client.post(url, {"code": "２１９４", "name": "金属製品製造業", "is_active": "on"})
    assert response.status_code == 302
    industry = IndustryClass.objects.get()
    assert (industry.code, industry.name, industry.is_active) == ("2194", "金属製品製造業", True)
    # The same code again is refused; the list cannot be deleted from, only deactivated.
    assert client.post(url, {"code": "2194", "name": "重複", "is_active": "on"}).status_code == 200
    assert IndustryClass.objects.count() == 1
    changelist = client.get(reverse("admin:council_industryclass_changelist"), {"q": "金属"})
    assert "2194" in changelist.content.decode()
    delete = client.get(reverse("admin:council_industryclass_delete", args=[industry.pk]))
    assert delete.status_code == 403
    # Each change leaves a history row with what changed; saving unchanged leaves none.
    added = AuditLog.objects.get(action="council.industry_class.saved")
    assert added.data == {"to": {"code": "2194", "name": "金属製品製造業", "is_active": True}}
    assert added.actor == secretariat_user
    change = reverse("admin:council_industryclass_change", args=[industry.pk])
    assert client.post(change, {"code": "2194", "name": "金属製品製造業"}).status_code == 302  # deactivated
    industry.refresh_from_db()
    assert industry.is_active is False
    rows = list(AuditLog.objects.filter(action="council.industry_class.saved").order_by("pk"))
    assert len(rows) == 2
    assert rows[1].data["from"]["is_active"] is True
    assert rows[1].data["to"]["is_active"] is False
    assert client.post(change, {"code": "2194", "name": "金属製品製造業"}).status_code == 302
    assert AuditLog.objects.filter(action="council.industry_class.saved").count() == 2


# --- The rules of the service ------------------------------------------------------------------


def test_a_measures_request_needs_an_industry(corporation, secretariat_user, organization):
    with pytest.raises(CouncilError, match="業種\\(日本標準産業分類\\)を1つ以上選んでください"):
        _measures(corporation, secretariat_user, employers=[organization])
    assert not CorporationRequest.objects.exists()


def test_a_measures_request_refuses_an_inactive_industry(corporation, secretariat_user, metal, machinery):
    machinery.is_active = False
    machinery.save(update_fields=["is_active"])
    with pytest.raises(CouncilError, match="26 生産用機械器具製造業"):
        _measures(corporation, secretariat_user, industries=[metal, machinery])
    # A stale instance still marked active is read again and refused.
    stale = IndustryClass.objects.get(pk=metal.pk)
    IndustryClass.objects.filter(pk=metal.pk).update(is_active=False)
    with pytest.raises(CouncilError, match="現在使われていない"):
        _measures(corporation, secretariat_user, industries=[stale])
    assert not CorporationRequest.objects.exists()


@pytest.mark.parametrize("kind", [RequestKind.GUIDANCE, RequestKind.INSPECTION])
def test_other_kinds_refuse_industries_and_still_need_employers(
    corporation, secretariat_user, organization, metal, kind
):
    with pytest.raises(CouncilError, match="業種の指定は、合意した措置の実施の依頼にだけ使えます"):
        _measures(corporation, secretariat_user, kind=kind, employers=[organization], industries=[metal])
    with pytest.raises(CouncilError, match="特定技能所属機関を1つ以上"):
        _measures(corporation, secretariat_user, kind=kind)
    assert not CorporationRequest.objects.exists()


def test_a_measures_request_with_industries_only_is_sent_seen_and_answered(
    corporation, secretariat_user, metal, machinery, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _measures(corporation, secretariat_user, industries=[metal, machinery])
    assert request.status == RequestStatus.SENT
    assert request.kind == RequestKind.MEASURES
    assert request.employer_labels() == []
    assert request.industry_labels() == ["2194 金属製品製造業", "26 生産用機械器具製造業"]
    sent = AuditLog.objects.get(action="council.corporation_request.sent")
    assert sent.data["industries"] == ["2194", "26"]
    assert sent.data["kind"] == "measures"

    [message] = mail.outbox
    assert set(message.to) == {corporation.contact_email, "jaim@example.jp"}
    assert "合意した措置の実施" in message.subject
    assert "第3条第2項" in message.body
    assert "- 2194 金属製品製造業" in message.body
    assert "- 26 生産用機械器具製造業" in message.body
    assert MEASURES_TEXT in message.body
    assert "第3条第1項" not in message.body
    html = message.alternatives[0][0]
    assert "<li>2194 金属製品製造業</li>" in html

    client.force_login(corporation.user)
    url = reverse("council:request_detail", args=[request.pk])
    page = client.get(url).content.decode()
    assert "対象の業種(日本標準産業分類)" in page
    assert "2194 金属製品製造業" in page
    assert "26 生産用機械器具製造業" in page
    assert "合意した措置" in page
    response = client.post(url, {"action": "answer", "answer": "会員企業12社に措置を講じさせました。"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert request.answered_by == corporation.user
    # The service the page uses, called again with the same answer, changes nothing.
    services.answer_corporation_request(request, answer="会員企業12社に措置を講じさせました。",
                                        acting_user=corporation.user)  # fmt: skip
    assert AuditLog.objects.filter(action="council.corporation_request.answered").count() == 1


def test_another_corporation_cannot_see_or_answer_a_measures_request(corporation, secretariat_user, metal, client):
    request = _measures(corporation, secretariat_user, industries=[metal])
    other = MemberFactory(corporation=True)
    other.user = UserFactory()
    other.save(update_fields=["user"])
    client.force_login(other.user)
    url = reverse("council:request_detail", args=[request.pk])
    assert client.get(url).status_code == 404
    client.post(url, {"action": "answer", "answer": "なりすまし"})
    request.refresh_from_db()
    assert request.answer == ""
    assert request.status == RequestStatus.SENT


def test_an_art_3_1_request_page_and_email_are_unchanged(
    corporation, secretariat_user, organization, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _measures(corporation, secretariat_user, kind=RequestKind.REPORT, employers=[organization])
    assert AuditLog.objects.get(action="council.corporation_request.sent").data["industries"] == []
    assert "第3条第1項" in mail.outbox[0].body
    assert "報告の徴収" in mail.outbox[0].subject
    client.force_login(corporation.user)
    page = client.get(reverse("council:request_detail", args=[request.pk])).content.decode()
    assert "株式会社サンプル製作所" in page
    assert "対象の業種(日本標準産業分類)" not in page


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_add_page_sends_a_measures_request_through_the_service(
    client, secretariat_user, corporation, metal, machinery, django_capture_on_commit_callbacks
):
    retired = IndustryClass.objects.create(code="219", name="その他の金属製品製造業", is_active=False)
    client.force_login(secretariat_user)
    url = reverse("admin:council_corporationrequest_add")
    page = client.get(url).content.decode()
    assert "2194 金属製品製造業" in page
    assert "その他の金属製品製造業" not in page  # only the classes in use are offered
    data = {
        "member": corporation.pk,
        "kind": "measures",
        "industries": [],
        "employers": [],
        "employer_names": "",
        "description": MEASURES_TEXT,
        "deadline": _deadline().isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1つ以上選んでください" in response.content.decode()
    assert client.post(url, {**data, "industries": [retired.pk]}).status_code == 200
    response = client.post(url, {**data, "kind": "guidance", "employer_names": "株式会社A", "industries": [metal.pk]})
    assert "合意した措置の実施の依頼にだけ使えます" in response.content.decode()
    assert not CorporationRequest.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "industries": [metal.pk, machinery.pk]})
    assert response.status_code == 302
    request = CorporationRequest.objects.get()
    assert request.kind == RequestKind.MEASURES
    assert request.created_by == secretariat_user
    assert set(request.industries.all()) == {metal, machinery}
    sent = AuditLog.objects.get(action="council.corporation_request.sent")
    assert sent.data["industries"] == ["2194", "26"]
    assert len(mail.outbox) == 1
    # The change page shows the industries, read-only.
    change = client.get(reverse("admin:council_corporationrequest_change", args=[request.pk])).content.decode()
    assert "2194 金属製品製造業" in change
    assert 'name="industries"' not in change


# --- In the browser ----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_the_secretariat_asks_for_the_measures_and_the_corporation_answers(
    page, secretariat_page, make_user, password, browser_login
):
    corporation = MemberFactory(corporation=True, name="一般社団法人テスト工業会", user=make_user("jaim@example.jp"))
    metal = IndustryClass.objects.create(code="2194", name="金属製品製造業")
    IndustryClass.objects.create(code="26", name="生産用機械器具製造業")

    # The secretariat picks the industry in the admin's two-box selector and sends the request.
    admin = secretariat_page
    admin.goto(admin.base_url + reverse("admin:council_corporationrequest_add"))
    admin.select_option("#id_member", str(corporation.pk))
    admin.select_option("#id_kind", "measures")
    admin.select_option("#id_industries_from", label="2194 金属製品製造業")
    admin.click("#id_industries_add")
    admin.fill("#id_description", MEASURES_TEXT)
    admin.fill("#id_deadline", _deadline().isoformat())
    admin.click("input[name=_save]")
    admin.wait_for_url("**/admin/council/corporationrequest/")
    request = CorporationRequest.objects.get()
    assert list(request.industries.all()) == [metal]
    shot(admin, "industry-measures-admin-sent")

    # The corporation finds it in its list, sees the industry and the measures, and answers.
    browser_login(page, corporation.user, password)
    page.goto(page.base_url + reverse("council:requests"))
    page.click("text=合意した措置の実施(第3条第2項)")
    page.wait_for_selector("dd.industries >> text=2194 金属製品製造業")
    assert "生産用機械器具製造業" not in page.content()
    assert MEASURES_TEXT in page.content()
    page.fill("textarea[name=answer]", "会員企業12社に相談体制を整備させました。")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=回答を送信しました。")
    shot(page, "industry-measures-answered")
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert request.answered_by == corporation.user
