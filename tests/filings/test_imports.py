"""Roster import and export through the pages: encodings, full-width input, errors row by row, all or nothing."""

import csv
import datetime
import io
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.constants import OrganizationRole
from accounts.models import OrganizationMembership
from filings import services
from filings.imports import RosterFileError, decode_csv, read_roster
from filings.models import VisaApplication, Worker

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ",".join(
    [
        "氏名",
        "国籍・地域",
        "事業所名",
        "住居地の郵便番号",
        "住居地の住所",
        "住居地の市区町村コード",
        "状況",
        "在留カードの有効期限",
        "申請の種類",
        "申請予定日",
    ]
)
PROGRESS_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def municipalities(db):
    from municipalities.services import refresh_municipalities

    refresh_municipalities()


@pytest.fixture
def employer(client, employer_user, organization, municipalities):
    services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2丁目1番1号",
    )
    client.force_login(employer_user)
    return client


def _upload(client, data: bytes, name: str = "roster.csv"):
    return client.post(
        reverse("filings:roster_import"),
        {"file": SimpleUploadedFile(name, data), "progress_id": PROGRESS_ID},
    )


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _import(client, data: bytes, name: str = "roster.csv"):
    """Upload, look at the preview, confirm: the journey of the page."""
    response = _upload(client, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response.url)
    confirm = client.post(response.url, {"action": "import"})
    return preview, confirm


# --- Reading --------------------------------------------------------------------------------


def test_cp932_with_vendor_kanji_is_read_and_imported(employer, organization):
    data = _fixture("roster_cp932.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")  # 髙 and 﨑 exist only in cp932, not in plain Shift_JIS
    preview, confirm = _import(employer, data)
    assert 'id="preview-ok"' in preview.content.decode()
    assert confirm.status_code == 302
    assert confirm.url == reverse("filings:worker_list")
    names = set(Worker.objects.filter(organization=organization).values_list("name", flat=True))
    assert names == {"髙橋 マリア", "山﨑 アナ"}
    takahashi = Worker.objects.get(name="髙橋 マリア")
    assert takahashi.residence_municipality.code == "132071"
    assert takahashi.status == "incoming"
    assert VisaApplication.objects.get(worker=takahashi).planned_date == datetime.date(2026, 12, 15)
    assert Worker.objects.get(name="山﨑 アナ").residence_card_expiry == datetime.date(2027, 3, 31)


def test_full_width_digits_in_postal_codes_and_dates_and_a_bom(employer, organization):
    _preview, confirm = _import(employer, _fixture("roster_fullwidth_utf8_bom.csv"))
    assert confirm.status_code == 302
    a = Worker.objects.get(organization=organization, name="NGUYEN VAN A")
    assert a.residence_postal_code == "196-0015"
    assert a.residence_card_expiry == datetime.date(2028, 3, 31)
    assert VisaApplication.objects.get(worker=a).kind == "coe"
    b = Worker.objects.get(organization=organization, name="TRAN THI B")
    assert b.residence_municipality.code == "132021"
    assert b.residence_card_expiry == datetime.date(2028, 3, 31)  # 令和10年


