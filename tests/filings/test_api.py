"""The employer API v1 (API.md): statuses, shapes, scoping to the token's organisation, errors."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.constants import OrganizationRole
from accounts.models import AuditLog, OrganizationMembership
from accounts.services import create_organization, issue_api_token
from filings import services
from filings.models import Confirmation, VisaApplication, Worker, Workplace

pytestmark = pytest.mark.django_db

TACHIKAWA = {"name": "立川工場", "postal_code": "190-0012", "address": "東京都立川市曙町2丁目1番1号"}
RESIDENCE = {"postal_code": "196-0015", "address": "東京都昭島市昭和町1-1-1"}


def client_with(raw: str, **headers) -> APIClient:
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def workplace(api_client):
    return api_client.post("/api/v1/workplaces", TACHIKAWA, format="json").json()


@pytest.fixture
def worker(api_client, workplace):
    body = {"name": "NGUYEN VAN A", "nationality": "ベトナム", "workplace": workplace["id"], "residence": RESIDENCE}
    return api_client.post("/api/v1/workers", body, format="json").json()


@pytest.fixture
def other_client(make_user):
    user = make_user("other@example.jp")
    organization = create_organization(name="他社株式会社", representative=user)
    return client_with(issue_api_token(user=user, organization=organization, name="other")[1])


@pytest.fixture
def viewer_client(make_user, organization):
    user = make_user("viewer@example.jp")
    OrganizationMembership.objects.create(user=user, organization=organization, role=OrganizationRole.VIEWER)
    return client_with(issue_api_token(user=user, organization=organization, name="viewer")[1])


def test_a_token_is_required():
    assert APIClient().get("/api/v1/requirements").status_code == 401
    assert client_with("kkp_nonsense").get("/api/v1/requirements").status_code == 401


def test_organization_get_and_partial_patch(api_client):
    answer = api_client.get("/api/v1/organization").json()
    assert answer["contact"] == {
        "department": "総務部",
        "name": "佐藤 花子",
        "phone": "042-000-0000",
        "email": "sato@example.jp",
    }
    response = api_client.patch("/api/v1/organization", {"contact": {"phone": "042-111-1111"}}, format="json")
    assert response.status_code == 200
    assert response.json()["contact"]["phone"] == "042-111-1111"
    assert response.json()["contact"]["email"] == "sato@example.jp"
    assert response.json()["name"] == "株式会社サンプル製作所"


def test_organization_patch_errors_in_japanese_and_english(api_client):
    response = api_client.patch("/api/v1/organization", {"corporate_number": "1234567890123"}, format="json")
    assert response.status_code == 400
    assert "法人番号" in response.json()["errors"]["corporate_number"][0]
    response = api_client.patch("/api/v1/organization", {"name": ""}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["This field may not be blank."]
    response = api_client.patch("/api/v1/organization", {"name": ""}, format="json")
    assert response.json()["errors"]["name"] == ["この項目は空にできません。"]


def test_create_workplace_answers_the_municipality(api_client):
    response = api_client.post(
        "/api/v1/workplaces",
        {"name": "横浜工場", "postal_code": "２３１０００５", "address": "横浜市中区本町6-50-10"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["municipality"] == {"code": "141003", "name": "横浜市", "prefecture": "神奈川県"}
    assert body["ward"] == {"code": "141046", "name": "中区"}
    assert body["postal_code"] == "231-0005"
    assert set(body) >= {"id", "name", "postal_code", "address", "municipality", "ward"}


def test_an_ambiguous_workplace_is_a_400_with_candidates_and_nothing_written(api_client):
    body = {"name": "府中工場", "postal_code": "", "address": "府中市宮西町2-24"}
    response = api_client.post("/api/v1/workplaces", body, format="json")
    assert response.status_code == 400
    assert "municipality_code" in response.json()["errors"]
    candidates = [c["municipality"]["code"] for c in response.json()["candidates"]]
    assert len(candidates) == 2
    assert not Workplace.objects.exists()
    response = api_client.post("/api/v1/workplaces", {**body, "municipality_code": candidates[1]}, format="json")
    assert response.status_code == 201
    assert response.json()["municipality"]["code"] == candidates[1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "postal_code": "12", "address": "立川市"}, "postal_code"),
        ({"name": "x", "postal_code": "", "address": "どこか"}, "address"),
        ({"name": "", "postal_code": "190-0012", "address": "立川市"}, "name"),
        ({"postal_code": "190-0012", "address": "立川市"}, "name"),
    ],
)
def test_workplace_input_errors(api_client, body, field):
    response = api_client.post("/api/v1/workplaces", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Workplace.objects.exists()


def test_patch_workplace_relocates(api_client, workplace):
    response = api_client.patch(
        f"/api/v1/workplaces/{workplace['id']}",
        {"postal_code": "206-0011", "address": "東京都多摩市関戸1-1-1"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["municipality"]["code"] == "132241"


def test_workers_create_and_patch(api_client, workplace, worker):
    assert worker["status"] == "active"
    assert worker["workplace"] == workplace["id"]
    assert worker["residence"]["municipality"]["code"] == "132071"
    assert worker["residence"]["ward"] is None
    response = api_client.patch(
        f"/api/v1/workers/{worker['id']}",
        {"residence": {"postal_code": "194-0022", "address": "東京都町田市森野1-1-1"}, "status": "left"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["residence"]["municipality"]["code"] == "132098"
    assert response.json()["status"] == "left"
    listing = api_client.get("/api/v1/workers").json()
    assert listing["count"] == 1


def test_a_refused_worker_patch_writes_nothing(api_client, workplace, worker):
    other = api_client.post(
        "/api/v1/workplaces",
        {"name": "多摩工場", "postal_code": "206-0011", "address": "東京都多摩市関戸1-1-1"},
        format="json",
    ).json()
    response = api_client.patch(
        f"/api/v1/workers/{worker['id']}",
        {"workplace": other["id"], "residence": {"postal_code": "", "address": "どこか"}},
        format="json",
    )
    assert response.status_code == 400
    assert "residence.address" in response.json()["errors"]
    assert Worker.objects.get().workplace_id == workplace["id"]
    assert not AuditLog.objects.filter(action="filings.worker.updated").exists()


def test_worker_with_unknown_status_or_foreign_workplace(api_client, other_client, workplace):
    foreign = other_client.post("/api/v1/workplaces", TACHIKAWA, format="json").json()
    body = {"name": "A", "nationality": "ベトナム", "workplace": foreign["id"], "residence": RESIDENCE}
    response = api_client.post("/api/v1/workers", body, format="json")
    assert response.status_code == 400
    assert "workplace" in response.json()["errors"]
    body = {**body, "workplace": workplace["id"], "status": "left"}
    assert api_client.post("/api/v1/workers", body, format="json").status_code == 400
    assert not Worker.objects.exists()


def test_applications(api_client, worker):
    body = {"worker": worker["id"], "kind": "coe", "planned_date": "2026-12-15"}
    response = api_client.post("/api/v1/applications", body, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "planned"
    response = api_client.post("/api/v1/applications", {**body, "kind": "visa"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    response = api_client.post("/api/v1/applications", {**body, "planned_date": "15/12/2026"}, format="json")
    assert response.status_code == 400


def test_requirements_and_a_confirmation_through_to_submission(api_client, worker):
    api_client.post(
        "/api/v1/applications", {"worker": worker["id"], "kind": "coe", "planned_date": "2026-12-15"}, format="json"
    )
    report = api_client.get("/api/v1/requirements").json()
    assert [m["municipality"]["code"] for m in report["missing"]] == ["132021", "132071"]
    assert report["missing"][0]["due_date"] == "2026-12-15"
    assert report["missing"][0]["reasons"]
    response = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json")
    assert response.status_code == 201
    confirmation = response.json()
    assert confirmation["status"] == "draft"
    assert confirmation["municipality"]["code"] == "132021"
    assert confirmation["pdf_url"].endswith(f"/api/v1/confirmations/{confirmation['id']}/pdf")
    body = {"method": "portal", "submitted_on": "2026-11-24"}
    response = api_client.post(f"/api/v1/confirmations/{confirmation['id']}/submit", body, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["receipt_number"]
    again = api_client.post(f"/api/v1/confirmations/{confirmation['id']}/submit", body, format="json")
    assert again.status_code == 200
    report = api_client.get("/api/v1/requirements").json()
    assert report["covered"] == [
        {
            "municipality": {"code": "132021", "name": "立川市", "prefecture": "東京都"},
            "confirmation": confirmation["id"],
            "submitted_on": "2026-11-24",
            "method": "portal",
            "reasons": report["covered"][0]["reasons"],
        }
    ]


@pytest.mark.parametrize(
    "body",
    [{"method": "pigeon", "submitted_on": "2026-11-24"}, {"method": "post"}, {"method": "post", "submitted_on": "x"}],
)
def test_submit_input_errors(api_client, worker, body):
    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    response = api_client.post(f"/api/v1/confirmations/{confirmation['id']}/submit", body, format="json")
    assert response.status_code == 400
    assert Confirmation.objects.get().status == "draft"


def test_confirmation_for_an_unconnected_municipality_is_a_400(api_client, worker):
    response = api_client.post("/api/v1/confirmations", {"municipality_code": "131016"}, format="json")
    assert response.status_code == 400
    assert "municipality_code" in response.json()["errors"]


def test_viewer_can_read_but_not_submit_or_write(api_client, viewer_client, worker):
    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    assert viewer_client.get("/api/v1/requirements").status_code == 200
    body = {"method": "post", "submitted_on": "2026-11-24"}
    assert (
        viewer_client.post(f"/api/v1/confirmations/{confirmation['id']}/submit", body, format="json").status_code
        == 403
    )
    assert (
        viewer_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").status_code == 403
    )
    assert viewer_client.post("/api/v1/workplaces", TACHIKAWA, format="json").status_code == 403
    assert viewer_client.patch("/api/v1/organization", {"name": "x"}, format="json").status_code == 403
    assert Confirmation.objects.get().status == "draft"


def test_another_organisations_objects_are_404(api_client, other_client, worker):
    application = api_client.post(
        "/api/v1/applications", {"worker": worker["id"], "kind": "coe", "planned_date": "2026-12-15"}, format="json"
    ).json()
    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    workplace_id = worker["workplace"]
    calls = [
        ("get", f"/api/v1/workplaces/{workplace_id}", None),
        ("patch", f"/api/v1/workplaces/{workplace_id}", {"name": "乗っ取り"}),
        ("get", f"/api/v1/workers/{worker['id']}", None),
        ("patch", f"/api/v1/workers/{worker['id']}", {"status": "left"}),
        ("get", f"/api/v1/workers/{worker['id']}/sheet", None),
        ("get", f"/api/v1/applications/{application['id']}", None),
        ("post", "/api/v1/applications", {"worker": worker["id"], "kind": "coe", "planned_date": "2026-12-20"}),
        ("get", f"/api/v1/confirmations/{confirmation['id']}", None),
        ("get", f"/api/v1/confirmations/{confirmation['id']}/pdf", None),
        (
            "post",
            f"/api/v1/confirmations/{confirmation['id']}/submit",
            {"method": "post", "submitted_on": "2026-11-24"},
        ),
    ]
    for method, url, body in calls:
        response = getattr(other_client, method)(url, body, format="json") if body else other_client.get(url)
        assert response.status_code == 404, (method, url)
    assert Workplace.objects.get().name == "立川工場"
    assert Worker.objects.get().status == "active"
    assert VisaApplication.objects.count() == 1
    assert Confirmation.objects.get().status == "draft"
    assert other_client.get("/api/v1/requirements").json() == {"missing": [], "covered": []}
    assert other_client.get("/api/v1/workers").json()["count"] == 0


def test_confirmation_pdf(api_client, worker):
    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    response = api_client.get(f"/api/v1/confirmations/{confirmation['id']}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_confirmation_document_is_built_from_the_frozen_content(organization, employer_user, api_client, worker):
    from filings.selectors import confirmation_document

    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132071"}, format="json").json()
    services.update_organization(organization=organization, actor=employer_user, name="株式会社改名")
    document = confirmation_document(Confirmation.objects.get(pk=confirmation["id"]))
    assert document.addressee == "昭島市長"
    assert document.employer_name == "株式会社サンプル製作所"
    assert [(w.name, w.address) for w in document.workplaces] == [(TACHIKAWA["name"], TACHIKAWA["address"])]
    assert document.date == timezone.localdate()


def test_schema_is_served(api_client):
    response = api_client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/confirmations/{id}/submit" in response.content


def test_a_rename_after_submission_makes_the_municipality_missing_again_with_why(api_client, worker):
    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    body = {"method": "email", "submitted_on": "2026-11-24"}
    api_client.post(f"/api/v1/confirmations/{confirmation['id']}/submit", body, format="json")
    assert [c["municipality"]["code"] for c in api_client.get("/api/v1/requirements").json()["covered"]] == ["132021"]
    api_client.patch(f"/api/v1/workplaces/{worker['workplace']}", {"name": "立川第一工場"}, format="json")
    report = api_client.get("/api/v1/requirements").json()
    entry = next(e for e in report["missing"] if e["municipality"]["code"] == "132021")
    assert entry["stale_confirmation"] == confirmation["id"]
    assert entry["reasons"][0] == (
        "2026年11月24日 に提出した協力確認書の後に、事業所の名称が「立川工場」から「立川第一工場」に変わりました。"
    )
    assert report["covered"] == []


def test_worker_sheet_answers_the_visa_form(api_client, worker):
    confirmation = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    body = {"method": "counter", "submitted_on": "2026-11-24"}
    api_client.post(f"/api/v1/confirmations/{confirmation['id']}/submit", body, format="json")
    sheet = api_client.get(f"/api/v1/workers/{worker['id']}/sheet").json()
    assert sheet["needs_confirmation"] is True
    assert sheet["ready"] is False
    assert sheet["workplace"]["municipality"]["code"] == "132021"
    assert (sheet["workplace"]["submitted"], sheet["workplace"]["submitted_on"]) == (True, "2026-11-24")
    assert sheet["workplace"]["method"] == "counter"
    assert sheet["residence"]["municipality"]["code"] == "132071"
    assert sheet["residence"]["submitted"] is False
    assert sheet["missing"] == ["住居地の昭島市 に協力確認書を提出していません。"]


def test_the_api_shows_that_a_municipality_acknowledged_a_confirmation(api_client, organization, employer_user):
    from filings.submissions import acknowledge_confirmation
    from municipalities.models import Municipality, MunicipalityStaff

    workplace = api_client.post(
        "/api/v1/workplaces", {"name": "立川工場", "postal_code": "190-0012", "address": "東京都立川市曙町2-1-1"},
        format="json",
    ).json()
    assert workplace["municipality"]["code"] == "132021"
    created = api_client.post("/api/v1/confirmations", {"municipality_code": "132021"}, format="json").json()
    api_client.post(
        f"/api/v1/confirmations/{created['id']}/submit", {"method": "portal", "submitted_on": "2026-11-24"},
        format="json",
    )
    staff_user = type(employer_user).objects.create_user(email="staff@city.tachikawa.example.jp", password="x")
    tachikawa = Municipality.objects.get(code="132021")
    MunicipalityStaff.objects.create(user=staff_user, municipality=tachikawa)
    from filings.models import Confirmation

    acknowledge_confirmation(
        confirmation=Confirmation.objects.get(pk=created["id"]), municipality=tachikawa, actor=staff_user,
        note="受理しました。",
    )
    body = api_client.get(f"/api/v1/confirmations/{created['id']}").json()
    assert body["acknowledged_at"] is not None
    assert body["acknowledgement_note"] == "受理しました。"


def test_katakana_long_vowels_in_names_survive_while_address_hyphens_are_unified(api_client):
    response = api_client.post(
        "/api/v1/workplaces",
        {"name": "センター工場", "postal_code": "１９０－００１２", "address": "東京都立川市曙町２ー１ー１"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "センター工場"
    assert body["address"] == "東京都立川市曙町2-1-1"
    assert body["postal_code"] == "190-0012"
