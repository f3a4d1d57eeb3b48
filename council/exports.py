"""CSV downloads of the regional statistics (UTF-8 with BOM, so that Excel opens them in Japanese)."""

import csv
import io

from .statistics import PublicStatistics, RegionalStatistics


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def statistics_csv(stats: RegionalStatistics) -> bytes:
    rows: list[list] = [
        [
            "区分",
            "地域・都道府県",
            "市区町村コード",
            "市区町村",
            "就労中の特定技能外国人数",
            "特定技能所属機関数",
            "割合(%)",
        ]
    ]
    rows.append(["全国", "全国", "", "", stats.total_workers, stats.total_employers, "100.0"])
    for row in stats.areas:
        rows.append(["圏域", row["area"], "", "", row["workers"], row["employers"], f"{row['share']:.1f}"])
    for row in stats.prefectures:
        rows.append(["都道府県", row["prefecture"], "", "", row["workers"], row["employers"], ""])
    for row in stats.municipalities:
        rows.append(["市区町村", row["prefecture"], row["code"], row["name"], row["workers"], row["employers"], ""])
    for row in stats.trend:
        rows.append(["月末の推移", f"{row['month']:%Y-%m}", "", "全国", row["total"], "", ""])
        for area, value in row["areas"].items():
            rows.append(["月末の推移", f"{row['month']:%Y-%m}", "", area, value, "", ""])
    return _csv(rows)


def public_statistics_csv(stats: PublicStatistics) -> bytes:
    rows: list[list] = [
        [
            "区分",
            "地域・都道府県",
            "市区町村コード",
            "市区町村",
            "就労中の特定技能外国人数",
            "特定技能所属機関数",
            "割合(%)",
        ]
    ]
    rows.append(["全国", "全国", "", "", stats.total["workers"], stats.total["employers"], ""])
    for row in stats.areas:
        rows.append(["圏域", row["area"], "", "", row["workers"], row["employers"], row["share"]])
    for row in stats.prefectures:
        rows.append(["都道府県", row["prefecture"], "", "", row["workers"], row["employers"], ""])
    for row in stats.municipalities:
        rows.append(["市区町村", row["prefecture"], row["code"], row["name"], row["workers"], row["employers"], ""])
    for row in stats.trend:
        rows.append(["月末の推移", f"{row['month']:%Y-%m}", "", "全国", row["total"], "", ""])
        for area, value in row["areas"].items():
            rows.append(["月末の推移", f"{row['month']:%Y-%m}", "", area, value, "", ""])
    return _csv(rows)
