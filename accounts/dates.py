"""Dates as Japanese people read them: the Western style (2026年11月22日) and the era style (令和8年11月22日).

Pure functions, no settings or clock. The era table covers 平成 and 令和, which is every date the portal
prints (the 協力確認書 exists since 2025; organisations and residence cards date from 1989 at the earliest).
A date before 平成 (1989-01-08) is refused with ``ValueError`` rather than printed in the wrong era.
The first year of an era is written 元年 (令和元年5月1日), as on official forms.
"""

from datetime import date, datetime

# (first day, name), newest first. An era begins on the day of the accession; the previous era's
# last day is the day before (平成31年4月30日 → 令和元年5月1日).
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
)


def _as_date(d: date) -> date:
    # A datetime is a date too; print the calendar day it carries (callers convert to local time first).
    if isinstance(d, datetime):
        return d.date()
    return d


def wareki_parts(d: date) -> tuple[str, int]:
    """Return the era name and the year within it: ``date(2026, 11, 22)`` → ``("令和", 8)``.

    :raises ValueError: for a date before 1989-01-08 (平成元年1月8日), which the portal never prints.
    """
    d = _as_date(d)
    for start, name in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"{d.isoformat()} is before the 平成 era; only 平成 and 令和 dates are supported")


def wareki_year(d: date) -> str:
    """The era year alone: ``令和8年``, ``令和元年``."""
    name, year = wareki_parts(d)
    return f"{name}{'元' if year == 1 else year}年"


def wareki(d: date) -> str:
    """The date in the Japanese era: ``date(2026, 11, 22)`` → ``"令和8年11月22日"``; 2019-05-01 → ``"令和元年5月1日"``.

    :raises ValueError: for a date before 1989-01-08.
    """
    d = _as_date(d)
    return f"{wareki_year(d)}{d.month}月{d.day}日"


def japanese_date(d: date) -> str:
    """The date in the Western calendar, Japanese style: ``date(2026, 11, 22)`` → ``"2026年11月22日"``."""
    d = _as_date(d)
    return f"{d.year}年{d.month}月{d.day}日"
