"""The filing services and selectors on the real database, with the real municipality look-up."""

import datetime
import re

import pytest
from django.core.management import call_command

from accounts.constants import OrganizationRole
from accounts.models import ApiToken, AuditLog, Organization, OrganizationMembership, User
from filings import selectors, services
from filings.constants import ConfirmationStatus, WorkerStatus
from filings.models import (
    Confirmation,
    VisaApplication,
    Worker,
    WorkerAssignment,
    WorkerResidence,
    WorkerStatusChange,
    Workplace,
    WorkplaceVersion,
)
from filings.services import FilingError, FilingPermissionError, WorkerImportError, WorkerRow
from municipalities.services import AmbiguousMunicipality, InvalidPostalCode, MunicipalityNotFound

from .factories import ConfirmationFactory, VisaApplicationFactory, WorkerFactory, WorkplaceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def actor(employer_user):
    return employer_user


@pytest.fixture
def viewer(make_user, organization):
    user = make_user("viewer@example.jp")
    OrganizationMembership.objects.create(user=user, organization=organization, role=OrganizationRole.VIEWER)
    return user


@pytest.fixture
def tachikawa(organization, actor):
    return services.create_workplace(
        organization=organization,
        actor=actor,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2-1-1",
    )


def add_worker(organization, actor, workplace, postal_code="196-0015", address="東京都昭島市昭和町1-1-1", **extra):
    return services.create_worker(
        organization=organization,
        actor=actor,
        name=extra.pop("name", "NGUYEN VAN A"),
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code=postal_code,
        residence_address=address,
        **extra,
    )


def codes(entries):
    return sorted(e.municipality.code for e in entries)


def submit(organization, actor, code, on=datetime.date(2026, 11, 24), method="email"):
    confirmation = services.create_confirmation(organization=organization, actor=actor, municipality=code, today=TODAY)
    return services.submit_confirmation(confirmation=confirmation, actor=actor, method=method, submitted_on=on)


# --- Organisation ---------------------------------------------------------------------------


def test_update_organization_writes_changes_and_history(organization, actor):
    services.update_organization(
        organization=organization, actor=actor, name="株式会社新名称", corporate_number="７０００－０１２０５０００２"
    )
    organization.refresh_from_db()
    assert organization.name == "株式会社新名称"
    assert organization.corporate_number == "7000012050002"
    log = AuditLog.objects.get(action="filings.organization.updated")
    assert log.data["changes"]["name"] == ["株式会社サンプル製作所", "株式会社新名称"]
    assert log.data["affects_confirmations"] is True


def test_update_organization_without_change_writes_nothing(organization, actor):
    services.update_organization(organization=organization, actor=actor, name=organization.name)
    assert not AuditLog.objects.filter(action="filings.organization.updated").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"corporate_number": "1000012050002"}, "corporate_number"),
        ({"corporate_number": "12345"}, "corporate_number"),
        ({"name": "  "}, "name"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"is_active": True}, "is_active"),
    ],
)
def test_update_organization_refuses_bad_input(organization, actor, fields, field):
    with pytest.raises(FilingError) as error:
        services.update_organization(organization=organization, actor=actor, **fields)
    assert error.value.field == field
    organization.refresh_from_db()
    assert organization.name == "株式会社サンプル製作所"


def test_viewers_cannot_write(organization, viewer, tachikawa):
    with pytest.raises(FilingPermissionError):
        services.update_organization(organization=organization, actor=viewer, name="x")
    with pytest.raises(FilingPermissionError):
        services.create_workplace(
            organization=organization, actor=viewer, name="x", postal_code="190-0012", address="立川市"
        )
    with pytest.raises(FilingPermissionError):
        add_worker(organization, viewer, tachikawa)


def test_strangers_cannot_write(organization, make_user):
    stranger = make_user("stranger@example.jp")
    with pytest.raises(FilingPermissionError):
        services.update_organization(organization=organization, actor=stranger, name="x")


# --- Workplaces -----------------------------------------------------------------------------


