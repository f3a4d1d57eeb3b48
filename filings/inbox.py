"""Reads of the municipality inbox: what arrived, filtered and searched, and its export.

The inbox of a municipality lists its submitted confirmations: those delivered through the portal
and those the employer reports having sent by another channel (email, post, counter ...). Only the
municipality's own confirmations are ever read: a confirmation of another municipality is 404.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import ConfirmationStatus, SubmissionMethod
from .models import Confirmation, ConfirmationAccess

#: Inbox states a filter may ask for.
STATUS_NEW = "new"
STATUS_ACKNOWLEDGED = "acknowledged"
CHANNEL_PORTAL = "portal"
CHANNEL_OTHER = "other"

INBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's filters, parsed from the query string (unknown or bad values are ignored)."""

    status: str = ""
    channel: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params) -> InboxFilter:
        def day(name: str) -> datetime.date | None:
            value = unicodedata.normalize("NFKC", params.get(name, "") or "").strip()
            try:
                return datetime.date.fromisoformat(value) if value else None
            except ValueError:
                return None

        status = params.get("status", "")
        channel = params.get("channel", "")
        return cls(
            status=status if status in (STATUS_NEW, STATUS_ACKNOWLEDGED) else "",
            channel=channel if channel in (CHANNEL_PORTAL, CHANNEL_OTHER) else "",
            date_from=day("from"),
            date_to=day("to"),
            q=unicodedata.normalize("NFKC", params.get("q", "") or "").strip()[:100],
        )

    def as_query(self) -> dict[str, str]:
        values = {
            "status": self.status,
            "channel": self.channel,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q,
        }
        return {k: v for k, v in values.items() if v}


def inbox_of(municipality) -> QuerySet[Confirmation]:
    """Every submitted confirmation to ``municipality``, newest arrival first."""
    return (
        Confirmation.objects.filter(municipality=municipality, status=ConfirmationStatus.SUBMITTED)
        .select_related("organization")
        .order_by("-submitted_at", "-id")
    )


def filtered_inbox(municipality, filters: InboxFilter) -> QuerySet[Confirmation]:
    """The inbox with ``filters`` applied.

    ``q`` is a full-text search: every word (split on spaces) must occur in the employer's name,
    法人番号, contact, a workplace name or address, or the 受付番号. A 13-digit ``q`` (with or without
    hyphens) matches the 法人番号 exactly.
    """
    items = inbox_of(municipality)
    if filters.status == STATUS_NEW:
        items = items.filter(acknowledged_at__isnull=True)
    elif filters.status == STATUS_ACKNOWLEDGED:
        items = items.filter(acknowledged_at__isnull=False)
    if filters.channel == CHANNEL_PORTAL:
        items = items.filter(method=SubmissionMethod.PORTAL)
    elif filters.channel == CHANNEL_OTHER:
        items = items.exclude(method=SubmissionMethod.PORTAL)
    if filters.date_from:
        items = items.filter(submitted_on__gte=filters.date_from)
    if filters.date_to:
        items = items.filter(submitted_on__lte=filters.date_to)
    if filters.q:
        digits = filters.q.replace("-", "").replace(" ", "")
        if re.fullmatch(r"\d{13}", digits):
            items = items.filter(organization__corporate_number=digits)
        else:
            condition = Q()
            for word in filters.q.lower().split():
                condition &= Q(search_text__contains=word)
            items = items.filter(condition)
    return items


def inbox_confirmation(municipality, pk: int) -> Confirmation:
    """One confirmation of the inbox; 404 for a draft or another municipality's confirmation."""
    confirmation = (
        Confirmation.objects.filter(pk=pk, municipality=municipality, status=ConfirmationStatus.SUBMITTED)
        .select_related("organization", "municipality", "acknowledged_by", "submitted_by")
        .first()
    )
    if confirmation is None:
        raise Http404
    return confirmation


def access_log(confirmation: Confirmation, limit: int = 50) -> list[ConfirmationAccess]:
    return list(ConfirmationAccess.objects.filter(confirmation=confirmation).select_related("user")[:limit])


# --- Export -------------------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        _("受付番号"),
        _("提出方法"),
        _("提出日"),
        _("受付日時"),
        _("所属機関"),
        _("法人番号"),
        _("担当部署"),
        _("担当者"),
        _("電話番号"),
        _("メールアドレス"),
        _("事業所数"),
        _("状態"),
        _("受理日時"),
    ]


def export_rows(items: QuerySet[Confirmation]):
    for c in items.iterator(chunk_size=2000):
        content = c.content or {}
        contact = content.get("contact") or {}
        yield [
            c.receipt_number,
            str(SubmissionMethod(c.method).label) if c.method else "",
            c.submitted_on.isoformat() if c.submitted_on else "",
            timezone.localtime(c.delivered_at).strftime("%Y-%m-%d %H:%M") if c.delivered_at else "",
            content.get("employer_name") or c.organization.name,
            c.organization.corporate_number,
            contact.get("department", ""),
            contact.get("name", ""),
            contact.get("phone", ""),
            contact.get("email", ""),
            len(content.get("workplaces", [])),
            _("受理済み") if c.acknowledged_at else _("未処理"),
            timezone.localtime(c.acknowledged_at).strftime("%Y-%m-%d %H:%M") if c.acknowledged_at else "",
        ]


def _safe_cell(value):
    """Neutralise spreadsheet formulas (=, +, -, @) in text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export_csv(items: QuerySet[Confirmation]) -> bytes:
    """The filtered inbox as CSV in UTF-8 with a BOM (Excel opens it correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export_headers())
    for row in export_rows(items):
        writer.writerow([_safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(items: QuerySet[Confirmation]) -> bytes:
    """The filtered inbox as an Excel workbook."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("受付一覧"))
    sheet.append(export_headers())
    for row in export_rows(items):
        sheet.append([_safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
