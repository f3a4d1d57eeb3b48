"""Japanese dates: the 令和 era on forms and PDFs, 2026年11月22日 on screens."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from accounts.dates import japanese_date, wareki, wareki_parts, wareki_year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 22), "令和8年11月22日"),
        (date(2019, 5, 1), "令和元年5月1日"),  # the first day of 令和
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2025, 4, 1), "令和7年4月1日"),  # the 協力確認書 became compulsory
        (date(2019, 4, 30), "平成31年4月30日"),  # the last day of 平成
        (date(1989, 1, 8), "平成元年1月8日"),  # the first day of 平成
        (date(1989, 12, 31), "平成元年12月31日"),
        (date(1990, 1, 1), "平成2年1月1日"),
    ],
)
def test_wareki(value, expected):
    assert wareki(value) == expected


def test_wareki_refuses_dates_before_heisei():
    # 昭和64年1月7日 would need the 昭和 era, which the portal never prints: refused, not mis-printed.
    with pytest.raises(ValueError, match="before the 平成 era"):
        wareki(date(1989, 1, 7))


def test_wareki_parts_and_year():
    assert wareki_parts(date(2026, 11, 22)) == ("令和", 8)
    assert wareki_year(date(2019, 5, 1)) == "令和元年"
    assert wareki_year(date(2019, 4, 30)) == "平成31年"


def test_wareki_of_a_datetime_uses_its_calendar_day():
    assert wareki(datetime(2026, 11, 22, 23, 59)) == "令和8年11月22日"


def test_japanese_date():
    assert japanese_date(date(2026, 11, 22)) == "2026年11月22日"
    assert japanese_date(date(2026, 1, 5)) == "2026年1月5日"  # no zero padding, as people write it


def render(source: str, **context) -> str:
    return Template("{% load japanese_dates %}" + source).render(Context(context))


def test_template_filters():
    assert render("{{ d|wareki }} / {{ d|jdate }}", d=date(2026, 11, 22)) == "令和8年11月22日 / 2026年11月22日"


def test_template_filters_show_an_aware_datetime_on_the_tokyo_calendar_day():
    # 15:30 UTC on 2026-11-22 is already 00:30 on 2026-11-23 in Tokyo.
    moment = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)
    assert render("{{ d|wareki }} {{ d|jdate }}", d=moment) == "令和8年11月23日 2026年11月23日"


def test_template_filters_print_nothing_for_an_empty_value():
    assert render("[{{ d|wareki }}][{{ d|jdate }}]", d=None) == "[][]"
    assert render("[{{ missing|wareki }}]") == "[]"


def test_wareki_filter_falls_back_to_the_western_date_before_heisei():
    assert render("{{ d|wareki }}", d=date(1988, 3, 1)) == "1988年3月1日"
