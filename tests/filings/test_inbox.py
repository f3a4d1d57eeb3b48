"""The municipality inbox: scoping to the municipality's staff, filters, search, export, 受理, access log."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from accounts.services import create_organization
from filings import services
from filings.models import ConfirmationAccess, FrozenPdf
from municipalities.models import Municipality, MunicipalityStaff

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def _valid_corporate_number() -> str:
    base = "234567890123"
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return f"{9 - total % 9}{base}"


def submitted(organization, actor, method="portal", on=TODAY, name="立川工場", address="東京都立川市曙町2-1-1"):
    workplace = services.create_workplace(
        organization=organization, actor=actor, name=name, postal_code="190-0012", address=address
    )
    services.create_worker(
        organization=organization,
        actor=actor,
        name=f"W{workplace.pk}",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="190-0012",
        residence_address=address,
    )
    confirmation = services.create_confirmation(
        organization=organization, actor=actor, municipality="132021", today=TODAY
    )
    return services.submit_confirmation(confirmation=confirmation, actor=actor, method=method, submitted_on=on)


@pytest.fixture
def staff_user(make_user, enable_totp):
    user = make_user("tantou@city.tachikawa.example.jp", full_name="立川 一郎")
    MunicipalityStaff.objects.create(user=user, municipality=Municipality.objects.get(code="132021"))
    enable_totp(user)
    return user


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def portal(organization, employer_user):
    services.update_organization(
        organization=organization, actor=employer_user, corporate_number=_valid_corporate_number()
    )
    return submitted(organization, employer_user)


@pytest.fixture
def by_post(make_user):
    user = make_user("soumu@other.example.jp")
    other = create_organization(name="砂川精工株式会社", representative=user)
    services.update_organization(
        organization=other,
        actor=user,
        contact_department="総務課",
        contact_name="田中",
        contact_email="t@other.example.jp",
    )
    return submitted(
        other, user, method="post", on=datetime.date(2026, 10, 1), name="砂川工場", address="東京都立川市砂川町1-1-1"
    )


def rows(response):
    return response.content.decode()


def test_inbox_lists_portal_arrivals_and_other_channel_reports_marked_as_such(staff, portal, by_post):
    body = rows(staff.get(reverse("filings:municipality_inbox")))
    assert portal.receipt_number in body
    assert "株式会社サンプル製作所" in body
    assert "砂川精工株式会社" in body
    assert "ポータル" in body
    assert "報告: 郵送" in body


def test_filters_status_channel_period_name_and_corporate_number(staff, staff_user, portal, by_post):
    url = reverse("filings:municipality_inbox")
    assert "砂川精工" not in rows(staff.get(url, {"channel": "portal"}))
    assert "サンプル製作所" not in rows(staff.get(url, {"channel": "other"}))
    assert "砂川精工" not in rows(staff.get(url, {"from": "2026-11-01"}))
    assert "サンプル製作所" not in rows(staff.get(url, {"to": "２０２６-１０-３１"}))  # full-width digits
    assert "サンプル製作所" not in rows(staff.get(url, {"q": "砂川"}))
    assert "砂川精工" in rows(staff.get(url, {"q": "砂川 精工"}))
    assert "砂川精工" in rows(staff.get(url, {"q": "砂川町"}))  # a workplace address
    assert "サンプル製作所" in rows(staff.get(url, {"q": portal.receipt_number}))
    number = portal.organization.corporate_number
    found = rows(staff.get(url, {"q": f"{number[:1]}-{number[1:5]}-{number[5:9]}-{number[9:]}"}))
    assert "サンプル製作所" in found
    assert "砂川精工" not in found
    staff.post(reverse("filings:municipality_inbox_acknowledge", args=[portal.pk]))
    assert "サンプル製作所" not in rows(staff.get(url, {"status": "new"}))
    assert "砂川精工" not in rows(staff.get(url, {"status": "acknowledged"}))


def test_drafts_never_reach_the_inbox(staff, organization, employer_user):
    services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2-1-1",
    )
    assert "サンプル製作所" not in rows(staff.get(reverse("filings:municipality_inbox")))


def test_pagination(staff, organization, employer_user, portal):
    from filings.models import Confirmation

    Confirmation.objects.bulk_create(
        [
            Confirmation(
                organization=organization,
                municipality=portal.municipality,
                status="submitted",
                method="email",
                submitted_on=TODAY,
                submitted_at=portal.submitted_at,
                content=portal.content,
            )
            for _ in range(60)
        ]
    )
    first = rows(staff.get(reverse("filings:municipality_inbox")))
    assert "1 / 2 ページ(全 61 件)" in first
    assert "2 / 2" in rows(staff.get(reverse("filings:municipality_inbox"), {"page": 2}))


def test_detail_shows_pdf_receipt_and_contact_and_logs_every_view_and_download(staff, staff_user, portal):
    body = rows(staff.get(reverse("filings:municipality_inbox_detail", args=[portal.pk])))
    assert portal.receipt_number in body
    assert portal.receipt.sha256 in body
    assert "sato@example.jp" in body
    assert "総務部" in body
    pdf = staff.get(reverse("filings:municipality_inbox_pdf", args=[portal.pk]))
    assert pdf.content == bytes(FrozenPdf.objects.get(confirmation=portal).data)
    actions = list(
        ConfirmationAccess.objects.filter(confirmation=portal).values_list("action", "user", "municipality")
    )
    assert sorted(actions) == [
        ("download_pdf", staff_user.pk, portal.municipality_id),
        ("view", staff_user.pk, portal.municipality_id),
    ]


def test_another_municipalitys_staff_and_employers_get_404(client, make_user, enable_totp, portal, employer_user):
    other = make_user("tantou@city.hachioji.example.jp")
    MunicipalityStaff.objects.create(user=other, municipality=Municipality.objects.get(code="132012"))
    enable_totp(other)
    client.force_login(other)
    for name in ("municipality_inbox_detail", "municipality_inbox_pdf", "municipality_inbox_acknowledge"):
        method = client.post if name.endswith("acknowledge") else client.get
        assert method(reverse(f"filings:{name}", args=[portal.pk])).status_code == 404
    assert portal.receipt_number not in rows(client.get(reverse("filings:municipality_inbox")))
    assert not ConfirmationAccess.objects.exists()
    client.force_login(employer_user)
    assert client.get(reverse("filings:municipality_inbox")).status_code == 404
    assert client.get(reverse("filings:municipality_inbox_detail", args=[portal.pk])).status_code == 404


def test_acknowledge_with_a_note_the_employer_sees(
    staff, staff_user, portal, client, employer_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("filings:municipality_inbox_acknowledge", args=[portal.pk]), {"note": "原本の郵送は不要です。"}
        )
    assert response.status_code == 302
    portal.refresh_from_db()
    assert portal.acknowledged_by == staff_user
    assert [m.to for m in mail.outbox] == [["sato@example.jp"]]
    assert "原本の郵送は不要です。" in mail.outbox[0].body
    # A second 受理 changes nothing.
    first_at = portal.acknowledged_at
    staff.post(reverse("filings:municipality_inbox_acknowledge", args=[portal.pk]), {"note": "別の連絡"})
    portal.refresh_from_db()
    assert portal.acknowledged_at == first_at
    assert portal.acknowledgement_note == "原本の郵送は不要です。"
    # The employer sees it.
    staff.logout()
    client.force_login(employer_user)
    page = rows(client.get(reverse("filings:confirmation_detail", args=[portal.pk])))
    assert "受理済み" in page
    assert "原本の郵送は不要です。" in page
    assert "受理済み" in rows(client.get(reverse("filings:confirmation_list")))


def test_a_too_long_note_is_refused_in_japanese(staff, portal):
    response = staff.post(
        reverse("filings:municipality_inbox_acknowledge", args=[portal.pk]), {"note": "あ" * 1001}, follow=True
    )
    assert "1,000文字以内" in rows(response)
    portal.refresh_from_db()
    assert portal.acknowledged_at is None


def test_export_csv_with_bom_and_xlsx_honour_the_filters(staff, portal, by_post):
    url = reverse("filings:municipality_inbox_export", args=["csv"])
    data = staff.get(url, {"channel": "portal"}).content
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][0] == "受付番号"
    assert [row[0] for row in table[1:]] == [portal.receipt_number]
    assert table[1][4] == "株式会社サンプル製作所"
    everything = list(csv.reader(io.StringIO(staff.get(url).content.decode("utf-8-sig"))))
    assert len(everything) == 3
    xlsx = staff.get(reverse("filings:municipality_inbox_export", args=["xlsx"]), {"channel": "other"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0][0] == "受付番号"
    assert [v[4] for v in values[1:]] == ["砂川精工株式会社"]
    assert staff.get(reverse("filings:municipality_inbox_export", args=["pdf"])).status_code == 404


def test_daily_digest_preference(staff, staff_user):
    from filings.models import InboxPreference

    staff.post(reverse("filings:municipality_inbox_preference"), {"daily_digest": "1"})
    assert InboxPreference.objects.get(municipality__code="132021").daily_digest is True
    staff.post(reverse("filings:municipality_inbox_preference"), {})
    assert InboxPreference.objects.get(municipality__code="132021").daily_digest is False


def test_an_inactive_staff_member_sees_nothing(client, staff_user, portal):
    MunicipalityStaff.objects.filter(user=staff_user).update(is_active=False)
    client.force_login(staff_user)
    assert client.get(reverse("filings:municipality_inbox")).status_code == 404
    assert client.get(reverse("filings:municipality_inbox_detail", args=[portal.pk])).status_code == 404


def test_only_the_municipalitys_staff_may_change_the_digest_or_acknowledge(make_user, portal, employer_user):
    from accounts.models import AuditLog
    from filings import submissions
    from filings.services import FilingPermissionError

    tachikawa = Municipality.objects.get(code="132021")
    with pytest.raises(FilingPermissionError):
        submissions.set_inbox_digest(municipality=tachikawa, actor=employer_user, daily_digest=True)
    with pytest.raises(FilingPermissionError):
        submissions.acknowledge_confirmation(confirmation=portal, actor=employer_user, municipality=tachikawa)
    staff = make_user("staff2@city.tachikawa.example.jp")
    MunicipalityStaff.objects.create(user=staff, municipality=tachikawa)
    submissions.set_inbox_digest(municipality=tachikawa, actor=staff, daily_digest=True)
    submissions.set_inbox_digest(municipality=tachikawa, actor=staff, daily_digest=True)
    assert AuditLog.objects.filter(action="filings.inbox.preference_changed").count() == 1


def test_the_proof_of_another_channel_is_shown_and_its_download_logged(staff, staff_user, organization, employer_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
    workplace = services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="立川市曙町2-1",
    )
    services.create_worker(
        organization=organization,
        actor=employer_user,
        name="A",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="190-0012",
        residence_address="立川市曙町3-3",
    )
    draft = services.create_confirmation(organization=organization, actor=employer_user, municipality="132021")
    confirmation = services.submit_confirmation(
        confirmation=draft,
        actor=employer_user,
        method="counter",
        submitted_on=TODAY,
        proof=SimpleUploadedFile("窓口控え.png", png),
    )
    assert "窓口控え.png" in rows(staff.get(reverse("filings:municipality_inbox_detail", args=[confirmation.pk])))
    download = staff.get(reverse("filings:municipality_inbox_proof", args=[confirmation.pk]))
    assert download.content == png
    assert download["Content-Type"] == "image/png"
    assert ConfirmationAccess.objects.filter(
        confirmation=confirmation, action="download_proof", user=staff_user
    ).exists()
