"""Regional statistics for Art. 6(3) (over-concentration in big cities), read from the filings data.

Everything is aggregated in the database (GROUP BY) in a constant number of queries, whatever the
number of workers. Places are the workers' **workplace** municipality; a designated city's ward
counts under its city. "Active" is the worker status ``active``.

The month-by-month trend is read from :class:`~council.models.MonthlyStatistic`, the month-end
counts the periodic task recomputes from the status history (:func:`refresh_monthly_statistics`);
the current month is always the live count. A page therefore never reads the whole history.

The public figures go through :func:`suppress`: every count below
:data:`~council.constants.SUPPRESSION_THRESHOLD` is hidden, and further cells are hidden wherever a
hidden one could be recovered by subtracting the published cells from a published total.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from .constants import METROPOLITAN_AREAS, OTHER_AREA, SUPPRESSION_THRESHOLD, Area

AREAS: tuple[str, ...] = (*METROPOLITAN_AREAS, OTHER_AREA)
PREFECTURE_AREA: dict[str, str] = {pref: area for area, prefs in METROPOLITAN_AREAS.items() for pref in prefs}

#: Shown (translated) in place of a count below the threshold, and in place of a count hidden so
#: that a small one cannot be worked out from a total.
BELOW_THRESHOLD = gettext_noop("10未満")
COMPLEMENTARY = gettext_noop("秘匿")

TREND_MONTHS = 24


def area_of(prefecture: str) -> str:
    return PREFECTURE_AREA.get(prefecture, OTHER_AREA)


def area_label(area: str) -> str:
    """The area's name in the active language."""
    return str(Area(area).label)


@dataclass
class Node:
    """One cell of the place hierarchy nation → area → prefecture → municipality."""

    key: str
    label: str
    value: int
    children: list[Node] = field(default_factory=list)
    hidden: str = ""  # "", BELOW_THRESHOLD or COMPLEMENTARY

    @property
    def display(self) -> str:
        """The number, or the suppression mark in the active language."""
        return gettext(self.hidden) if self.hidden else f"{self.value:,}"

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def suppress(root: Node, threshold: int = SUPPRESSION_THRESHOLD) -> Node:
    """Hide small cells of a tree whose parents are the sums of their children, in place.

    1. Primary: every value below ``threshold`` (zero included).
    2. Complementary, repeated until nothing changes: in every group of siblings, one hidden cell
       alone could be recovered as parent − published siblings, so a second one (the smallest
       published sibling) is hidden too; and a hidden parent whose children were all published could
       be recovered as their sum, so its smallest child is hidden.
    """
    for node in root.walk():
        if node.value < threshold:
            node.hidden = BELOW_THRESHOLD
    changed = True
    while changed:
        changed = False
        for node in root.walk():
            if not node.children:
                continue
            hidden = [child for child in node.children if child.hidden]
            shown = sorted((child for child in node.children if not child.hidden), key=lambda c: (c.value, c.key))
            if shown and (len(hidden) == 1 or (node.hidden and not hidden)):
                shown[0].hidden = COMPLEMENTARY
                changed = True
    return root


# --- Queries ----------------------------------------------------------------------------------


def _active_workers():
    from filings.constants import WorkerStatus
    from filings.models import Worker

    return Worker.objects.filter(status=WorkerStatus.ACTIVE)


