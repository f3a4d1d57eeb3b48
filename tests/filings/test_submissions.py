"""Submission on the real database: frozen PDFs, receipts, proofs, notifications, the ZIP of missing PDFs."""

import datetime
import hashlib
import io
import re
import subprocess
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditLog
from filings import selectors, services, submissions
from filings.constants import ConfirmationStatus
from filings.models import (
    Confirmation,
    ConfirmationAccess,
    FrozenPdf,
    InboxPreference,
    PdfBundle,
    Receipt,
    SubmissionProof,
)
from filings.services import FilingError
from municipalities.models import Municipality, MunicipalityProfile

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def actor(employer_user):
    return employer_user


@pytest.fixture
def employer(client, employer_user):
    client.force_login(employer_user)
    return client


def add_workplace(organization, actor, name="立川工場", address="東京都立川市曙町2-1-1", postal_code="190-0012"):
    workplace = services.create_workplace(
        organization=organization, actor=actor, name=name, postal_code=postal_code, address=address
    )
    services.create_worker(
        organization=organization,
        actor=actor,
        name=f"WORKER {workplace.pk}",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code=postal_code,
        residence_address=address,
    )
    return workplace


@pytest.fixture
def draft(organization, actor):
    add_workplace(organization, actor)
    return services.create_confirmation(organization=organization, actor=actor, municipality="132021", today=TODAY)


def submit(confirmation, actor, method="portal", **extra):
    return services.submit_confirmation(
        confirmation=confirmation, actor=actor, method=method, submitted_on=TODAY, **extra
    )


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


# --- Frozen once submitted ------------------------------------------------------------------------


def test_submitted_confirmation_keeps_its_snapshot_and_pdf_bytes_after_the_employer_changes(
    organization, actor, draft, employer
):
    submitted = submit(draft, actor)
    frozen = FrozenPdf.objects.get(confirmation=submitted)
    before = bytes(frozen.data)
    assert frozen.sha256 == hashlib.sha256(before).hexdigest()
    assert frozen.size == len(before)

    services.update_organization(organization=organization, actor=actor, name="株式会社新社名")
    submitted.refresh_from_db()
    assert submitted.content["employer_name"] == "株式会社サンプル製作所"
    # The PDF served is the frozen one, byte for byte, and still prints the old name.
    assert submissions.confirmation_pdf_bytes(submitted) == before
    response = employer.get(reverse("filings:confirmation_pdf", args=[submitted.pk]))
    assert response.content == before
    assert "株式会社サンプル製作所" in pdftotext(response.content)
    # Freezing again changes nothing.
    assert submissions.freeze_pdf(submitted).sha256 == frozen.sha256
    assert FrozenPdf.objects.filter(confirmation=submitted).count() == 1
    # The change only makes it stale, and the page says which change.
    page = employer.get(reverse("filings:confirmation_detail", args=[submitted.pk])).content.decode()
    assert "内容が古くなっています" in page
    assert "株式会社新社名" in page
    listing = employer.get(reverse("filings:confirmation_list")).content.decode()
    assert "内容が古くなっています" in listing


def test_portal_receipt_carries_a_readable_unique_number_and_the_hash_of_the_frozen_bytes(
    organization, actor, draft, api_client
):
    submitted = submit(draft, actor)
    receipt = Receipt.objects.get(confirmation=submitted)
    assert re.fullmatch(r"R8-132021-\d{6}", receipt.number)
    assert submitted.receipt_number == receipt.number
    assert submitted.delivered_at == receipt.issued_at
    pdf = api_client.get(f"/api/v1/confirmations/{submitted.pk}/pdf").content
    assert hashlib.sha256(pdf).hexdigest() == receipt.sha256
    # The next receipt of the municipality takes the next number.
    services.update_organization(organization=organization, actor=actor, contact_name="鈴木 一郎")
    second = services.create_confirmation(organization=organization, actor=actor, municipality="132021", today=TODAY)
    second = submit(second, actor)
    assert int(second.receipt_number[-6:]) == int(receipt.number[-6:]) + 1


def test_a_second_submit_is_a_no_op(actor, draft):
    submit(draft, actor)
    again = submit(draft, actor, method="email")
    assert again.method == "portal"
    assert Receipt.objects.filter(confirmation=draft).count() == 1
    assert AuditLog.objects.filter(action="filings.confirmation.submitted", object_id=str(draft.pk)).count() == 1


