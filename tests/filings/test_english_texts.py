"""An English reader of the employer pages meets English text: refusals of the reminder settings, the
roster's sheet title and row headings, dates in the reasons. The roster *file* stays Japanese: its
header row, statuses and application kinds are the import contract, whoever downloads it."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from accounts.constants import OrganizationRole
from accounts.models import OrganizationMembership
from filings import reminders, rules, services
from filings.imports import read_roster
from filings.models import ReminderOptOut, Worker

pytestmark = pytest.mark.django_db

JAPANESE_HEADER = [
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
ENGLISH_HEADER = [
    "Name",
    "Nationality / region",
    "Workplace name",
    "Postal code of residence",
    "Residence address",
    "Municipality code of residence",
    "Status",
    "Residence card expiry date",
    "Type of application",
    "Planned application date",
]


@pytest.fixture(autouse=True)
def _japanese_afterwards(settings):
    yield
    # The locale middleware and override() leave nothing behind, but a failing test might: give Japanese back.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def municipalities(db):
    from municipalities.services import refresh_municipalities

    refresh_municipalities()


@pytest.fixture
def workplace(organization, employer_user, municipalities):
    return services.create_workplace(
        organization=organization,
        actor=employer_user,
        name="立川工場",
        postal_code="190-0012",
        address="東京都立川市曙町2丁目1番1号",
    )


def _client_in(client, user, language: str):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


@pytest.fixture
def english(client, employer_user):
    return _client_in(client, employer_user, "en")


def _csv(*rows: list[str]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _upload(client, data: bytes, name: str = "roster.csv"):
    response = client.post(reverse("filings:roster_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


# --- Reminder settings ----------------------------------------------------------------------------


def test_a_refusal_of_the_reminder_settings_is_in_the_readers_language(organization, make_user):
    staff = make_user("staff@example.jp")
    OrganizationMembership.objects.create(user=staff, organization=organization, role=OrganizationRole.STAFF)
    with translation.override("en"), pytest.raises(reminders.ReminderError) as refused:
        reminders.turn_off_due_reminders(organization=organization, user=staff, confirmed=True)
    with translation.override("en"):
        assert refused.value.message == (
            "Only the representative can change the settings for reminders before deadlines."
        )
        assert str(refused.value) == refused.value.message
    # The message is rendered when read: the same refusal reads in Japanese on a Japanese page.
    with translation.override("ja"):
        assert refused.value.message == "期限前のリマインダーの設定は代表者だけが変更できます。"


def test_turning_off_without_the_warning_says_so_in_english(english, organization):
    response = english.post(reverse("filings:reminder_due_off"), {}, follow=True)
    body = response.content.decode()
    assert "Please read the notes above and tick the box." in body
    assert "注意事項を確認" not in body
    assert not ReminderOptOut.objects.filter(organization=organization).exists()


# --- Roster files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "title"), [("en", "Roster"), ("ja", "名簿")])
def test_the_roster_sheet_is_titled_in_the_readers_language(client, employer_user, workplace, language, title):
    client = _client_in(client, employer_user, language)
    for url in (reverse("filings:roster_template", args=["xlsx"]), reverse("filings:roster_export", args=["xlsx"])):
        workbook = load_workbook(io.BytesIO(client.get(url).content))
        assert workbook.sheetnames == [title], url


def test_the_roster_file_keeps_its_japanese_header_and_values_for_an_english_reader(english, workplace):
    """Decision: the header row, statuses and application kinds of the roster file are the import
    contract and stay Japanese for every reader (a representative reading in English hands the file
    to a Japanese colleague, and an export is imported again). Only the sheet title and the pages
    around the file follow the reader's language."""
    template = english.get(reverse("filings:roster_template", args=["csv"])).content
    header = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    assert header == JAPANESE_HEADER
    sheet = load_workbook(io.BytesIO(english.get(reverse("filings:roster_template", args=["xlsx"])).content)).active
    assert list(next(sheet.iter_rows(values_only=True))) == JAPANESE_HEADER

    row = ["NGUYEN VAN A", "ベトナム", "立川工場", "196-0015", "東京都昭島市昭和町1-1-1", "", "入国予定", "",
           "在留資格認定証明書交付申請", "2026-12-15"]  # fmt: skip
    english.post(_upload(english, _csv(JAPANESE_HEADER, row)), {"action": "import"})
    assert Worker.objects.get().status == "incoming"
    export = english.get(reverse("filings:roster_export", args=["csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][:10] == JAPANESE_HEADER
    assert rows[0][10:] == ["住居地の市区町村", "勤務地の市区町村"]
    assert rows[1][6] == "入国予定"
    assert rows[1][8] == "在留資格認定証明書交付申請"


def test_a_file_from_an_english_page_is_read_by_a_japanese_colleague(english, workplace):
    exported = english.get(reverse("filings:roster_template", args=["xlsx"])).content
    with translation.override("ja"):
        raw = read_roster(exported, "roster.xlsx")
    assert raw.rows[0][1]["name"] == "NGUYEN VAN A"


def test_a_roster_with_the_english_headers_of_an_older_template_is_still_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ENGLISH_HEADER)
    sheet.append(["NGUYEN VAN A", "Viet Nam", "立川工場", "196-0015", "Akishima", "", "Working", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    for language in ("ja", "en"):
        with translation.override(language):
            raw = read_roster(buffer.getvalue(), "roster.xlsx")
        assert raw.ignored_headers == [], language
        assert raw.rows[0][1]["status"] == "Working"


# --- The preview and upload pages ----------------------------------------------------------------


def test_the_two_meanings_of_row_on_the_roster_pages(english, workplace):
    good = ["NGUYEN VAN A", "ベトナム", "立川工場", "196-0015", "東京都昭島市昭和町1-1-1", "", "", "", "", ""]
    bad = ["", "ベトナム", "立川工場", "196-0015", "東京都昭島市昭和町1-1-1", "", "", "", "", ""]
    preview = english.get(_upload(english, _csv(JAPANESE_HEADER, good, bad))).content.decode()
    # A column heading: the number of the row in the file, in both the error table and the sample table.
    assert preview.count('<th scope="col">Row</th>') == 2
    assert '<th scope="col">行</th>' not in preview
    # A row without a status is shown as working, in English.
    assert "<td>Working</td>" in preview
    # A unit after a count of rows, in the progress message of the upload page.
    upload_page = english.get(reverse("filings:roster_import")).content.decode()
    assert '"rows": "rows"' in upload_page


def test_the_japanese_roster_pages_keep_their_text(client, employer_user, workplace):
    client = _client_in(client, employer_user, "ja")
    good = ["NGUYEN VAN A", "ベトナム", "立川工場", "196-0015", "東京都昭島市昭和町1-1-1", "", "", "", "", ""]
    preview = client.get(_upload(client, _csv(JAPANESE_HEADER, good))).content.decode()
    assert '<th scope="col">行</th>' in preview
    assert "<td>就労中</td>" in preview
    assert '"rows": "行"' in client.get(reverse("filings:roster_import")).content.decode()


# --- Dates inside the reasons ---------------------------------------------------------------------


def test_a_date_in_a_reason_is_written_the_readers_way():
    from filings.selectors import format_reason_date

    reason = rules.Reason(
        code="stale_employer_name", old="旧社名", new="新社名", submitted_on=datetime.date(2026, 11, 24)
    )
    with translation.override("en"):
        english = reason.render(gettext, format_reason_date)
    with translation.override("ja"):
        japanese = reason.render(gettext, format_reason_date)
    assert "24 Nov 2026" in english
    assert "年" not in english
    assert japanese.startswith("2026年11月24日 に提出した協力確認書の後に")