def _place_rows() -> tuple[list[dict], dict[str, int], dict[str, int], int]:
    """Active workers and distinct employers per municipality, prefecture, area and in total.

    Two queries: the active workers grouped by (workplace, employer) in the database, which leaves
    one row per workplace whatever the number of workers, and the place of every workplace. The
    distinct employer counts per place are then taken over those rows.
    """
    from filings.models import Workplace

    groups = list(_active_workers().values("workplace_id", "organization_id").annotate(workers=Count("pk")).order_by())
    places = {
        row["pk"]: row
        for row in Workplace.objects.values(
            "pk",
            place_prefecture=Coalesce("municipality__city__prefecture", "municipality__prefecture"),
            place_code=Coalesce("municipality__city__code", "municipality__code"),
            place_name=Coalesce("municipality__city__name", "municipality__name"),
        ).order_by()
    }
    municipalities: dict[str, dict] = {}
    prefecture_employers: dict[str, set[int]] = defaultdict(set)
    area_employers: dict[str, set[int]] = defaultdict(set)
    employers: set[int] = set()
    for group in groups:
        place = places[group["workplace_id"]]
        code = place["place_code"]
        row = municipalities.setdefault(
            code,
            {
                "prefecture": place["place_prefecture"],
                "code": code,
                "name": place["place_name"],
                "workers": 0,
                "employer_ids": set(),
            },
        )
        row["workers"] += group["workers"]
        row["employer_ids"].add(group["organization_id"])
        prefecture_employers[place["place_prefecture"]].add(group["organization_id"])
        area_employers[area_of(place["place_prefecture"])].add(group["organization_id"])
        employers.add(group["organization_id"])
    rows = []
    for code in sorted(municipalities):
        row = municipalities[code]
        rows.append({**{k: v for k, v in row.items() if k != "employer_ids"}, "employers": len(row["employer_ids"])})
    return (
        rows,
        {key: len(value) for key, value in prefecture_employers.items()},
        {key: len(value) for key, value in area_employers.items()},
        len(employers),
    )


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _trend_deltas(today: datetime.date) -> list[tuple[datetime.date, str, int]]:
    """(month, area, change in active workers) from the status history: one query.

    Each status change is compared with the worker's previous one (LAG): becoming ``active`` counts
    +1, leaving ``active`` −1. The area is that of the worker's current workplace.
    """
    from filings.models import Worker, WorkerStatusChange, Workplace
    from municipalities.models import Municipality

    area_sql = " ".join(
        f"WHEN m.prefecture IN ({', '.join(['%s'] * len(prefs))}) THEN %s" for prefs in METROPOLITAN_AREAS.values()
    )
    params: list = []
    for area, prefs in METROPOLITAN_AREAS.items():
        params += [*prefs, area]
    params = [*params, OTHER_AREA, today]
    if connection.vendor == "postgresql":
        month_sql = "CAST(date_trunc('month', sc.effective_on) AS date)"
    else:
        month_sql = "strftime('%%Y-%%m-01', sc.effective_on)"
    sql = f"""
        SELECT {month_sql} AS month, CASE {area_sql} ELSE %s END AS area,
               SUM(CASE WHEN sc.status = 'active' AND (sc.prev IS NULL OR sc.prev <> 'active') THEN 1
                        WHEN sc.status <> 'active' AND sc.prev = 'active' THEN -1 ELSE 0 END) AS delta
        FROM (
            SELECT worker_id, effective_on, status,
                   LAG(status) OVER (PARTITION BY worker_id ORDER BY effective_on, id) AS prev
            FROM {WorkerStatusChange._meta.db_table}
        ) sc
        JOIN {Worker._meta.db_table} w ON w.id = sc.worker_id
        JOIN {Workplace._meta.db_table} wp ON wp.id = w.workplace_id
        JOIN {Municipality._meta.db_table} m ON m.id = wp.municipality_id
        WHERE sc.effective_on <= %s
        GROUP BY month, area
    """  # noqa: S608 -- table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for day, area, delta in rows:
        if isinstance(day, str):  # SQLite returns dates as text
            day = datetime.date.fromisoformat(day)
        out.append((day, area, int(delta or 0)))
    return out


def monthly_trend(*, today: datetime.date, months: int = TREND_MONTHS) -> list[dict]:
    """Active workers at the end of each of the last ``months`` months, per area and in total."""
    first = _add_months(_first_of_month(today), -(months - 1))
    month_keys = [_add_months(first, offset) for offset in range(months)]
    running = dict.fromkeys(AREAS, 0)
    by_month: dict[datetime.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AREAS, 0))
    for month, area, delta in _trend_deltas(today):
        if month < first:
            running[area] += delta
        elif month <= today:
            by_month[month][area] += delta
    result = []
    for month in month_keys:
        for area in AREAS:
            running[area] += by_month[month][area] if month in by_month else 0
        result.append({"month": month, "areas": dict(running), "total": sum(running.values())})
    return result


