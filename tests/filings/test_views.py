"""The employer's pages through the Django test client: real services, real municipalities."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.constants import OrganizationRole
from accounts.models import AuditLog, Organization, OrganizationMembership
from filings import services
from filings.constants import ConfirmationStatus
from filings.models import Confirmation, VisaApplication, Worker, Workplace

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipalities(db):
    from municipalities.services import refresh_municipalities

    refresh_municipalities()


@pytest.fixture
def employer(client, employer_user, municipalities):
    client.force_login(employer_user)
    return client


def _workplace(organization, actor, **kw):
    data = {"name": "立川工場", "postal_code": "190-0012", "address": "東京都立川市曙町2丁目1番1号"}
    data.update(kw)
    return services.create_workplace(organization=organization, actor=actor, **data)


def _worker(organization, actor, workplace, **kw):
    data = {
        "name": "NGUYEN VAN A",
        "nationality": "ベトナム",
        "workplace": workplace,
        "residence_postal_code": "196-0015",
        "residence_address": "東京都昭島市昭和町1-1-1",
        "status": "incoming",
    }
    data.update(kw)
    return services.create_worker(organization=organization, actor=actor, **data)


@pytest.fixture
def hired(organization, employer_user, municipalities):
    """One worker at a workplace in 立川市 living in 昭島市, with a coe application planned."""
    workplace = _workplace(organization, employer_user)
    worker = _worker(organization, employer_user, workplace)
    application = services.plan_application(
        worker=worker, actor=employer_user, kind="coe", planned_date=datetime.date(2026, 12, 15)
    )
    return workplace, worker, application


@pytest.fixture
def other(make_user, municipalities):
    """Another employer with its own workplace, worker, application and confirmation."""
    user = make_user("other@example.jp")
    from accounts.services import create_organization

    org = create_organization(
        name="他社株式会社",
        representative=user,
        contact_department="人事部",
        contact_name="田中",
        contact_phone="03-0000-0000",
        contact_email="t@example.jp",
    )
    workplace = _workplace(org, user, name="他社工場")
    worker = _worker(org, user, workplace, name="OTHER PERSON")
    application = services.plan_application(
        worker=worker, actor=user, kind="coe", planned_date=datetime.date(2026, 12, 1)
    )
    confirmation = services.create_confirmation(organization=org, actor=user, municipality="132021")
    return {"workplace": workplace, "worker": worker, "application": application, "confirmation": confirmation}


# --- Onboarding -----------------------------------------------------------------------------


def test_a_user_without_role_is_sent_to_onboarding_and_registers_the_organisation(client, make_user):
    user = make_user("new@example.jp")
    client.force_login(user)
    assert client.get("/dashboard/").url == reverse("filings:onboarding")
    response = client.post(
        reverse("filings:onboarding"),
        {
            "name": "株式会社テスト",
            "corporate_number": "７０００－０１２０５－０００２",
            "postal_code": "190-0012",
            "address": "東京都立川市曙町2-1-1",
            "address_confirmed": "132021",
            "representative_name": "山田 太郎",
            "contact_department": "総務部",
            "contact_name": "佐藤 花子",
            "contact_phone": "042-000-0000",
            "contact_email": "sato@example.jp",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("filings:dashboard")
    organization = Organization.objects.get(name="株式会社テスト")
    assert organization.corporate_number == "7000012050002"
    membership = OrganizationMembership.objects.get(user=user)
    assert membership.organization == organization
    assert membership.role == OrganizationRole.REPRESENTATIVE
    # A second submit (double click) creates nothing more.
    client.post(reverse("filings:onboarding"), {"name": "株式会社テスト"})
    assert Organization.objects.filter(name="株式会社テスト").count() == 1


def test_onboarding_refuses_a_wrong_corporate_number_in_japanese(client, make_user):
    client.force_login(make_user("new@example.jp"))
    response = client.post(
        reverse("filings:onboarding"), {"name": "株式会社テスト", "corporate_number": "8000012050002"}
    )
    assert response.status_code == 200
    assert "検査用数字" in response.content.decode()
    assert not Organization.objects.filter(name="株式会社テスト").exists()


def test_onboarding_needs_sign_in(client):
    response = client.get(reverse("filings:onboarding"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# --- Dashboard ------------------------------------------------------------------------------


def test_dashboard_lists_missing_municipalities_with_due_date_then_covered(
    employer, hired, organization, employer_user
):
    body = employer.get(reverse("filings:dashboard")).content.decode()
    assert 'id="missing-132021"' in body
    assert 'id="missing-132071"' in body
    assert "2026年12月15日" in body
    assert "立川市" in body
    assert "昭島市" in body

    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    services.submit_confirmation(
        confirmation=confirmation, actor=employer_user, method="post", submitted_on=datetime.date(2026, 11, 24)
    )
    body = employer.get(reverse("filings:dashboard")).content.decode()
    assert 'id="covered-132021"' in body
    assert 'id="missing-132071"' in body
    assert "2026年11月24日" in body
    assert "郵送" in body


def test_dashboard_shows_the_change_that_made_a_confirmation_stale(employer, hired, organization, employer_user):
    workplace = hired[0]
    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    services.submit_confirmation(
        confirmation=confirmation, actor=employer_user, method="email", submitted_on=datetime.date(2026, 11, 1)
    )
    services.update_workplace(workplace=workplace, actor=employer_user, name="立川第一工場")
    body = employer.get(reverse("filings:dashboard")).content.decode()
    assert 'id="staleness-timeline"' in body
    assert "立川第一工場" in body
    assert 'id="missing-132021"' in body


def test_dashboard_pages_workers(employer, organization, employer_user, municipalities):
    workplace = _workplace(organization, employer_user)
    for number in range(55):
        _worker(organization, employer_user, workplace, name=f"WORKER {number:03d}")
    first = employer.get(reverse("filings:dashboard")).content.decode().split('id="readiness-table"')[1]
    second = (
        employer.get(reverse("filings:dashboard") + "?workers=2").content.decode().split('id="readiness-table"')[1]
    )
    assert "WORKER 000" in first
    assert "WORKER 054" not in first
    assert "WORKER 054" in second
    assert "WORKER 000" not in second


# --- Workplaces and workers -----------------------------------------------------------------


def test_add_a_workplace_by_postal_code_in_full_width_confirming_the_municipality(employer, organization):
    data = {"name": "立川工場", "postal_code": "１９０－００１２", "address": "東京都立川市曙町2丁目1番1号"}
    # Without the page's script, the first submit shows the municipality found and saves nothing.
    response = employer.post(reverse("filings:workplace_add"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "東京都立川市" in body
    assert "よろしければもう一度送信してください" in body
    assert not Workplace.objects.filter(organization=organization).exists()
    # Submitting again, with the municipality confirmed, saves it.
    response = employer.post(reverse("filings:workplace_add"), dict(data, address_confirmed="132021"))
    assert response.status_code == 302
    workplace = Workplace.objects.get(organization=organization)
    assert workplace.municipality.code == "132021"
    assert workplace.postal_code == "190-0012"


def test_relocating_and_closing_a_workplace(employer, hired):
    workplace = hired[0]
    url = reverse("filings:workplace_edit", args=[workplace.pk])
    response = employer.post(
        url,
        {
            "name": "立川工場",
            "postal_code": "196-0015",
            "address": "東京都昭島市昭和町2-2-2",
            "address_confirmed": "132071",
        },
    )
    assert response.status_code == 302
    workplace.refresh_from_db()
    assert workplace.municipality.code == "132071"
    response = employer.post(
        url,
        {
            "name": "立川工場",
            "postal_code": "196-0015",
            "address": "東京都昭島市昭和町2-2-2",
            "address_confirmed": "132071",
            "closed_on": "２０２６／１２／３１",
        },
    )
    assert response.status_code == 302
    workplace.refresh_from_db()
    assert workplace.closed_on == datetime.date(2026, 12, 31)


def test_an_unknown_address_is_a_form_error_and_writes_nothing(employer, organization):
    response = employer.post(
        reverse("filings:workplace_add"), {"name": "不明", "postal_code": "", "address": "どこか"}
    )
    assert response.status_code == 200
    assert "住所から市区町村が分かりませんでした" in response.content.decode()
    response = employer.post(
        reverse("filings:workplace_add"), {"name": "不明", "postal_code": "999-9999", "address": "どこか"}
    )
    assert response.status_code == 200
    assert "市区町村が分かりませんでした" in response.content.decode()
    assert not Workplace.objects.filter(organization=organization).exists()


def test_an_ambiguous_address_offers_the_candidates_and_the_choice_settles_it(employer, organization):
    data = {"name": "府中工場", "postal_code": "", "address": "府中市宮西町1-1"}
    response = employer.post(reverse("filings:workplace_add"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "候補から選んでください" in body
    assert 'value="132063"' in body
    assert 'value="342084"' in body
    assert not Workplace.objects.filter(organization=organization).exists()
    response = employer.post(reverse("filings:workplace_add"), dict(data, municipality_code="132063"))
    assert response.status_code == 302
    assert Workplace.objects.get(organization=organization).municipality.code == "132063"


def test_add_a_worker_living_in_another_city_and_plan_an_application(
    employer, organization, municipalities, employer_user
):
    workplace = _workplace(organization, employer_user)
    response = employer.post(
        reverse("filings:worker_add"),
        {
            "name": "髙﨑 花子",
            "nationality": "ベトナム",
            "workplace": workplace.pk,
            "residence-postal_code": "196-0015",
            "residence-address": "東京都昭島市昭和町1-1-1",
            "residence-address_confirmed": "132071",
            "status": "incoming",
            "residence_card_expiry": "２０２８／０３／３１",
        },
    )
    assert response.status_code == 302
    worker = Worker.objects.get(organization=organization)
    assert worker.name == "髙﨑 花子"
    assert worker.residence_municipality.code == "132071"
    assert worker.residence_card_expiry == datetime.date(2028, 3, 31)
    response = employer.post(
        reverse("filings:application_add", args=[worker.pk]), {"kind": "coe", "planned_date": "令和8年12月15日"}
    )
    assert response.status_code == 302
    assert VisaApplication.objects.get(worker=worker).planned_date == datetime.date(2026, 12, 15)


def test_moving_a_worker_records_the_new_residence(employer, hired):
    _workplace_obj, worker, _application = hired
    response = employer.post(
        reverse("filings:worker_edit", args=[worker.pk]),
        {
            "workplace": worker.workplace_id,
            "residence-postal_code": "190-0012",
            "residence-address": "東京都立川市曙町1-1",
            "residence-address_confirmed": "132021",
            "status": worker.status,
            "effective_on": "2026/11/20",
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.residence_municipality.code == "132021"


def test_an_application_is_filed_then_granted(employer, hired):
    _workplace_obj, _worker_obj, application = hired
    url = reverse("filings:application_state", args=[application.pk])
    assert employer.post(url, {"state": "filed", "on": "2026/12/15"}).status_code == 302
    application.refresh_from_db()
    assert application.state == "filed"
    assert application.filed_on == datetime.date(2026, 12, 15)
    employer.post(url, {"state": "planned"})  # not allowed by the pipeline: nothing changes
    application.refresh_from_db()
    assert application.state == "filed"
    employer.post(url, {"state": "granted", "on": "2027-01-20"})
    application.refresh_from_db()
    assert application.state == "granted"


# --- Confirmations and the sheet ------------------------------------------------------------


def test_make_and_submit_a_confirmation_from_the_dashboard(employer, hired, organization):
    response = employer.post(reverse("filings:confirmation_create"), {"municipality_code": "132071"})
    confirmation = Confirmation.objects.get(organization=organization)
    assert response.url == reverse("filings:confirmation_detail", args=[confirmation.pk])
    body = employer.get(response.url).content.decode()
    assert 'id="submission-form"' in body
    response = employer.post(
        reverse("filings:confirmation_submit", args=[confirmation.pk]),
        {"method": "counter", "submitted_on": "２０２６/１１/２５"},
    )
    assert response.status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.SUBMITTED
    assert confirmation.submitted_on == datetime.date(2026, 11, 25)
    # A second submit of the same form changes nothing.
    employer.post(
        reverse("filings:confirmation_submit", args=[confirmation.pk]), {"method": "fax", "submitted_on": "2026-11-26"}
    )
    confirmation.refresh_from_db()
    assert confirmation.method == "counter"
    assert AuditLog.objects.filter(action="filings.confirmation.submitted").count() == 1


def test_a_bad_submission_date_is_refused_in_japanese(employer, hired, organization):
    employer.post(reverse("filings:confirmation_create"), {"municipality_code": "132071"})
    confirmation = Confirmation.objects.get(organization=organization)
    response = employer.post(
        reverse("filings:confirmation_submit", args=[confirmation.pk]),
        {"method": "post", "submitted_on": "2026-02-30"},
    )
    assert response.status_code == 400
    assert "存在しない日付" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.DRAFT


def test_worker_sheet_shows_each_municipality_with_the_reiwa_date(employer, hired, organization, employer_user):
    _workplace_obj, worker, _application = hired
    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    services.submit_confirmation(
        confirmation=confirmation, actor=employer_user, method="portal", submitted_on=datetime.date(2026, 11, 24)
    )
    body = employer.get(reverse("filings:worker_sheet", args=[worker.pk])).content.decode()
    assert "東京都立川市" in body
    assert "東京都昭島市" in body
    assert "令和8年11月24日" in body
    assert "@media print" in body
    assert "昭島市 へ協力確認書を提出してください" in body


# --- Invitations ----------------------------------------------------------------------------


def test_the_representative_invites_staff_who_accepts_after_signing_in(
    employer, organization, client, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = employer.post(reverse("filings:members"), {"email": "staff@example.jp", "role": "viewer"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["staff@example.jp"]
    link = next(word for word in mail.outbox[-1].body.split() if "/employer/invitations/" in word)
    path = link.split("testserver", 1)[-1]

    employer.logout()
    assert "ログインして承諾する" in client.get(path).content.decode()
    staff = make_user("staff@example.jp")
    client.force_login(staff)
    response = client.post(path)
    assert response.status_code == 302
    membership = OrganizationMembership.objects.get(user=staff)
    assert membership.organization == organization
    assert membership.role == OrganizationRole.VIEWER
    client.post(path)  # accepting twice changes nothing
    assert OrganizationMembership.objects.filter(user=staff).count() == 1


def test_an_invitation_for_another_address_or_a_forged_one_is_refused(
    client, employer, organization, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        employer.post(reverse("filings:members"), {"email": "staff@example.jp", "role": "staff"})
    link = next(word for word in mail.outbox[-1].body.split() if "/employer/invitations/" in word)
    path = link.split("testserver", 1)[-1]
    intruder = make_user("intruder@example.jp")
    client.force_login(intruder)
    client.post(path)
    assert not OrganizationMembership.objects.filter(user=intruder).exists()
    assert client.get(path[:-3] + "xyz/").status_code == 400


def test_only_the_representative_invites(client, organization, make_user, municipalities):
    staff = make_user("staff@example.jp")
    OrganizationMembership.objects.create(user=staff, organization=organization, role=OrganizationRole.STAFF)
    client.force_login(staff)
    assert client.post(reverse("filings:members"), {"email": "x@example.jp", "role": "staff"}).status_code == 403
    assert not mail.outbox


# --- Access: another organisation's objects are 404, a viewer cannot change anything ---------


@pytest.mark.parametrize(
    ("name", "key", "method"),
    [
        ("filings:workplace_edit", "workplace", "get"),
        ("filings:workplace_edit", "workplace", "post"),
        ("filings:worker_detail", "worker", "get"),
        ("filings:worker_edit", "worker", "get"),
        ("filings:worker_edit", "worker", "post"),
        ("filings:worker_sheet", "worker", "get"),
        ("filings:application_add", "worker", "post"),
        ("filings:application_state", "application", "post"),
        ("filings:confirmation_detail", "confirmation", "get"),
        ("filings:confirmation_pdf", "confirmation", "get"),
        ("filings:confirmation_submit", "confirmation", "post"),
    ],
)
def test_another_organisations_objects_are_404(employer, other, name, key, method):
    url = reverse(name, args=[other[key].pk])
    response = getattr(employer, method)(
        url, {"method": "post", "submitted_on": "2026-11-24"} if method == "post" else {}
    )
    assert response.status_code == 404
    other["confirmation"].refresh_from_db()
    assert other["confirmation"].status == ConfirmationStatus.DRAFT


def test_another_organisations_application_does_not_show(employer, other):
    body = employer.get(reverse("filings:dashboard")).content.decode()
    assert "OTHER PERSON" not in body
    assert VisaApplication.objects.filter(worker__organization=other["worker"].organization).count() == 1


def test_pages_need_a_role(client, make_user, other):
    client.force_login(make_user("nobody@example.jp"))
    for name in ("filings:dashboard", "filings:workplace_list", "filings:worker_list", "filings:confirmation_list"):
        assert client.get(reverse(name)).status_code == 404


@pytest.fixture
def viewer(client, organization, make_user, hired):
    user = make_user("viewer@example.jp")
    OrganizationMembership.objects.create(user=user, organization=organization, role=OrganizationRole.VIEWER)
    client.force_login(user)
    return client


def test_a_viewer_sees_the_dashboard_without_submit_buttons(viewer):
    response = viewer.get(reverse("filings:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="missing-132021"' in body
    assert "協力確認書を作成・提出" not in body


def test_a_viewer_cannot_submit_or_change_anything(viewer, organization, employer_user, hired):
    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    body = viewer.get(reverse("filings:confirmation_detail", args=[confirmation.pk])).content.decode()
    assert 'id="submission-form"' not in body
    response = viewer.post(
        reverse("filings:confirmation_submit", args=[confirmation.pk]),
        {"method": "post", "submitted_on": "2026-11-24"},
    )
    assert response.status_code == 403
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.DRAFT
    assert viewer.post(reverse("filings:confirmation_create"), {"municipality_code": "132071"}).status_code == 403
    assert viewer.post(reverse("filings:workplace_add"), {"name": "x"}).status_code == 403
    assert viewer.post(reverse("filings:worker_add"), {"name": "x"}).status_code == 403
    assert viewer.post(reverse("filings:organization_edit"), {"name": "x"}).status_code == 403
    assert viewer.post(reverse("filings:members"), {"email": "a@example.jp", "role": "staff"}).status_code == 403
    application = hired[2]
    assert (
        viewer.post(reverse("filings:application_state", args=[application.pk]), {"state": "filed"}).status_code == 403
    )
    assert viewer.post(reverse("filings:application_add", args=[hired[1].pk]), {"kind": "coe"}).status_code == 403
    assert Confirmation.objects.filter(organization=organization).count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "filings:dashboard",
        "filings:organization_edit",
        "filings:members",
        "filings:workplace_list",
        "filings:workplace_add",
        "filings:worker_list",
        "filings:worker_add",
        "filings:confirmation_list",
        "filings:roster_import",
    ],
)
def test_every_list_page_opens_for_the_employer(employer, hired, name):
    assert employer.get(reverse(name)).status_code == 200


def test_dashboard_queries_do_not_grow_with_the_number_of_workers(
    employer, organization, employer_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workplace = _workplace(organization, employer_user)
    _worker(organization, employer_user, workplace, name="FIRST")
    with CaptureQueriesContext(connection) as few:
        employer.get(reverse("filings:dashboard"))
    for number in range(60):
        _worker(
            organization,
            employer_user,
            workplace,
            name=f"WORKER {number:03d}",
            residence_postal_code="100-0001",
            residence_address="東京都千代田区千代田1-1",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = employer.get(reverse("filings:dashboard"))
    assert response.status_code == 200


def test_pager_links_keep_the_other_lists_pages(employer, organization, employer_user):
    workplace = _workplace(organization, employer_user)
    for number in range(55):
        _worker(organization, employer_user, workplace, name=f"WORKER {number:03d}")
    body = employer.get(reverse("filings:dashboard") + "?missing=1").content.decode()
    assert "?missing=1&amp;workers=2" in body


def test_an_invitee_without_an_account_signs_up_from_the_link_and_accepts(
    client, employer_user, organization, django_capture_on_commit_callbacks
):
    import re

    client.force_login(employer_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("filings:members"), {"email": "new@example.jp", "role": "staff"})
    link = next(word for word in mail.outbox[-1].body.split() if "/employer/invitations/" in word)
    path = link.split("testserver", 1)[-1]
    client.logout()
    assert f"/accounts/signup/?next={path.replace(':', '%3A')}" in client.get(path).content.decode()

    response = client.post(
        f"/accounts/signup/?next={path}",
        {"email": "new@example.jp", "password1": "Kyoryoku-Kakunin-2026", "password2": "Kyoryoku-Kakunin-2026"},
    )
    code = re.search(r"^\s*([A-Z0-9]{4,8}(?:-[A-Z0-9]{4})?)\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    response = client.post(response.url, {"code": code})
    assert response.url == path
    response = client.post(path)
    assert response.url == reverse("filings:dashboard")
    membership = OrganizationMembership.objects.get(user__email="new@example.jp")
    assert membership.organization == organization
    assert membership.role == OrganizationRole.STAFF
    assert client.get(reverse("filings:dashboard")).status_code == 200


def test_the_confirmation_pdf_opens_in_the_browser(employer, hired, organization, employer_user):
    confirmation = services.create_confirmation(organization=organization, actor=employer_user, municipality="132071")
    body = employer.get(reverse("filings:confirmation_detail", args=[confirmation.pk])).content.decode()
    assert reverse("filings:confirmation_pdf", args=[confirmation.pk]) in body
    response = employer.get(reverse("filings:confirmation_pdf", args=[confirmation.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    [
        "/employer/",
        "/employer/start/",
        "/employer/organization/",
        "/employer/members/",
        "/employer/workplaces/",
        "/employer/workplaces/new/",
        "/employer/workplaces/1/edit/",
        "/employer/workers/",
        "/employer/workers/new/",
        "/employer/workers/1/",
        "/employer/workers/1/edit/",
        "/employer/workers/1/sheet/",
        "/employer/workers/import/",
        "/employer/workers/import/template.csv",
        "/employer/workers/export.csv",
        "/employer/confirmations/",
        "/employer/confirmations/1/",
        "/employer/confirmations/1/pdf/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