def test_create_workplace_resolves_the_filing_municipality_and_keeps_the_ward(organization, actor):
    workplace = services.create_workplace(
        organization=organization,
        actor=actor,
        name="横浜工場",
        postal_code="２３１－０００５",
        address="神奈川県横浜市中区本町6丁目50番地の10",
    )
    assert workplace.postal_code == "231-0005"
    assert workplace.municipality.code == "141003"
    assert workplace.ward.code == "141046"
    assert workplace.versions.get().change == WorkplaceVersion.Change.CREATED
    assert AuditLog.objects.filter(action="filings.workplace.created", object_id=str(workplace.pk)).exists()


@pytest.mark.parametrize(
    ("postal_code", "address", "error"),
    [
        ("12-34", "東京都立川市", InvalidPostalCode),
        ("", "どこか", MunicipalityNotFound),
        ("", "府中市宮西町2-24", AmbiguousMunicipality),
    ],
)
def test_create_workplace_resolution_errors_write_nothing(organization, actor, postal_code, address, error):
    with pytest.raises(error) as raised:
        services.create_workplace(
            organization=organization, actor=actor, name="工場", postal_code=postal_code, address=address
        )
    assert raised.value.message
    assert not Workplace.objects.exists()
    assert not WorkplaceVersion.objects.exists()


def test_an_ambiguous_address_is_settled_by_the_municipality_code(organization, actor):
    with pytest.raises(AmbiguousMunicipality) as raised:
        services.create_workplace(
            organization=organization, actor=actor, name="府中工場", postal_code="", address="府中市宮西町2-24"
        )
    candidates = sorted(c.municipality.code for c in raised.value.candidates)
    assert len(candidates) == 2
    workplace = services.create_workplace(
        organization=organization,
        actor=actor,
        name="府中工場",
        postal_code="",
        address="府中市宮西町2-24",
        municipality_code=candidates[0],
    )
    assert workplace.municipality.code == candidates[0]


def test_rename_and_relocation_are_kept_as_versions(organization, actor, tachikawa):
    services.update_workplace(workplace=tachikawa, actor=actor, name="立川第一工場")
    services.update_workplace(
        workplace=tachikawa, actor=actor, postal_code="196-0015", address="東京都昭島市昭和町5-5"
    )
    tachikawa.refresh_from_db()
    assert tachikawa.municipality.code == "132071"
    assert list(tachikawa.versions.values_list("change", "name")) == [
        ("created", "立川工場"),
        ("renamed", "立川第一工場"),
        ("relocated", "立川第一工場"),
    ]


def test_update_workplace_no_op(organization, actor, tachikawa):
    services.update_workplace(workplace=tachikawa, actor=actor, name="立川工場", address="東京都立川市曙町2-1-1")
    assert tachikawa.versions.count() == 1
    assert not AuditLog.objects.filter(action="filings.workplace.updated").exists()


# --- Workers --------------------------------------------------------------------------------


def test_create_worker_writes_history_rows(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa, status="incoming")
    assert worker.residence_municipality.code == "132071"
    assert worker.status == WorkerStatus.INCOMING
    assert WorkerAssignment.objects.get(worker=worker).workplace == tachikawa
    assert WorkerResidence.objects.get(worker=worker).municipality.code == "132071"
    assert WorkerStatusChange.objects.get(worker=worker).status == "incoming"


def test_create_worker_refuses_another_organisations_workplace(organization, actor):
    other = WorkplaceFactory()
    with pytest.raises(FilingError) as error:
        add_worker(organization, actor, other)
    assert error.value.field == "workplace"
    assert not Worker.objects.exists()


@pytest.mark.parametrize("status", ["left", "cancelled", "bogus"])
def test_create_worker_only_incoming_or_active(organization, actor, tachikawa, status):
    with pytest.raises(FilingError):
        add_worker(organization, actor, tachikawa, status=status)