def test_utf8_without_bom_and_cp932_decode_alike():
    text = HEADER + "\r\n髙﨑 一郎,日本,立川工場,190-0012,東京都立川市曙町1-1,,,,,\r\n"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(text.encode("cp932")) == text
    assert decode_csv(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


@pytest.mark.parametrize("name", ["roster_empty.csv", "roster_header_only.csv"])
def test_an_empty_file_is_refused_in_japanese(employer, organization, name):
    response = _upload(employer, _fixture(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ファイルが空です" in body or "データの行がありません" in body
    assert not Worker.objects.filter(organization=organization).exists()


def test_a_file_without_the_required_columns_is_refused():
    with pytest.raises(RosterFileError) as info:
        read_roster("名前だけ\nA\n".encode(), "x.csv")
    assert "見出し行に必要な列がありません" in str(info.value)


def test_a_file_of_another_type_is_refused(employer):
    response = _upload(employer, b"%PDF-1.7", "roster.pdf")
    assert response.status_code == 200
    assert "CSV(.csv)または Excel(.xlsx)" in response.content.decode()


# --- Errors row by row, nothing written -----------------------------------------------------


def test_one_bad_row_imports_nothing(employer, organization):
    response = _upload(employer, _fixture("roster_one_bad_row.csv"))
    preview = employer.get(response.url).content.decode()
    assert 'id="preview-errors"' in preview
    assert 'data-line="3"' in preview
    assert "氏名が入力されていません" in preview
    assert "登録する</button>" not in preview
    # Confirming anyway (a forged POST) writes nothing.
    confirm = employer.post(response.url, {"action": "import"})
    assert confirm.status_code == 302
    assert not Worker.objects.filter(organization=organization).exists()


def test_each_kind_of_error_is_explained_in_japanese(employer, organization, employer_user):
    workplace = organization.workplaces.get()
    services.create_worker(
        organization=organization,
        actor=employer_user,
        name="VO F",
        nationality="ベトナム",
        workplace=workplace,
        residence_postal_code="196-0015",
        residence_address="東京都昭島市昭和町1-1-1",
    )
    response = _upload(employer, _fixture("roster_errors.csv"))
    body = employer.get(response.url).content.decode()
    assert "郵便番号「999-9999」は見つかりません" in body  # unknown postal code
    assert "市区町村が一つに決まりません" in body  # ambiguous address
    assert "132063" in body  # the candidates are named with the code that settles them
    assert "存在しない日付" in body  # bad date
    assert "2 行目と重複しています" not in body
    assert "4 行目と重複しています" in body  # duplicate in the file
    assert "既に登録されています" in body  # duplicate of a registered worker
    assert "事業所「本社」は登録されていません" in body
    assert "状況「退職」は使えません" in body
    assert Worker.objects.filter(organization=organization).count() == 1


def test_the_preview_is_checked_again_when_confirmed(employer, organization, employer_user):
    response = _upload(employer, _fixture("roster_cp932.csv"))
    # Someone registers one of the roster's workers between the preview and the confirmation.
    services.create_worker(
        organization=organization,
        actor=employer_user,
        name="髙橋 マリア",
        nationality="フィリピン",
        workplace=organization.workplaces.get(),
        residence_postal_code="196-0015",
        residence_address="東京都昭島市昭和町1-1-1",
    )
    confirm = employer.post(response.url, {"action": "import"})
    assert confirm.url == response.url
    assert Worker.objects.filter(organization=organization).count() == 1
    assert "既に登録されています" in employer.get(response.url).content.decode()


def test_discarding_a_preview_deletes_the_upload(employer, organization):
    response = _upload(employer, _fixture("roster_cp932.csv"))
    employer.post(response.url, {"action": "discard"})
    assert employer.get(response.url).status_code == 404
    assert not Worker.objects.filter(organization=organization).exists()


# --- Large files ----------------------------------------------------------------------------


def _big_roster_lines(rows: int = 10_000) -> list[str]:
    lines = [HEADER]
    for number in range(rows):
        postal, address = (
            ("196-0015", f"東京都昭島市昭和町1-{number // 100}-{number % 100}")
            if number % 2
            else ("190-0012", f"東京都立川市曙町2-{number // 100}-{number % 100}")
        )
        lines.append(f"WORKER {number:05d},ベトナム,立川工場,{postal},{address},,就労中,,,")
    return lines


def test_a_10000_row_file_is_imported_in_one_go(employer, organization):
    data = ("\r\n".join(_big_roster_lines()) + "\r\n").encode("cp932")
    response = _upload(employer, data)
    assert 'id="preview-ok"' in employer.get(response.url).content.decode()
    confirm = employer.post(response.url, {"action": "import"})
    assert confirm.url == reverse("filings:worker_list")
    assert Worker.objects.filter(organization=organization).count() == 10_000
    assert Worker.objects.filter(organization=organization, residence_municipality__code="132071").count() == 5_000


def test_a_10000_row_file_is_checked_with_progress_and_one_bad_row_stops_it(employer, organization):
    lines = _big_roster_lines()
    lines[9_000] = lines[9_000].replace("就労中,,", "就労中,2027/13/01,")  # one bad date, line 9,001
    data = ("\r\n".join(lines) + "\r\n").encode("cp932")
    started = time.monotonic()
    response = _upload(employer, data)
    checked_in = time.monotonic() - started
    assert response.status_code == 302
    assert checked_in < 20
    progress = employer.get(reverse("filings:roster_progress", args=[PROGRESS_ID])).json()
    assert progress == {"done": 10_000, "total": 10_000, "phase": "done"}
    preview = employer.get(response.url).content.decode()
    assert "10000 行" in preview
    assert 'data-line="9001"' in preview
    assert "1 行に 1 件のエラー" in preview
    confirm = employer.post(response.url, {"action": "import"})
    assert confirm.url == response.url
    assert not Worker.objects.filter(organization=organization).exists()


def test_progress_of_an_unknown_upload_is_zero_and_ids_are_checked(employer):
    cache.clear()
    assert employer.get(reverse("filings:roster_progress", args=[PROGRESS_ID])).json()["done"] == 0
    assert employer.get("/employer/workers/import/progress/not-an-id/").status_code == 404


# --- Excel ----------------------------------------------------------------------------------


def test_an_xlsx_roster_with_numeric_cells_is_imported(employer, organization):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "髙﨑 次郎",
            "日本",
            "立川工場",
            1960015,
            "東京都昭島市昭和町1-1-1",
            None,
            "就労中",
            datetime.datetime(2027, 1, 31),
            None,
            None,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    _preview, confirm = _import(employer, buffer.getvalue(), "roster.xlsx")
    assert confirm.status_code == 302
    worker = Worker.objects.get(organization=organization)
    assert worker.residence_card_expiry == datetime.date(2027, 1, 31)
    assert worker.residence_postal_code == "196-0015"


# --- Template and export --------------------------------------------------------------------


def test_templates_can_be_downloaded_and_read_back(employer):
    response = employer.get(reverse("filings:roster_template", args=["csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    raw = read_roster(response.content, "template.csv")
    assert raw.rows[0][1]["name"] == "NGUYEN VAN A"
    response = employer.get(reverse("filings:roster_template", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    raw = read_roster(response.content, "template.xlsx")
    assert raw.rows[0][1]["residence_postal_code"] == "196-0015"


def test_export_as_csv_with_bom_and_as_xlsx(employer, organization):
    _import(employer, _fixture("roster_cp932.csv"))
    response = employer.get(reverse("filings:roster_export", args=["csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "氏名"
    assert {row[0] for row in rows[1:]} == {"髙橋 マリア", "山﨑 アナ"}
    takahashi = next(row for row in rows if row[0] == "髙橋 マリア")
    assert takahashi[3] == "196-0015"
    assert "昭島市" in takahashi[-2]
    response = employer.get(reverse("filings:roster_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "氏名"
    assert len(values) == 3
    # An exported roster reads back: its extra columns are ignored, its rows are now duplicates.
    response = _upload(employer, employer.get(reverse("filings:roster_export", args=["csv"])).content)
    assert "既に登録されています" in employer.get(response.url).content.decode()


# --- Access ---------------------------------------------------------------------------------


def test_another_organisations_upload_is_404(employer, client, make_user, municipalities, employer_user):
    response = _upload(employer, _fixture("roster_cp932.csv"))
    preview_url = response.url
    other = make_user("other@example.jp")
    from accounts.services import create_organization

    create_organization(name="他社", representative=other)
    client.force_login(other)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {"action": "import"}).status_code == 404
    assert client.post(preview_url, {"action": "discard"}).status_code == 404
    assert client.post(preview_url + "discard/").status_code == 404
    client.force_login(employer_user)
    assert client.get(preview_url).status_code == 200  # still there for its owner


def test_a_viewer_cannot_import(client, organization, make_user, municipalities):
    viewer = make_user("viewer@example.jp")
    OrganizationMembership.objects.create(user=viewer, organization=organization, role=OrganizationRole.VIEWER)
    client.force_login(viewer)
    assert (
        client.post(reverse("filings:roster_import"), {"file": SimpleUploadedFile("r.csv", b"x")}).status_code == 403
    )
    assert client.get(reverse("filings:roster_export", args=["csv"])).status_code == 200


def test_a_second_confirmation_while_the_first_runs_imports_nothing_more(employer, organization):
    response = _upload(employer, _fixture("roster_cp932.csv"))
    upload_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    # The first confirmation holds the lock while it writes; a second one arriving meanwhile:
    cache.add(f"filings:roster-import-lock:{organization.pk}:{upload_id}", 1)
    second = employer.post(response.url, {"action": "import"})
    assert second.url == reverse("filings:worker_list")
    assert not Worker.objects.filter(organization=organization).exists()
    cache.delete(f"filings:roster-import-lock:{organization.pk}:{upload_id}")
    employer.post(response.url, {"action": "import"})
    assert Worker.objects.filter(organization=organization).count() == 2


def test_old_unconfirmed_uploads_are_removed_at_the_next_upload(employer, organization):
    import os

    from django.core.files.storage import default_storage

    first = _upload(employer, _fixture("roster_cp932.csv"))
    upload_id = first.url.rstrip("/").rsplit("/", 1)[-1]
    old = time.time() - 2 * 86400
    for suffix in (".csv", ".json"):
        os.utime(default_storage.path(f"roster-imports/{organization.pk}/{upload_id}{suffix}"), (old, old))
    _upload(employer, _fixture("roster_cp932.csv"))
    assert employer.get(first.url).status_code == 404
