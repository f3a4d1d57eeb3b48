"""Regional statistics (Art. 6(3)): aggregation, metropolitan shares, the trend and small-count suppression."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council import statistics
from council.constants import Area
from council.models import MonthlyStatistic
from council.statistics import BELOW_THRESHOLD, COMPLEMENTARY, Node, suppress
from filings.constants import WorkerStatus
from filings.models import WorkerStatusChange
from tests.filings.factories import OrganizationFactory, WorkerFactory, WorkplaceFactory, municipality

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)

# 132021 立川市 (東京都), 141011 横浜市鶴見区 (a ward of 横浜市, 神奈川県), 231002 名古屋市,
# 011002 札幌市 (北海道), 012025 函館市.


def _workers(code: str, count: int, *, organization=None, status=WorkerStatus.ACTIVE, since=datetime.date(2026, 4, 1)):
    workplace = WorkplaceFactory(
        municipality=municipality(code), **({"organization": organization} if organization else {})
    )
    workers = WorkerFactory.create_batch(count, workplace=workplace, status=status, status_since=since)
    WorkerStatusChange.objects.bulk_create(
        [WorkerStatusChange(worker=worker, status=status, effective_on=since) for worker in workers]
    )
    return workers


def _code_of_city(ward_code: str) -> str:
    ward = municipality(ward_code)
    return ward.city.code


def test_counts_by_prefecture_and_municipality_with_wards_under_their_city():
    ward = municipality("141011")
    assert ward.city is not None  # a designated city's ward
    employer = OrganizationFactory()
    _workers("132021", 12, organization=employer)
    _workers("141011", 5, organization=employer)
    _workers("141011", 3)
    _workers("012025", 2)
    _workers("132021", 4, status=WorkerStatus.LEFT)  # not active: not counted
    stats = statistics.regional_statistics(today=TODAY)
    assert stats.total_workers == 22
    assert stats.total_employers == 3
    by_code = {row["code"]: row for row in stats.municipalities}
    assert by_code["132021"]["workers"] == 12
    assert by_code[ward.city.code]["workers"] == 8
    assert by_code[ward.city.code]["employers"] == 2
    assert ward.code not in by_code
    prefectures = {row["prefecture"]: row for row in stats.prefectures}
    assert prefectures["東京都"]["workers"] == 12
    assert prefectures["神奈川県"]["workers"] == 8
    assert prefectures["北海道"]["area"] == Area.OTHER
    assert prefectures["北海道"]["area_label"] == "その他の地域"
    areas = {row["area"]: row for row in stats.areas}
    assert areas[Area.CAPITAL]["workers"] == 20
    assert areas[Area.CAPITAL]["employers"] == 2
    assert round(areas[Area.CAPITAL]["share"], 1) == round(20 / 22 * 100, 1)
    assert areas[Area.OTHER]["workers"] == 2
    assert areas[Area.CHUKYO]["workers"] == 0
    assert areas[Area.KINKI]["workers"] == 0


def test_the_trend_follows_the_status_history():
    worker = _workers("132021", 1, status=WorkerStatus.INCOMING, since=datetime.date(2026, 3, 10))[0]
    WorkerStatusChange.objects.create(
        worker=worker, status=WorkerStatus.ACTIVE, effective_on=datetime.date(2026, 5, 1)
    )
    WorkerStatusChange.objects.create(worker=worker, status=WorkerStatus.LEFT, effective_on=datetime.date(2026, 8, 15))
    WorkerStatusChange.objects.create(
        worker=worker, status=WorkerStatus.ACTIVE, effective_on=datetime.date(2026, 10, 1)
    )
    _workers("231002", 2, since=datetime.date(2025, 1, 1))  # active since before the window
    trend = {row["month"]: row for row in statistics.monthly_trend(today=TODAY)}
    assert len(trend) == statistics.TREND_MONTHS
    assert trend[datetime.date(2026, 4, 1)]["areas"][Area.CAPITAL] == 0
    assert trend[datetime.date(2026, 5, 1)]["areas"][Area.CAPITAL] == 1
    assert trend[datetime.date(2026, 8, 1)]["areas"][Area.CAPITAL] == 0
    assert trend[datetime.date(2026, 10, 1)]["areas"][Area.CAPITAL] == 1
    assert trend[datetime.date(2026, 11, 1)]["total"] == 3
    assert trend[datetime.date(2025, 1, 1)]["areas"][Area.CHUKYO] == 2


def test_the_statistics_page_uses_a_constant_number_of_queries(client, secretariat_user):
    client.force_login(secretariat_user)
    _workers("132021", 3)
    statistics.refresh_monthly_statistics(today=TODAY)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("council:statistics")).status_code == 200
    for code in ("141011", "231002", "011002", "012025"):
        _workers(code, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("council:statistics"))
    assert len(many) == len(few)
    body = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "cdn" not in body.lower()
    assert "首都圏(東京都、神奈川県、埼玉県、千葉県)" in body


def _history_reads(queries) -> int:
    return sum("workerstatuschange" in query["sql"].lower() for query in queries.captured_queries)


def test_the_trend_is_stored_by_month_and_its_current_month_is_live():
    from council.tasks import refresh_statistics_task

    workers = _workers("132021", 12, since=datetime.date(2026, 1, 5))
    assert not MonthlyStatistic.objects.exists()
    # A new installation: the first page computes the months once and stores them.
    with CaptureQueriesContext(connection) as first:
        stats = statistics.regional_statistics(today=TODAY)
    assert _history_reads(first) == 1
    assert stats.trend[-1]["total"] == 12
    assert MonthlyStatistic.objects.count() == statistics.TREND_MONTHS * len(Area)
    stored = MonthlyStatistic.objects.get(month=datetime.date(2026, 3, 1), area=Area.CAPITAL)
    assert stored.workers == 12
    assert MonthlyStatistic.objects.get(month=datetime.date(2025, 12, 1), area=Area.CAPITAL).workers == 0
    # Every later page reads the stored months, never the status history.
    with CaptureQueriesContext(connection) as second:
        stats = statistics.regional_statistics(today=TODAY)
    assert _history_reads(second) == 0
    assert stats.trend_computed_at is not None
    # A worker leaves today: the tables and the current month follow at once.
    worker = workers[0]
    worker.status = WorkerStatus.LEFT
    worker.save(update_fields=["status"])
    WorkerStatusChange.objects.create(worker=worker, status=WorkerStatus.LEFT, effective_on=TODAY)
    stats = statistics.regional_statistics(today=TODAY)
    assert stats.total_workers == 11
    assert stats.trend[-1]["total"] == 11
    assert stats.trend[-1]["areas"][Area.CAPITAL] == 11
    # A change back-dated into an earlier month shows after the periodic refresh.
    WorkerStatusChange.objects.filter(worker=worker, status=WorkerStatus.LEFT).update(
        effective_on=datetime.date(2026, 6, 30)
    )
    july_first = datetime.date(2026, 7, 1)
    july = next(row for row in statistics.regional_statistics(today=TODAY).trend if row["month"] == july_first)
    assert july["total"] == 12
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
        assert refresh_statistics_task.run() == statistics.TREND_MONTHS
    july = next(row for row in statistics.regional_statistics(today=TODAY).trend if row["month"] == july_first)
    assert july["total"] == 11
    assert MonthlyStatistic.objects.get(month=july_first, area=Area.CAPITAL).workers == 11
    # Twice in a row, the rows are overwritten, not duplicated.
    statistics.refresh_monthly_statistics(today=TODAY)
    assert MonthlyStatistic.objects.count() == statistics.TREND_MONTHS * len(Area)


def test_a_new_month_reads_the_stored_months_and_refreshes_only_when_one_is_missing():
    _workers("231002", 10, since=datetime.date(2026, 2, 1))
    statistics.refresh_monthly_statistics(today=TODAY)
    # On 1 December the months up to November are stored: nothing is recomputed.
    december = datetime.date(2026, 12, 1)
    with CaptureQueriesContext(connection) as queries:
        stats = statistics.regional_statistics(today=december)
    assert _history_reads(queries) == 0
    assert [row["month"] for row in stats.trend][-2:] == [datetime.date(2026, 11, 1), december]
    assert stats.trend[-2]["areas"][Area.CHUKYO] == 10
    # A stored month lost (or never computed): the window is computed again and stored.
    MonthlyStatistic.objects.filter(month=datetime.date(2026, 5, 1)).delete()
    with CaptureQueriesContext(connection) as queries:
        stats = statistics.regional_statistics(today=december)
    assert _history_reads(queries) == 1
    assert MonthlyStatistic.objects.filter(month=datetime.date(2026, 5, 1)).count() == len(Area)


def test_the_statistics_pages_read_in_english(client, secretariat_user):
    from django.utils import translation

    _workers("132021", 40)
    _workers("132071", 4)
    from django.conf import settings

    client.force_login(secretariat_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switcher sets
    body = client.get(reverse("council:statistics")).content.decode()
    with translation.override("en"):
        capital = str(Area.CAPITAL.label)
        below = translation.gettext(statistics.BELOW_THRESHOLD)
        complementary = translation.gettext(statistics.COMPLEMENTARY)
    assert capital != "首都圏"
    assert below != "10未満"
    assert complementary != "秘匿"
    assert capital in body
    assert "首都圏" not in body
    text = client.get(reverse("council:statistics_csv")).content.decode("utf-8-sig")
    assert "市区町村コード" not in text.splitlines()[0]
    assert capital in text
    public = client.get(reverse("council:public_statistics")).content.decode()
    assert below in public
    assert "10未満" not in public
    assert "秘匿" not in public
    public_csv = client.get(reverse("council:public_statistics_csv")).content.decode("utf-8-sig")
    assert below in public_csv
    assert "10未満" not in public_csv


def test_the_secretariat_pages_are_not_public(client, make_user):
    assert client.get(reverse("council:statistics")).status_code == 302
    client.force_login(make_user("member@example.jp"))
    assert client.get(reverse("council:statistics")).status_code == 404
    assert client.get(reverse("council:statistics_csv")).status_code == 404


# --- Suppression ---------------------------------------------------------------------------------


def _is_recoverable(root: Node) -> list[str]:
    """Cells a reader could compute exactly from the published ones: parent − published siblings."""
    recovered = []
    for node in root.walk():
        if node.hidden or not node.children:
            continue
        hidden = [child for child in node.children if child.hidden]
        if len(hidden) == 1:
            recovered.append(hidden[0].key)
    for node in root.walk():
        if node.hidden and node.children and not any(child.hidden for child in node.children):
            recovered.append(node.key)
    return recovered


def test_a_single_small_cell_gets_a_complementary_one():
    tokyo = Node(
        "pref:東京都", "東京都", 60, [Node("a", "立川市", 52), Node("b", "昭島市", 5), Node("c", "府中市", 3)]
    )
    root = Node("total", "全国", 60, [Node("area:首都圏", "首都圏", 60, [tokyo])])
    suppress(root)
    nodes = {node.key: node for node in root.walk()}
    assert nodes["b"].hidden == BELOW_THRESHOLD
    assert nodes["c"].hidden == BELOW_THRESHOLD
    assert nodes["a"].display == "52"
    one = Node("pref:大阪府", "大阪府", 70, [Node("x", "大阪市", 45), Node("y", "堺市", 20), Node("z", "豊中市", 5)])
    root = suppress(Node("total", "全国", 70, [Node("area:近畿圏", "近畿圏", 70, [one])]))
    nodes = {node.key: node for node in root.walk()}
    assert nodes["z"].hidden == BELOW_THRESHOLD
    assert nodes["y"].hidden == COMPLEMENTARY  # otherwise 豊中市 = 70 − 45 − 20
    assert nodes["x"].display == "45"
    assert _is_recoverable(root) == []


@pytest.mark.parametrize("seed", range(30))
def test_no_suppressed_cell_can_be_back_computed(seed):
    import random

    rng = random.Random(seed)
    areas = []
    for area_index in range(4):
        prefectures = []
        for pref_index in range(rng.randint(1, 4)):
            municipalities = [
                Node(f"m{area_index}{pref_index}{i}", "m", rng.choice([1, 2, 5, 9, 10, 11, 30, 200]))
                for i in range(rng.randint(1, 5))
            ]
            prefectures.append(
                Node(f"p{area_index}{pref_index}", "p", sum(m.value for m in municipalities), municipalities)
            )
        areas.append(Node(f"a{area_index}", "a", sum(p.value for p in prefectures), prefectures))
    root = suppress(Node("total", "全国", sum(a.value for a in areas), areas))
    assert all(node.hidden for node in root.walk() if node.value < 10)
    assert _is_recoverable(root) == []


def test_the_public_page_shows_small_counts_as_below_10_and_cannot_be_back_computed(client):
    _workers("132021", 40)  # 東京都 立川市
    _workers("132071", 4)  # 東京都 昭島市: small
    _workers("231002", 25)  # 愛知県 名古屋市
    _workers("012025", 3)  # 北海道 函館市: small, alone in its prefecture and area
    response = client.get(reverse("council:public_statistics"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "10未満" in body
    stats = statistics.public_statistics(today=TODAY)
    municipalities = {row["code"]: row for row in stats.municipalities}
    assert municipalities["132071"]["workers"] == "10未満"
    # 立川市 would give 昭島市 away as 東京都 − 立川市: it is hidden too.
    assert municipalities["132021"]["workers"] == COMPLEMENTARY
    prefectures = {row["prefecture"]: row for row in stats.prefectures}
    assert prefectures["北海道"]["workers"] == "10未満"
    # Every published number: no hidden cell equals a published parent minus published siblings.
    published = [row["workers"] for row in itertools.chain(stats.municipalities, stats.prefectures, stats.areas)]
    assert "4" not in published
    assert "3" not in published
    areas = {row["area"]: row for row in stats.areas}
    total = stats.total["workers"]
    if total not in (BELOW_THRESHOLD, COMPLEMENTARY):
        marks = (BELOW_THRESHOLD, COMPLEMENTARY)
        shown = [int(r["workers"].replace(",", "")) for r in stats.areas if r["workers"] not in marks]
        hidden = [r for r in stats.areas if r["workers"] in marks]
        assert len(hidden) != 1, "a single hidden area would be the total minus the others"
        assert sum(shown) <= int(total.replace(",", ""))
    assert areas[Area.OTHER]["workers"] == "10未満"
    csv_bytes = client.get(reverse("council:public_statistics_csv")).content
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig")
    assert "10未満" in text
    assert ",4," not in text
    assert ",3," not in text


def test_the_secretariat_csv_has_every_exact_count(client, secretariat_user):
    _workers("132071", 4)
    client.force_login(secretariat_user)
    response = client.get(reverse("council:statistics_csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "市区町村,東京都,132071,昭島市,4,1," in text


def test_the_refresh_command_stores_the_months_and_refuses_a_bad_date():
    from io import StringIO

    from django.core.management import CommandError, call_command

    _workers("132021", 3, since=datetime.date(2026, 2, 1))
    out = StringIO()
    call_command("refresh_statistics", "--today", "2026-11-22", stdout=out)
    assert out.getvalue().strip() == "stored 24 months (2024-12 to 2026-11), 3 active now"
    assert MonthlyStatistic.objects.get(month=datetime.date(2026, 3, 1), area=Area.CAPITAL).workers == 3
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("refresh_statistics", "--today", "２０２６年")