def test_transfer_move_and_status_change(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    other = services.create_workplace(
        organization=organization,
        actor=actor,
        name="多摩工場",
        postal_code="206-0011",
        address="東京都多摩市関戸1-1-1",
    )
    on = datetime.date(2026, 12, 1)
    services.update_worker(
        worker=worker,
        actor=actor,
        workplace=other,
        residence_postal_code="194-0022",
        residence_address="東京都町田市森野1-1-1",
        effective_on=on,
    )
    worker.refresh_from_db()
    assert worker.workplace == other
    assert worker.residence_municipality.code == "132098"
    assert list(worker.assignments.values_list("workplace__name", "ended_on")) == [
        ("立川工場", on),
        ("多摩工場", None),
    ]
    assert list(worker.residences.values_list("municipality__code", "ended_on")) == [("132071", on), ("132098", None)]
    services.update_worker(worker=worker, actor=actor, status="left", effective_on=on)
    worker.refresh_from_db()
    assert (worker.status, worker.status_since) == ("left", on)


def test_update_worker_no_op_and_move_within_the_municipality(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    services.update_worker(worker=worker, actor=actor, workplace=tachikawa, status="active")
    assert not AuditLog.objects.filter(action="filings.worker.updated").exists()
    before = codes(selectors.requirements_for(organization, today=TODAY).missing)
    services.update_worker(worker=worker, actor=actor, residence_address="東京都昭島市昭和町9-9-9")
    assert worker.residences.count() == 2
    assert codes(selectors.requirements_for(organization, today=TODAY).missing) == before


@pytest.mark.parametrize(("start", "target"), [("active", "incoming")])
def test_forbidden_status_moves(organization, actor, tachikawa, start, target):
    worker = add_worker(organization, actor, tachikawa, status=start)
    with pytest.raises(FilingError) as error:
        services.update_worker(worker=worker, actor=actor, status=target)
    assert error.value.field == "status"


def test_a_failed_move_changes_nothing_else(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    other = services.create_workplace(
        organization=organization,
        actor=actor,
        name="多摩工場",
        postal_code="206-0011",
        address="東京都多摩市関戸1-1-1",
    )
    with pytest.raises(MunicipalityNotFound):
        services.update_worker(
            worker=worker, actor=actor, workplace=other, residence_postal_code="", residence_address="どこか"
        )
    worker.refresh_from_db()
    assert worker.workplace == tachikawa
    assert worker.assignments.count() == 1


# --- Applications ---------------------------------------------------------------------------


def test_plan_application_twice_is_one(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    first = services.plan_application(worker=worker, actor=actor, kind="coe", planned_date="2026-12-15")
    second = services.plan_application(
        worker=worker, actor=actor, kind="coe", planned_date=datetime.date(2026, 12, 15)
    )
    assert first == second
    assert VisaApplication.objects.count() == 1


def test_plan_application_refuses_left_workers_and_bad_kinds(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    with pytest.raises(FilingError):
        services.plan_application(worker=worker, actor=actor, kind="visa", planned_date="2026-12-15")
    services.update_worker(worker=worker, actor=actor, status="left")
    with pytest.raises(FilingError):
        services.plan_application(worker=worker, actor=actor, kind="coe", planned_date="2026-12-15")


def test_application_states_follow_the_pipeline(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    application = services.plan_application(worker=worker, actor=actor, kind="coe", planned_date="2026-12-15")
    with pytest.raises(FilingError):
        services.change_application_state(application=application, actor=actor, state="granted")
    services.change_application_state(application=application, actor=actor, state="filed", on=TODAY)
    services.change_application_state(application=application, actor=actor, state="filed", on=TODAY)
    application.refresh_from_db()
    assert (application.state, application.filed_on) == ("filed", TODAY)
    assert AuditLog.objects.filter(action="filings.application.filed").count() == 1


# --- Confirmations --------------------------------------------------------------------------


def test_create_confirmation_freezes_the_content(organization, actor, tachikawa):
    add_worker(organization, actor, tachikawa)
    confirmation = services.create_confirmation(
        organization=organization, actor=actor, municipality="132071", today=TODAY
    )
    assert confirmation.status == ConfirmationStatus.DRAFT
    assert confirmation.content["employer_name"] == "株式会社サンプル製作所"
    assert confirmation.content["contact"]["email"] == "sato@example.jp"
    assert confirmation.content["workplaces"] == [
        {"id": tachikawa.pk, "name": "立川工場", "postal_code": "190-0012", "address": "東京都立川市曙町2-1-1"}
    ]
    assert confirmation.content["municipality"]["addressee"] == "昭島市長"
    again = services.create_confirmation(organization=organization, actor=actor, municipality="132071", today=TODAY)
    assert again == confirmation


def test_create_confirmation_for_a_ward_goes_to_the_city(organization, actor):
    services.create_workplace(
        organization=organization, actor=actor, name="横浜工場", postal_code="231-0005", address="横浜市中区本町6-50"
    )
    confirmation = services.create_confirmation(
        organization=organization, actor=actor, municipality="141046", today=TODAY
    )
    assert confirmation.municipality.code == "141003"


@pytest.mark.parametrize("code", ["999999", "132250"])
def test_create_confirmation_needs_a_known_connected_municipality(organization, actor, tachikawa, code):
    add_worker(organization, actor, tachikawa)
    with pytest.raises(FilingError) as error:
        services.create_confirmation(organization=organization, actor=actor, municipality=code, today=TODAY)
    assert error.value.field == "municipality_code"
    assert not Confirmation.objects.exists()


def test_submit_confirmation_portal_gives_a_receipt_and_runs_after_commit(
    organization, actor, tachikawa, django_capture_on_commit_callbacks
):
    add_worker(organization, actor, tachikawa)
    confirmation = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit_confirmation(confirmation=confirmation, actor=actor, method="portal", submitted_on=TODAY)
    assert len(callbacks) == 1
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.SUBMITTED
    assert confirmation.delivered_at is not None
    assert re.fullmatch(r"R\d+-132021-\d{6}", confirmation.receipt_number)


def test_submit_twice_is_harmless(organization, actor, tachikawa):
    add_worker(organization, actor, tachikawa)
    first = submit(organization, actor, "132021")
    again = services.submit_confirmation(
        confirmation=first, actor=actor, method="fax", submitted_on=datetime.date(2026, 12, 1)
    )
    assert (again.method, again.submitted_on) == ("email", datetime.date(2026, 11, 24))
    assert AuditLog.objects.filter(action="filings.confirmation.submitted").count() == 1


def test_viewer_cannot_submit(organization, actor, viewer, tachikawa):
    add_worker(organization, actor, tachikawa)
    confirmation = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=TODAY
    )
    with pytest.raises(FilingPermissionError):
        services.submit_confirmation(confirmation=confirmation, actor=viewer, method="post", submitted_on=TODAY)
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.DRAFT


@pytest.mark.parametrize(("method", "submitted_on"), [("pigeon", TODAY), ("post", ""), ("post", "22/11/2026")])
def test_submit_refuses_bad_method_or_date(organization, actor, tachikawa, method, submitted_on):
    add_worker(organization, actor, tachikawa)
    confirmation = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=TODAY
    )
    with pytest.raises(FilingError):
        services.submit_confirmation(confirmation=confirmation, actor=actor, method=method, submitted_on=submitted_on)


# --- Selectors ------------------------------------------------------------------------------


def test_requirements_explain_missing_and_covered(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa, status="incoming")
    services.plan_application(worker=worker, actor=actor, kind="coe", planned_date="2026-12-15")
    report = selectors.requirements_for(organization, today=TODAY)
    assert codes(report.missing) == ["132021", "132071"]
    akishima = report.entry_for("132071")
    assert akishima.due_date == datetime.date(2026, 12, 15)
    assert "特定技能外国人がこの市区町村に住んでいます（NGUYEN VAN A、勤務先: 立川工場）。" in akishima.reasons
    assert [w.name for w in akishima.workers] == ["NGUYEN VAN A"]
    submit(organization, actor, "132021")
    report = selectors.requirements_for(organization, today=TODAY)
    assert codes(report.covered) == ["132021"]
    assert report.covered[0].method_label == "電子メール"


def test_a_renamed_workplace_makes_its_confirmation_stale_with_a_reason(organization, actor, tachikawa):
    add_worker(organization, actor, tachikawa)
    submit(organization, actor, "132021")
    services.update_workplace(workplace=tachikawa, actor=actor, name="立川第一工場")
    entry = selectors.requirements_for(organization, today=TODAY).entry_for("132021")
    assert entry.is_missing
    assert entry.staleness == [
        "2026年11月24日 に提出した協力確認書の後に、事業所の名称が「立川工場」から「立川第一工場」に変わりました。"
    ]
    timeline = selectors.staleness_timeline(organization)
    assert [e.kind for e in timeline] == ["renamed"]
    assert [m.code for m in timeline[0].municipalities] == ["132021"]


def test_contact_change_appears_on_the_timeline(organization, actor, tachikawa):
    add_worker(organization, actor, tachikawa)
    submit(organization, actor, "132021")
    submit(organization, actor, "132071")
    services.update_organization(organization=organization, actor=actor, contact_phone="042-111-1111")
    report = selectors.requirements_for(organization, today=TODAY)
    assert codes(report.missing) == ["132021", "132071"]
    [event] = selectors.staleness_timeline(organization)
    assert event.kind == "organization"
    assert "042-111-1111" in event.description
    assert [m.code for m in event.municipalities] == ["132021", "132071"]


def test_worker_readiness_answers_the_visa_form(organization, actor, tachikawa):
    ready = add_worker(organization, actor, tachikawa, name="A", postal_code="190-0012", address="東京都立川市曙町1-1")
    pending = add_worker(organization, actor, tachikawa, name="B")
    gone = add_worker(organization, actor, tachikawa, name="C")
    services.update_worker(worker=gone, actor=actor, status="left")
    submit(organization, actor, "132021", on=datetime.date(2026, 11, 24))
    sheets = {s.worker.id: s for s in selectors.worker_readiness(organization, today=TODAY)}
    assert sheets[ready.pk].ready
    assert sheets[ready.pk].same_municipality
    assert sheets[ready.pk].workplace_municipality.submitted_on == datetime.date(2026, 11, 24)
    assert not sheets[pending.pk].ready
    assert sheets[pending.pk].residence_municipality.municipality.code == "132071"
    assert not sheets[pending.pk].residence_municipality.submitted
    assert sheets[pending.pk].missing == ["住居地の昭島市 に協力確認書を提出していません。"]
    assert not sheets[gone.pk].connects
    assert sheets[gone.pk].missing == []


def _populate(organization, workers: int):
    workplaces = [WorkplaceFactory(organization=organization) for _ in range(3)]
    for i in range(workers):
        worker = WorkerFactory(workplace=workplaces[i % 3])
        VisaApplicationFactory(worker=worker)
    ConfirmationFactory(organization=organization, workplaces=workplaces, submitted=True)


@pytest.mark.parametrize("workers", [1, 50])
def test_requirements_take_a_constant_number_of_queries(organization, django_assert_num_queries, workers):
    _populate(organization, workers)
    selectors.requirements_for(organization, today=TODAY)  # warm the content type cache
    with django_assert_num_queries(6):
        report = selectors.requirements_for(organization, today=TODAY)
    assert codes(report.covered) == ["132021"]
    with django_assert_num_queries(6):
        selectors.worker_readiness(organization, today=TODAY)


# --- Import ---------------------------------------------------------------------------------


def test_import_workers_all_or_nothing(organization, actor, tachikawa):
    good = WorkerRow("A", "ベトナム", tachikawa.pk, "190-0012", "東京都立川市曙町1-1", line=2)
    bad = WorkerRow("B", "ベトナム", tachikawa.pk, "", "どこか", line=3)
    with pytest.raises(WorkerImportError) as error:
        services.import_workers(organization=organization, actor=actor, rows=[good, bad])
    assert [line for line, _field, _message in error.value.errors] == [3]
    assert not Worker.objects.exists()
    rows = [
        good,
        WorkerRow("B", "ベトナム", tachikawa, "196-0015", "昭島市昭和町1", "", "incoming", None, "coe", TODAY),
    ]
    workers = services.import_workers(organization=organization, actor=actor, rows=rows)
    assert [w.name for w in workers] == ["A", "B"]
    assert VisaApplication.objects.get().worker == workers[1]
    assert AuditLog.objects.filter(action="filings.workers.imported").count() == 1


# --- provision_employer ---------------------------------------------------------------------


def test_provision_employer_prints_a_working_token_last(capsys):
    call_command("provision_employer", email="Boss@Example.jp", organization="株式会社プロビジョン")
    first = capsys.readouterr().out.strip().splitlines()[-1]
    user = User.objects.get(email="boss@example.jp")
    organization = Organization.objects.get(name="株式会社プロビジョン")
    membership = OrganizationMembership.objects.get(user=user, organization=organization)
    assert membership.role == OrganizationRole.REPRESENTATIVE
    call_command("provision_employer", email="boss@example.jp", organization="株式会社プロビジョン")
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert first != second
    assert Organization.objects.filter(name="株式会社プロビジョン").count() == 1
    assert ApiToken.objects.filter(user=user, organization=organization, revoked_at__isnull=True).count() == 2
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert client.get("/api/v1/organization").json()["name"] == "株式会社プロビジョン"


def test_provision_employer_promotes_an_existing_viewer(organization, viewer, capsys):
    call_command("provision_employer", email=viewer.email, organization=organization.name)
    assert OrganizationMembership.objects.get(user=viewer).role == OrganizationRole.REPRESENTATIVE


def test_import_workers_checks_every_row_before_writing(organization, actor, tachikawa):
    other = WorkplaceFactory()
    rows = [
        WorkerRow("", "ベトナム", tachikawa.pk, "190-0012", "東京都立川市曙町1-1", line=2),
        WorkerRow("C", "ベトナム", other.pk, "190-0012", "東京都立川市曙町1-1", line=3),
        WorkerRow("D", "ベトナム", tachikawa.pk, "190-0012", "東京都立川市曙町1-1", application_kind="coe", line=4),
        WorkerRow("E", "ベトナム", tachikawa.pk, "190-0012", "東京都立川市曙町1-1", status="left", line=5),
        WorkerRow("F", "ベトナム", tachikawa.pk, "12", "東京都立川市曙町1-1", line=6),
    ]
    with pytest.raises(WorkerImportError) as error:
        services.import_workers(organization=organization, actor=actor, rows=rows)
    assert [(line, field) for line, field, _message in error.value.errors] == [
        (2, "name"),
        (3, "workplace"),
        (4, "planned_date"),
        (5, "status"),
        (6, "residence"),
    ]
    assert not Worker.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="filings.worker").exists()


def test_import_workers_uses_a_residence_resolved_beforehand(
    organization, actor, tachikawa, django_assert_max_num_queries
):
    from municipalities.services import resolve

    found = resolve(postal_code="231-0005", address="横浜市中区本町6-50")
    rows = [
        WorkerRow(f"W{i}", "ベトナム", tachikawa, "231-0005", f"横浜市中区本町{i}", residence=found, line=i + 2)
        for i in range(30)
    ]
    with django_assert_max_num_queries(20):
        workers = services.import_workers(organization=organization, actor=actor, rows=rows)
    assert len(workers) == 30
    assert {w.residence_municipality.code for w in workers} == {"141003"}
    assert Worker.objects.filter(residence_ward__code="141046").count() == 30
    assert WorkerResidence.objects.count() == 30
    assert AuditLog.objects.filter(action="filings.worker.created").count() == 30
    assert codes(selectors.requirements_for(organization, today=TODAY).missing) == ["132021", "141003"]


def test_nobody_is_assigned_to_a_closed_workplace(organization, actor, tachikawa):
    worker = add_worker(organization, actor, tachikawa)
    closed = services.create_workplace(
        organization=organization, actor=actor, name="旧工場", postal_code="206-0011", address="東京都多摩市関戸1-1-1"
    )
    services.update_workplace(workplace=closed, actor=actor, closed_on="2026-10-31")
    assert closed.versions.last().change == WorkplaceVersion.Change.CLOSED
    with pytest.raises(FilingError) as error:
        services.update_worker(worker=worker, actor=actor, workplace=closed)
    assert error.value.field == "workplace"
    with pytest.raises(FilingError):
        add_worker(organization, actor, closed, name="B")
    rows = [WorkerRow("C", "ベトナム", closed.pk, "190-0012", "東京都立川市曙町1-1", line=2)]
    with pytest.raises(WorkerImportError):
        services.import_workers(organization=organization, actor=actor, rows=rows)
    worker.refresh_from_db()
    assert worker.workplace == tachikawa


def test_a_double_submit_registers_one_workplace_and_one_worker(organization, actor, tachikawa):
    again = services.create_workplace(
        organization=organization, actor=actor, name="立川工場", postal_code="1900012", address="東京都立川市曙町2-1-1"
    )
    assert again == tachikawa
    first = add_worker(organization, actor, tachikawa)
    assert add_worker(organization, actor, tachikawa) == first
    namesake = add_worker(organization, actor, tachikawa, address="東京都昭島市昭和町2-2-2")
    assert namesake != first
    assert Workplace.objects.count() == 1
    assert Worker.objects.count() == 2
    assert AuditLog.objects.filter(action="filings.worker.created").count() == 2
