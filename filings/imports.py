"""The worker roster as a file: reading CSV and Excel, checking it row by row, and writing it out.

Reading turns the bytes into rows of text (:func:`read_roster`); checking turns each row into the
arguments of ``services.create_worker`` or into Japanese errors (:func:`check_roster`). Nothing here
writes to the database: the page shows the checked rows, and only an error-free roster is handed to
``services.import_workers``, which writes it in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.text import normalize_text

from .constants import ApplicationKind, WorkerStatus
from .forms import format_postal_code, normalize_postal_code, parse_date

# --- Columns --------------------------------------------------------------------------------


#: The language of the file's header row and of its status and application-kind values. The roster
#: file is an exchange format (a representative reading the pages in English sends it to a Japanese
#: colleague, an export is imported again): it is always written in Japanese, whoever downloads it.
FILE_LANGUAGE = "ja"


def in_file_language(text: Any) -> str:
    """A lazy label as the file writes it (Japanese), whatever the language of the page."""
    with translation.override(FILE_LANGUAGE):
        return str(text)


def _in_every_language(text: Any) -> list[str]:
    """A lazy label in each language of the portal, so that a file written by an older English
    template still reads."""
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(str(text))
    return texts


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy: shown on the pages in the reader's language
    required: bool
    aliases: tuple[str, ...] = ()
    example: str = ""

    @property
    def header(self) -> str:
        """The column's header in the file: always Japanese (the import contract)."""
        return in_file_language(self.label)


#: The columns of the template, in order. Headers are matched by label or alias, after NFKC and
#: without spaces, so that ``氏名 ``, ``氏 名`` and ``name`` are the same column.
COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("氏名"), True, ("name", "氏名(ローマ字)", "名前"), "NGUYEN VAN A"),
    Column("nationality", gettext_lazy("国籍・地域"), True, ("nationality", "国籍", "国・地域"), "ベトナム"),
    Column("workplace", gettext_lazy("事業所名"), True, ("workplace", "勤務先事業所", "事業所"), "立川工場"),
    Column(
        "residence_postal_code",
        gettext_lazy("住居地の郵便番号"),
        False,
        ("residence_postal_code", "postal_code", "郵便番号", "住居地郵便番号"),
        "196-0015",
    ),
    Column(
        "residence_address",
        gettext_lazy("住居地の住所"),
        True,
        ("residence_address", "address", "住所", "住居地", "住居地住所"),
        "東京都昭島市昭和町1-1-1",
    ),
    Column(
        "residence_municipality_code",
        gettext_lazy("住居地の市区町村コード"),
        False,
        ("residence_municipality_code", "municipality_code", "市区町村コード"),
        "",
    ),
    Column("status", gettext_lazy("状況"), False, ("status", "ステータス"), "入国予定"),
    Column(
        "residence_card_expiry",
        gettext_lazy("在留カードの有効期限"),
        False,
        ("residence_card_expiry", "在留期限", "在留期間満了日", "在留カード有効期限"),
        "",
    ),
    Column(
        "application_kind",
        gettext_lazy("申請の種類"),
        False,
        ("application_kind", "kind", "申請種別", "予定している申請"),
        "在留資格認定証明書交付申請",
    ),
    Column("planned_date", gettext_lazy("申請予定日"), False, ("planned_date", "申請日", "申請予定"), "2026-12-15"),
)

#: Statuses a roster may give; ``left`` and ``cancelled`` workers need no filing and are not imported.
IMPORTABLE_STATUSES = (WorkerStatus.INCOMING, WorkerStatus.ACTIVE)


def _header_key(text: str) -> str:
    return "".join(normalize_text(text).split()).casefold()


def _column_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.header, *_in_every_language(column.label), column.key, *column.aliases):
            index[_header_key(name)] = column.key
    return index


def _status_index() -> dict[str, str]:
    index = {}
    for status in IMPORTABLE_STATUSES:
        index[status.value] = status.value
        for text in _in_every_language(status.label):
            index[_header_key(text)] = status.value
    index[_header_key("在籍")] = WorkerStatus.ACTIVE.value
    index[_header_key("就労予定")] = WorkerStatus.INCOMING.value
    return index