def test_portal_submission_notifies_the_office_unless_it_chose_the_digest(
    organization, actor, draft, django_capture_on_commit_callbacks
):
    tachikawa = Municipality.objects.get(code="132021")
    MunicipalityProfile.objects.create(municipality=tachikawa, email="kyoryoku@city.tachikawa.example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, actor)
    arrivals = [m for m in mail.outbox if "kyoryoku@city.tachikawa.example.jp" in m.to]
    assert len(arrivals) == 1

    assert Receipt.objects.get(confirmation=draft).number in arrivals[0].subject
    assert Receipt.objects.get(confirmation=draft).notified_at is not None

    InboxPreference.objects.create(municipality=tachikawa, daily_digest=True)
    services.update_organization(organization=organization, actor=actor, contact_name="鈴木 一郎")
    second = services.create_confirmation(organization=organization, actor=actor, municipality="132021", today=TODAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(second, actor)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert submissions.send_daily_digests() == 1
    assert len(mail.outbox) == 1
    assert second.receipt_number in mail.outbox[0].body


def test_receipt_page_and_receipt_pdf(actor, draft, employer):
    submitted = submit(draft, actor)
    page = employer.get(reverse("filings:confirmation_receipt", args=[submitted.pk])).content.decode()
    assert submitted.receipt_number in page
    assert Receipt.objects.get(confirmation=submitted).sha256 in page
    response = employer.get(reverse("filings:confirmation_receipt_pdf", args=[submitted.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert submitted.receipt_number in text
    assert "令和" in text
    assert ConfirmationAccess.objects.filter(confirmation=submitted, action="download_receipt").count() == 1


def test_portal_submit_through_the_page_gives_the_receipt_number(draft, employer):
    response = employer.post(
        reverse("filings:confirmation_submit", args=[draft.pk]),
        {"method": "portal", "submitted_on": "2026-11-22"},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.receipt_number in response.content.decode()
    detail = employer.get(reverse("filings:confirmation_detail", args=[draft.pk])).content.decode()
    assert reverse("filings:confirmation_receipt", args=[draft.pk]) in detail


def test_another_organisations_receipt_is_404(actor, draft, client, make_user):
    from accounts.services import create_organization

    submit(draft, actor)
    stranger = make_user("other@example.jp")
    create_organization(name="他社株式会社", representative=stranger)
    client.force_login(stranger)
    assert client.get(reverse("filings:confirmation_receipt", args=[draft.pk])).status_code == 404
    assert client.get(reverse("filings:confirmation_pdf", args=[draft.pk])).status_code == 404


# --- Other channels and their proof --------------------------------------------------------------


def test_other_channel_keeps_a_proof_checked_by_its_first_bytes(actor, draft):
    proof = SimpleUploadedFile("控え.png", PNG, content_type="application/pdf")
    submitted = submit(draft, actor, method="post", proof=proof)
    stored = SubmissionProof.objects.get(confirmation=submitted)
    assert stored.content_type == "image/png"
    assert bytes(stored.data) == PNG
    assert not Receipt.objects.filter(confirmation=submitted).exists()
    assert FrozenPdf.objects.filter(confirmation=submitted).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", b"MZ\x90\x00 not a pdf", "PDF、PNG、JPEG のいずれか"),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024), "10MB以下"),
        ("empty.pdf", b"", "空です"),
    ],
)
def test_a_wrong_proof_is_refused_in_japanese_and_nothing_is_written(actor, draft, employer, name, data, message):
    response = employer.post(
        reverse("filings:confirmation_submit", args=[draft.pk]),
        {"method": "post", "submitted_on": "2026-11-22", "proof": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ConfirmationStatus.DRAFT
    assert not SubmissionProof.objects.exists()
    assert not FrozenPdf.objects.exists()


def test_check_proof_accepts_jpeg_and_pdf():
    assert submissions.check_proof(SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0rest")).content_type == "image/jpeg"
    assert submissions.check_proof(SimpleUploadedFile("a.pdf", PDF)).content_type == "application/pdf"
    with pytest.raises(FilingError):
        submissions.check_proof(SimpleUploadedFile("a.gif", b"GIF89a"))


# --- Characters the PDF font cannot print --------------------------------------------------------


def test_unprintable_characters_are_refused_through_the_api(api_client, organization):
    response = api_client.patch("/api/v1/organization", {"name": "𠮷野家株式会社"}, format="json")
    assert response.status_code == 400
    assert "印字できません" in str(response.json()["errors"])
    assert "𠮷" in str(response.json()["errors"])
    organization.refresh_from_db()
    assert organization.name == "株式会社サンプル製作所"
    response = api_client.post(
        "/api/v1/workplaces",
        {"name": "工場😀", "postal_code": "190-0012", "address": "東京都立川市曙町2-1-1"},
        format="json",
    )
    assert response.status_code == 400
    assert "印字できません" in str(response.json()["errors"])


def test_unprintable_characters_are_refused_by_the_workplace_form(employer, organization):
    data = {
        "name": "𠮷田工場",
        "postal_code": "190-0012",
        "address": "東京都立川市曙町2-1-1",
        "address_confirmed": "132021",
    }
    response = employer.post(reverse("filings:workplace_add"), data)
    assert "印字できません" in response.content.decode()
    assert not organization.workplaces.exists()


def test_a_confirmation_without_an_addressee_in_its_snapshot_is_addressed_to_the_city(organization):
    ward = Municipality.objects.filter(kind="ward", city__name="横浜市").first()
    confirmation = Confirmation(organization=organization, municipality=ward, content={})
    assert selectors.confirmation_document(confirmation).addressee == "横浜市長"


# --- Download everything missing -----------------------------------------------------------------


def test_bundle_of_missing_pdfs_is_built_with_progress(
    organization, actor, employer, django_capture_on_commit_callbacks
):
    add_workplace(organization, actor)
    add_workplace(
        organization, actor, name="八王子工場", address="東京都八王子市元本郷町3-24-1", postal_code="192-0051"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = employer.post(reverse("filings:confirmation_bundle_request"))
    bundle = PdfBundle.objects.get(organization=organization)
    assert response.url == reverse("filings:confirmation_bundle", args=[bundle.pk])
    assert bundle.status == PdfBundle.Status.DONE
    progress = employer.get(reverse("filings:confirmation_bundle_progress", args=[bundle.pk])).json()
    assert progress == {"status": "done", "done": 2, "total": 2, "percent": 100}
    download = employer.get(reverse("filings:confirmation_bundle_download", args=[bundle.pk]))
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        names = sorted(archive.namelist())
        assert names == ["132012_八王子市.pdf", "132021_立川市.pdf"]
        assert archive.read(names[1]).startswith(b"%PDF")
    page = employer.get(reverse("filings:confirmation_bundle", args=[bundle.pk])).content.decode()
    assert "ZIPをダウンロード" in page


def test_a_second_bundle_request_while_one_runs_returns_it(organization, actor):
    first = PdfBundle.objects.create(organization=organization, requested_by=actor, status=PdfBundle.Status.RUNNING)
    assert submissions.request_pdf_bundle(organization=organization, actor=actor) == first
    assert PdfBundle.objects.count() == 1


def test_a_large_bundle_renders_on_every_core_with_the_same_bytes(
    organization, actor, monkeypatch, django_capture_on_commit_callbacks
):
    add_workplace(organization, actor)
    add_workplace(
        organization, actor, name="八王子工場", address="東京都八王子市元本郷町3-24-1", postal_code="192-0051"
    )
    add_workplace(organization, actor, name="昭島工場", address="東京都昭島市田中町1-17-1", postal_code="196-0011")
    monkeypatch.setattr(submissions, "PARALLEL_MIN_PDFS", 2)
    with django_capture_on_commit_callbacks(execute=True):
        bundle = submissions.request_pdf_bundle(organization=organization, actor=actor)
    bundle.refresh_from_db()
    assert bundle.status == PdfBundle.Status.DONE
    with zipfile.ZipFile(io.BytesIO(bytes(bundle.data))) as archive:
        assert len(archive.namelist()) == 3
        for confirmation in Confirmation.objects.filter(organization=organization):
            name = f"{confirmation.municipality.code}_{confirmation.municipality.name}.pdf"
            expected = submissions.confirmation_pdf_bytes(confirmation)
            assert archive.read(name) == expected


def test_a_confirmation_is_refused_for_text_entered_before_the_font_check(organization, actor):
    add_workplace(organization, actor)
    type(organization).objects.filter(pk=organization.pk).update(contact_name="𠮷田 太郎")
    with pytest.raises(FilingError, match="印字できません: 𠮷"):
        services.create_confirmation(organization=organization, actor=actor, municipality="132021", today=TODAY)
    assert not Confirmation.objects.exists()
