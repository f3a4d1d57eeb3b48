"""Template filters for Japanese dates: ``{% load japanese_dates %}`` then ``{{ d|wareki }}`` or ``{{ d|jdate }}``.

An aware datetime is shown on the local calendar day (``TIME_ZONE``). An empty value gives an empty string,
so that an unset date prints nothing instead of failing the whole page.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone

from accounts import dates

register = template.Library()


def _local_date(value: object) -> date | None:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, date):
        return value
    return None


@register.filter
def wareki(value: object) -> str:
    """``令和8年11月22日``. A date before 平成 falls back to the Western style rather than failing the page."""
    d = _local_date(value)
    if d is None:
        return ""
    try:
        return dates.wareki(d)
    except ValueError:
        return dates.japanese_date(d)


@register.filter
def jdate(value: object) -> str:
    """``2026年11月22日``."""
    d = _local_date(value)
    if d is None:
        return ""
    return dates.japanese_date(d)