def _kind_index() -> dict[str, str]:
    index = {}
    for kind in ApplicationKind:
        index[kind.value] = kind.value
        for text in _in_every_language(kind.label):
            index[_header_key(text)] = kind.value
    for alias, kind in (
        ("認定", "coe"),
        ("在留資格認定", "coe"),
        ("変更", "change"),
        ("在留資格変更", "change"),
        ("更新", "extension"),
        ("在留期間更新", "extension"),
    ):
        index[_header_key(alias)] = kind
    return index


# --- Reading --------------------------------------------------------------------------------


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong format, empty, no header). The message is Japanese."""


@dataclass
class RawRoster:
    """The rows of a file as text, keyed by column, with the line number each came from."""

    rows: list[tuple[int, dict[str, str]]]
    ignored_headers: list[str] = field(default_factory=list)


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without BOM, else cp932 (Shift_JIS with the vendor characters such as 髙 and 﨑)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            _("文字コードを読み取れませんでした。UTF-8 または Shift_JIS(cp932)の CSV で保存してください。")
        ) from exc


def _cell_text(value: Any, key: str | None = None) -> str:
    """An Excel cell as the text a person typed. Numbers lose their ``.0``; postal codes typed as numbers
    get back their leading zero (``60001`` → ``0060001``)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and key == "residence_postal_code":
        return f"{value:07d}"
    return str(value)


def _table_rows_from_csv(data: bytes) -> Iterable[list[Any]]:
    text = decode_csv(data)
    return csv.reader(io.StringIO(text, newline=""))