# --- The stored history of the trend -------------------------------------------------------------


def refresh_monthly_statistics(*, today: datetime.date) -> list[dict]:
    """Recompute the month-end counts of the trend window from the status history and store them.

    One query with a window over every status change (about a second with 200,000 workers on
    PostgreSQL), then one upsert of ``TREND_MONTHS`` × 4 rows. Months older than the window keep
    the figures they were last given. Safe to run twice, or twice at once: the rows are unique on
    (month, area) and the upsert overwrites them.
    """
    from .models import MonthlyStatistic

    trend = monthly_trend(today=today)
    computed_at = timezone.now()
    MonthlyStatistic.objects.bulk_create(
        [
            MonthlyStatistic(month=row["month"], area=area, workers=max(value, 0), computed_at=computed_at)
            for row in trend
            for area, value in row["areas"].items()
        ],
        update_conflicts=True,
        unique_fields=["month", "area"],
        update_fields=["workers", "computed_at"],
    )
    return trend


def stored_trend(*, today: datetime.date, months: int = TREND_MONTHS) -> tuple[list[dict], datetime.datetime | None]:
    """The trend of the last ``months`` months from the stored month-end counts, and when they were
    computed (the oldest row's time). One query.

    Only when a month of the window has never been computed (a new installation before the
    periodic task's first run) is the history read here, once, and the rows stored.
    """
    from .models import MonthlyStatistic

    first = _add_months(_first_of_month(today), -(months - 1))
    month_keys = [_add_months(first, offset) for offset in range(months)]
    rows = list(
        MonthlyStatistic.objects.filter(month__gte=first, month__lte=month_keys[-1]).values_list(
            "month", "area", "workers", "computed_at"
        )
    )
    stored: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for month, area, workers, _computed_at in rows:
        stored[month][area] = workers
    # The current month is replaced by the live count: only the closed months must be stored.
    complete = all(len(stored.get(month, {})) == len(AREAS) for month in month_keys[:-1])
    if not complete:
        return refresh_monthly_statistics(today=today), timezone.now()
    trend = []
    for month in month_keys:
        areas = {area: stored.get(month, {}).get(area, 0) for area in AREAS}
        trend.append({"month": month, "areas": areas, "total": sum(areas.values())})
    return trend, min(row[3] for row in rows)


# --- What the pages show ----------------------------------------------------------------------


@dataclass
class RegionalStatistics:
    today: datetime.date
    total_workers: int
    total_employers: int
    areas: list[dict]  # {"area", "label", "workers", "employers", "share"}
    prefectures: list[dict]  # {"prefecture", "area", "area_label", "workers", "employers"}
    municipalities: list[dict]  # {"prefecture", "code", "name", "workers", "employers"}
    trend: list[dict]  # {"month", "areas": {area: workers}, "total"}
    trend_computed_at: datetime.datetime | None = None


