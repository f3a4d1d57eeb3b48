"""CSV downloads of the regional statistics (UTF-8 with BOM, so that Excel opens them in Japanese).

Headers, row kinds and area names follow the active language; place names are the master data's.
"""

import csv
import io

from django.utils.translation import gettext as _

from .statistics import PublicStatistics, RegionalStatistics, area_label


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _header() -> list[str]:
    return [
        _("区分"),
        _("地域・都道府県"),
        _("市区町村コード"),
        _("市区町村"),
        _("就労中の特定技能外国人数"),
        _("特定技能所属機関数"),
        _("割合(%)"),
    ]


def _rows(total: tuple, share_total: str, areas, prefectures, municipalities, trend, share) -> list[list]:
    nation = _("全国")
    rows: list[list] = [_header(), [nation, nation, "", "", *total, share_total]]
    for row in areas:
        rows.append([_("圏域"), row["label"], "", "", row["workers"], row["employers"], share(row)])
    for row in prefectures:
        rows.append([_("都道府県"), row["prefecture"], "", "", row["workers"], row["employers"], ""])
    for row in municipalities:
        rows.append([_("市区町村"), row["prefecture"], row["code"], row["name"], row["workers"], row["employers"], ""])
    kind = _("月末の推移")
    for row in trend:
        month = f"{row['month']:%Y-%m}"
        rows.append([kind, month, "", nation, row["total"], "", ""])
        for area, value in row["areas"].items():
            rows.append([kind, month, "", area_label(area), value, "", ""])
    return rows


def statistics_csv(stats: RegionalStatistics) -> bytes:
    return _csv(
        _rows(
            (stats.total_workers, stats.total_employers),
            "100.0",
            stats.areas,
            stats.prefectures,
            stats.municipalities,
            stats.trend,
            lambda row: f"{row['share']:.1f}",
        )
    )


def public_statistics_csv(stats: PublicStatistics) -> bytes:
    return _csv(
        _rows(
            (stats.total["workers"], stats.total["employers"]),
            "",
            stats.areas,
            stats.prefectures,
            stats.municipalities,
            stats.trend,
            lambda row: row["share"],
        )
    )