def _table_rows_from_xlsx(data: bytes) -> Iterable[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError or its own errors for a damaged file
        raise RosterFileError(_("Excel ファイルを読み取れませんでした。.xlsx 形式で保存してください。")) from exc
    sheet = workbook.worksheets[0]
    return sheet.iter_rows(values_only=True)


def read_roster(data: bytes, filename: str) -> RawRoster:
    """Read a CSV or .xlsx roster into rows of text keyed by column.

    The first non-empty row is the header; empty rows are skipped; unknown columns are ignored
    (so that an exported roster, with its extra columns, can be read back).

    :raises RosterFileError: for an empty file, an unreadable one, or one missing a required column.
    """
    if not data or not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise RosterFileError(_("ファイルが空です。テンプレートに1行以上入力してください。"))
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    table = _table_rows_from_xlsx(data) if is_xlsx else _table_rows_from_csv(data)
    index = _column_index()
    header: list[str | None] | None = None
    ignored: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for line, cells in enumerate(table, start=1):
            if header is None:
                texts = [_cell_text(cell) for cell in cells]
                if not any(text.strip() for text in texts):
                    continue
                header = [index.get(_header_key(text)) for text in texts]
                ignored = [text for text, key in zip(texts, header, strict=True) if key is None and text.strip()]
                missing = [c.header for c in COLUMNS if c.required and c.key not in header]
                if missing:
                    raise RosterFileError(
                        _(
                            "見出し行に必要な列がありません: %(columns)s。"
                            "テンプレートの見出しをそのまま使ってください。"
                        )
                        % {"columns": "、".join(missing)}
                    )
                continue
            values = {}
            for key, cell in zip(header, cells, strict=False):
                if key is not None:
                    values[key] = _cell_text(cell, key).strip()
            if any(values.values()):
                rows.append((line, values))
    except csv.Error as exc:
        raise RosterFileError(_("CSV の形式が正しくありません: %(error)s") % {"error": exc}) from exc
    if header is None:
        raise RosterFileError(_("ファイルが空です。テンプレートに1行以上入力してください。"))
    if not rows:
        raise RosterFileError(_("見出し行のほかにデータの行がありません。"))
    return RawRoster(rows=rows, ignored_headers=ignored)


# --- Checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedPlace:
    """Where an address is: the filing municipality's code and how to show it."""

    code: str
    label: str
    #: The ``municipalities.services.LookupResult`` it came from, handed on to the import so that
    #: each row is not looked up a second time.
    lookup: Any = None


class PlaceError(Exception):
    """An address that does not resolve to one municipality; ``message`` is Japanese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


#: ``resolve(postal_code, address, municipality_code) -> ResolvedPlace``, raising :class:`PlaceError`.
Resolver = Callable[[str, str, str | None], ResolvedPlace]


@dataclass
class CheckedRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None
    place: ResolvedPlace | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CheckedRoster:
    rows: list[CheckedRow]
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    def worker_rows(self) -> list[dict[str, Any]]:
        """The arguments of ``create_worker`` for every row; only for an error-free roster."""
        if not self.ok:
            raise ValueError("a roster with errors is never imported")
        return [row.data for row in self.rows if row.data is not None]


def person_key(name: str, nationality: str) -> tuple[str, str]:
    """Two rows are the same worker when name and nationality match, ignoring width, case and spaces."""
    return (_header_key(name), _header_key(nationality))


def check_roster(
    raw: RawRoster,
    *,
    workplaces: Iterable[Any],
    existing_people: Iterable[tuple[str, str]],
    resolve: Resolver,
    progress: Callable[[int, int], None] | None = None,
) -> CheckedRoster:
    """Check every row and say, in Japanese, what is wrong with it.

    :param workplaces: the organisation's workplaces (objects with ``name``); the roster names them.
    :param existing_people: ``(name, nationality)`` of the workers already registered.
    :param resolve: finds the residence municipality; raises :class:`PlaceError` when it cannot.
    :param progress: called as ``progress(done, total)`` every few hundred rows.
    """
    by_name: dict[str, list[Any]] = {}
    for workplace in workplaces:
        by_name.setdefault(_header_key(workplace.name), []).append(workplace)
    known = {person_key(name, nationality) for name, nationality in existing_people}
    seen: dict[tuple[str, str], int] = {}
    statuses = _status_index()
    kinds = _kind_index()
    place_cache: dict[tuple[str, str, str | None], ResolvedPlace | PlaceError] = {}
    checked: list[CheckedRow] = []
    total = len(raw.rows)

    for done, (line, values) in enumerate(raw.rows, start=1):
        row = CheckedRow(line=line, values=values)
        errors = row.errors
        name = normalize_text(values.get("name"))
        nationality = normalize_text(values.get("nationality"))
        if not name:
            errors.append(_("氏名が入力されていません。"))
        elif len(name) > 200:
            errors.append(_("氏名が長すぎます(200文字まで)。"))
        elif not unicode_name_ok(name):
            errors.append(_("氏名に使えない文字(制御文字)が含まれています。"))
        if not nationality:
            errors.append(_("国籍・地域が入力されていません。"))

        workplace = None
        workplace_name = normalize_text(values.get("workplace"))
        if not workplace_name:
            errors.append(_("事業所名が入力されていません。"))
        else:
            matches = by_name.get(_header_key(workplace_name), [])
            if not matches:
                errors.append(
                    _("事業所「%(name)s」は登録されていません。先に事業所を登録してください。")
                    % {"name": workplace_name}
                )
            elif len(matches) > 1:
                errors.append(
                    _("同じ名前の事業所「%(name)s」が複数あります。事業所名を区別してください。")
                    % {"name": workplace_name}
                )
            else:
                workplace = matches[0]

        status = WorkerStatus.ACTIVE.value
        status_text = values.get("status", "")
        if status_text:
            status = statuses.get(_header_key(status_text), "")
            if not status:
                errors.append(
                    _("状況「%(value)s」は使えません。「入国予定」または「就労中」を入力してください。")
                    % {"value": status_text}
                )

        expiry = None
        try:
            expiry = parse_date(values.get("residence_card_expiry"))
        except ValueError as exc:
            errors.append(_("在留カードの有効期限: %(error)s") % {"error": exc})

        kind = ""
        planned = None
        kind_text = values.get("application_kind", "")
        if kind_text:
            kind = kinds.get(_header_key(kind_text), "")
            if not kind:
                errors.append(
                    _("申請の種類「%(value)s」は使えません。「認定」「変更」「更新」のいずれかを入力してください。")
                    % {"value": kind_text}
                )
        try:
            planned = parse_date(values.get("planned_date"))
        except ValueError as exc:
            errors.append(_("申請予定日: %(error)s") % {"error": exc})
        if kind_text and not values.get("planned_date"):
            errors.append(_("申請の種類を入力した行には申請予定日も入力してください。"))
        elif planned and not kind_text:
            errors.append(_("申請予定日を入力した行には申請の種類も入力してください。"))

        postal_code = normalize_postal_code(values.get("residence_postal_code"))
        address = normalize_text(values.get("residence_address"))
        code = normalize_text(values.get("residence_municipality_code")) or None
        place_ok = True
        if postal_code and (len(postal_code) != 7 or not postal_code.isdigit()):
            errors.append(
                _("住居地の郵便番号「%(value)s」は7桁の数字ではありません。")
                % {"value": values.get("residence_postal_code")}
            )
            place_ok = False
        if not address:
            errors.append(_("住居地の住所が入力されていません。"))
            place_ok = False
        if code and not (len(code) == 6 and code.isdigit()):
            errors.append(_("市区町村コード「%(value)s」は6桁の数字ではありません。") % {"value": code})
            place_ok = False
        if place_ok:
            cache_key = (postal_code, address, code)
            if cache_key not in place_cache:
                try:
                    place_cache[cache_key] = resolve(postal_code, address, code)
                except PlaceError as exc:
                    place_cache[cache_key] = exc
            resolved = place_cache[cache_key]
            if isinstance(resolved, PlaceError):
                errors.append(_("住居地: %(error)s") % {"error": resolved.message})
            else:
                row.place = resolved

        if name and nationality:
            key = person_key(name, nationality)
            if key in known:
                errors.append(
                    _("「%(name)s」(%(nationality)s)は既に登録されています。")
                    % {"name": name, "nationality": nationality}
                )
            elif key in seen:
                errors.append(
                    _("「%(name)s」(%(nationality)s)は %(line)s 行目と重複しています。")
                    % {"name": name, "nationality": nationality, "line": seen[key]}
                )
            else:
                seen[key] = line

        if not errors:
            row.data = {
                "name": name,
                "nationality": nationality,
                "workplace": workplace,
                "residence_postal_code": postal_code,
                "residence_address": address,
                "residence_municipality_code": row.place.code if row.place else code,
                "residence": row.place.lookup if row.place else None,
                "status": status,
                "residence_card_expiry": expiry,
                "application_kind": kind,
                "planned_date": planned,
            }
        checked.append(row)
        if progress is not None and (done % 250 == 0 or done == total):
            progress(done, total)
    return CheckedRoster(rows=checked, ignored_headers=raw.ignored_headers)


# --- Writing --------------------------------------------------------------------------------

#: Columns an export adds after the template's; an import ignores them.
EXPORT_EXTRA = (
    gettext_lazy("住居地の市区町村"),
    gettext_lazy("勤務地の市区町村"),
)


def template_rows() -> list[list[str]]:
    """The header row (Japanese, see :data:`FILE_LANGUAGE`) and one example row."""
    return [[c.header for c in COLUMNS], [c.example for c in COLUMNS]]


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM, CRLF line ends: Excel opens it with the Japanese intact."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """An .xlsx workbook of one sheet; every cell is written as text so that postal codes keep their zeros."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    from openpyxl.cell import WriteOnlyCell

    for number, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
            cell.number_format = "@"
            if number == 0:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_header() -> list[str]:
    """The template's headers and the export's extra ones, in Japanese whatever the page's language."""
    return [c.header for c in COLUMNS] + [in_file_language(label) for label in EXPORT_EXTRA]


def unicode_name_ok(name: str) -> bool:
    """Names may hold any printable character (髙, 﨑, ñ); control characters are refused."""
    return all(unicodedata.category(ch)[0] != "C" for ch in name)


__all__ = [
    "COLUMNS",
    "CheckedRoster",
    "CheckedRow",
    "PlaceError",
    "RawRoster",
    "ResolvedPlace",
    "RosterFileError",
    "check_roster",
    "csv_bytes",
    "decode_csv",
    "export_header",
    "format_postal_code",
    "in_file_language",
    "read_roster",
    "template_rows",
    "xlsx_bytes",
]
