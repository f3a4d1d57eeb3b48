"""The secretariat's member list as CSV (UTF-8 with BOM, for Excel) and .xlsx."""

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Member


def member_export_table(members: Iterable[Member]) -> tuple[list[str], list[list[str]]]:
    headers = [
        _("区分"), _("名称"), _("状態"), _("団体の種別"), _("構成員番号"), _("登録番号"), _("登録日"),
        _("入会日"), _("退会・除名の日"), _("都道府県"), _("市区町村"), _("郵便番号"), _("所在地"),
        _("代表者氏名"), _("担当部署"), _("担当者氏名"), _("メールアドレス"), _("電話番号"),
    ]  # fmt: skip
    rows = []
    for member in members:
        rows.append(
            [
                f"({member.category.number}) {member.category.name}",
                member.name,
                member.get_status_display(),
                member.get_organization_type_display(),
                member.membership_number,
                member.registration_number,
                member.registered_on.isoformat() if member.registered_on else "",
                member.joined_on.isoformat(),
                member.left_on.isoformat() if member.left_on else "",
                member.prefecture,
                member.municipality.name if member.municipality else "",
                member.postal_code,
                member.address,
                member.representative_name,
                member.contact_department,
                member.contact_name,
                member.contact_email,
                member.contact_phone,
            ]
        )
    return headers, rows


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would be run as a formula by spreadsheet software.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def members_csv(members: Iterable[Member]) -> bytes:
    headers, rows = member_export_table(members)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def members_xlsx(members: Iterable[Member]) -> bytes:
    from openpyxl import Workbook

    headers, rows = member_export_table(members)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("構成員")
    sheet.append(headers)
    for row in rows:
        sheet.append([_safe_cell(cell) for cell in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