def regional_statistics(*, today: datetime.date) -> RegionalStatistics:
    """Every figure of the statistics pages.

    The counts by place are computed live in two queries (GROUP BY in the database). The past
    months of the trend are the stored month-end counts (one query); the current month is the
    live count, so it always agrees with the tables.
    """
    municipalities, employers_by_prefecture, employers_by_area, total_employers = _place_rows()
    trend, computed_at = stored_trend(today=today)

    prefecture_workers: dict[str, int] = defaultdict(int)
    for row in municipalities:
        prefecture_workers[row["prefecture"]] += row["workers"]
    total_workers = sum(prefecture_workers.values())
    area_workers: dict[str, int] = dict.fromkeys(AREAS, 0)
    for prefecture, count in prefecture_workers.items():
        area_workers[area_of(prefecture)] += count

    from membership.constants import PREFECTURES

    order = {name: index for index, name in enumerate(PREFECTURES)}
    prefectures = [
        {
            "prefecture": prefecture,
            "area": area_of(prefecture),
            "area_label": area_label(area_of(prefecture)),
            "workers": count,
            "employers": employers_by_prefecture.get(prefecture, 0),
        }
        for prefecture, count in sorted(prefecture_workers.items(), key=lambda item: order.get(item[0], 99))
    ]
    areas = [
        {
            "area": area,
            "label": area_label(area),
            "workers": area_workers[area],
            "employers": employers_by_area.get(area, 0),
            "share": (area_workers[area] / total_workers * 100) if total_workers else 0.0,
        }
        for area in AREAS
    ]
    trend = [*trend[:-1], {"month": trend[-1]["month"], "areas": dict(area_workers), "total": total_workers}]
    return RegionalStatistics(
        today=today,
        total_workers=total_workers,
        total_employers=total_employers,
        areas=areas,
        prefectures=prefectures,
        municipalities=municipalities,
        trend=trend,
        trend_computed_at=computed_at,
    )


def _tree(stats: RegionalStatistics, metric: str) -> Node:
    total = stats.total_workers if metric == "workers" else stats.total_employers
    root = Node("total", "全国", total)
    area_nodes = {row["area"]: Node(f"area:{row['area']}", row["area"], row[metric]) for row in stats.areas}
    root.children = list(area_nodes.values())
    pref_nodes = {}
    for row in stats.prefectures:
        node = Node(f"pref:{row['prefecture']}", row["prefecture"], row[metric])
        pref_nodes[row["prefecture"]] = node
        area_nodes[row["area"]].children.append(node)
    for row in stats.municipalities:
        pref_nodes[row["prefecture"]].children.append(Node(f"muni:{row['code']}", row["name"], row[metric]))
    return suppress(root)


@dataclass
class PublicStatistics:
    """Aggregates only; every cell carries its display text (a number or a suppression mark)."""

    today: datetime.date
    total: dict
    areas: list[dict]
    prefectures: list[dict]
    municipalities: list[dict]
    trend: list[dict]
    trend_computed_at: datetime.datetime | None = None


def public_statistics(*, today: datetime.date) -> PublicStatistics:
    stats = regional_statistics(today=today)
    trees = {metric: {node.key: node for node in _tree(stats, metric).walk()} for metric in ("workers", "employers")}

    def cells(key: str) -> dict:
        return {metric: trees[metric][key].display for metric in ("workers", "employers")}

    total = cells("total")
    areas = []
    for row in stats.areas:
        shown = trees["workers"][f"area:{row['area']}"]
        root = trees["workers"]["total"]
        share = "" if shown.hidden or root.hidden else f"{row['share']:.1f}%"
        areas.append({"area": row["area"], "label": row["label"], **cells(f"area:{row['area']}"), "share": share})
    prefectures = [
        {
            "prefecture": row["prefecture"],
            "area": row["area"],
            "area_label": row["area_label"],
            **cells(f"pref:{row['prefecture']}"),
        }
        for row in stats.prefectures
    ]
    municipalities = [
        {"prefecture": row["prefecture"], "code": row["code"], "name": row["name"], **cells(f"muni:{row['code']}")}
        for row in stats.municipalities
    ]
    trend = []
    for row in stats.trend:
        month_root = Node("total", "全国", row["total"],
                          [Node(f"area:{area}", area, value) for area, value in row["areas"].items()])  # fmt: skip
        suppress(month_root)
        trend.append(
            {
                "month": row["month"],
                "total": month_root.display,
                "areas": {child.label: child.display for child in month_root.children},
            }
        )
    return PublicStatistics(
        today=today,
        total=total,
        areas=areas,
        prefectures=prefectures,
        municipalities=municipalities,
        trend=trend,
        trend_computed_at=stats.trend_computed_at,
    )
