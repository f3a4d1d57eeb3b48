"""The requirement rules (DOMAIN.md §2) on plain facts: no database, table-driven."""

import datetime
from pathlib import Path

import pytest

from filings import rules
from filings.rules import (
    ApplicationFacts,
    ConfirmationFacts,
    Contact,
    EmployerFacts,
    ListedWorkplace,
    Situation,
    WorkerFacts,
    WorkplaceFacts,
)

D = datetime.date
TACHIKAWA, AKISHIMA, TAMA, INAGI, CHOFU, MACHIDA, YOKOHAMA = (
    "132021",
    "132071",
    "132241",
    "132250",
    "132080",
    "132098",
    "141003",
)
CONTACT = Contact("総務部", "佐藤 花子", "042-000-0000", "sato@example.jp")
EMPLOYER = EmployerFacts("株式会社サンプル製作所", CONTACT)
TODAY = D(2026, 11, 22)


def wp(id_, municipality, name=None, address=None, is_open=True):
    return WorkplaceFacts(id_, name or f"工場{id_}", address or f"住所{id_}", municipality, is_open)


def person(id_, workplace_id, residence, status="active", applications=()):
    return WorkerFacts(id_, f"WORKER {id_}", status, workplace_id, residence, tuple(applications))


def app(planned, kind="coe", state="planned"):
    return ApplicationFacts(kind, planned, state)


JUNE_1 = D(2026, 6, 1)


def conf(id_, municipality, workplaces, on=JUNE_1, employer=EMPLOYER, order=0):
    return ConfirmationFacts(
        id=id_,
        municipality=municipality,
        submitted_on=on,
        method="email",
        employer_name=employer.name,
        contact=employer.contact,
        workplaces=tuple(ListedWorkplace(w.id, w.name, w.address) for w in workplaces),
        recorded_order=order,
    )


def split(situation):
    result = rules.evaluate(situation)
    return (
        sorted(r.municipality for r in result if r.is_missing),
        sorted(r.municipality for r in result if not r.is_missing),
    )


W1 = wp(1, TACHIKAWA, "立川工場", "東京都立川市曙町2丁目1番1号")
W_TAMA = wp(2, TAMA, "多摩工場", "東京都多摩市関戸1-1-1")
W_INAGI = wp(3, INAGI, "稲城新工場", "東京都稲城市東長沼1-1-1")
W_CHOFU = wp(4, CHOFU, "調布工場", "東京都調布市小島町1-1-1")
W_MACHIDA = wp(5, MACHIDA, "町田工場", "東京都町田市森野2-2-2")

# Every acceptance scenario's situations, as facts (tests/acceptance/scenarios/*.json).
SCENARIOS = {
    "01 first hire, two municipalities": (
        Situation(EMPLOYER, (W1,), (person(1, 1, AKISHIMA, "incoming", [app(D(2026, 12, 15))]),), (), TODAY),
        [TACHIKAWA, AKISHIMA],
        [],
        {TACHIKAWA: D(2026, 12, 15), AKISHIMA: D(2026, 12, 15)},
    ),
    "01 after the first submission": (
        Situation(
            EMPLOYER,
            (W1,),
            (person(1, 1, AKISHIMA, "incoming", [app(D(2026, 12, 15))]),),
            (conf(1, TACHIKAWA, [W1], D(2026, 11, 24)),),
            TODAY,
        ),
        [AKISHIMA],
        [TACHIKAWA],
        {AKISHIMA: D(2026, 12, 15)},
    ),
    "01 both submitted": (
        Situation(
            EMPLOYER,
            (W1,),
            (person(1, 1, AKISHIMA, "incoming", [app(D(2026, 12, 15))]),),
            (conf(1, TACHIKAWA, [W1], D(2026, 11, 24)), conf(2, AKISHIMA, [W1], D(2026, 11, 25))),
            TODAY,
        ),
        [],
        [TACHIKAWA, AKISHIMA],
        {},
    ),
    "02 same municipality: one copy": (
        Situation(EMPLOYER, (W_TAMA,), (person(1, 2, TAMA, "active", [app(D(2027, 2, 1), "extension")]),), (), TODAY),
        [TAMA],
        [],
        {TAMA: D(2027, 2, 1)},
    ),
    "03 work moves to a new workplace in another city": (
        Situation(
            EMPLOYER,
            (W_TAMA, W_INAGI),
            (person(1, 3, TAMA),),
            (conf(1, TAMA, [W_TAMA], D(2026, 5, 1)),),
            TODAY,
        ),
        [INAGI],
        [TAMA],
        {INAGI: None},
    ),
    "04 coe then the worker lives elsewhere": (
        Situation(
            EMPLOYER,
            (W_CHOFU,),
            (person(1, 4, MACHIDA, "active", [app(D(2026, 12, 20))]),),
            (conf(1, CHOFU, [W_CHOFU], D(2026, 12, 1)),),
            TODAY,
        ),
        [MACHIDA],
        [CHOFU],
        {MACHIDA: D(2026, 12, 20)},
    ),
    "05 another worker at the same workplace": (
        Situation(
            EMPLOYER,
            (W1,),
            (person(1, 1, TACHIKAWA), person(2, 1, TACHIKAWA, "incoming", [app(D(2027, 1, 10))])),
            (conf(1, TACHIKAWA, [W1], D(2026, 6, 1)),),
            TODAY,
        ),
        [],
        [TACHIKAWA],
        {},
    ),
    "06 before the worker leaves": (
        Situation(EMPLOYER, (W_MACHIDA,), (person(1, 5, MACHIDA),), (), TODAY),
        [MACHIDA],
        [],
        {MACHIDA: None},
    ),
    "06 the worker left": (
        Situation(EMPLOYER, (W_MACHIDA,), (person(1, 5, MACHIDA, "left"),), (), TODAY),
        [],
        [],
        {},
    ),
}


@pytest.mark.parametrize(("situation", "missing", "covered", "due"), SCENARIOS.values(), ids=SCENARIOS.keys())
def test_acceptance_situations(situation, missing, covered, due):
    assert split(situation) == (sorted(missing), sorted(covered))
    by_code = {r.municipality: r for r in rules.evaluate(situation)}
    for code, date in due.items():
        assert by_code[code].due_date == date


# Rule 2: who connects.
@pytest.mark.parametrize(
    ("status", "connects"), [("incoming", True), ("active", True), ("left", False), ("cancelled", False)]
)
def test_only_incoming_and_active_workers_connect(status, connects):
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, AKISHIMA, status),), (), TODAY)
    assert split(situation) == (sorted([TACHIKAWA, AKISHIMA]) if connects else [], [])


def test_a_workplace_without_workers_connects_nothing():
    assert rules.evaluate(Situation(EMPLOYER, (W1, W_TAMA), (), (), TODAY)) == []


# Rule 3 is settled by the adapter (wards are stored as their city): a worker living in 中区
# and working in 西区 of 横浜市 is one municipality.
def test_designated_city_is_one_filing_unit():
    w = wp(9, YOKOHAMA)
    situation = Situation(EMPLOYER, (w,), (person(1, 9, YOKOHAMA),), (), TODAY)
    assert split(situation) == ([YOKOHAMA], [])


# Rule 4: what a confirmation lists.
@pytest.mark.parametrize(
    ("municipality", "expected"),
    [
        (TACHIKAWA, [1]),  # the workplace located there
        (AKISHIMA, [1]),  # the workplace of the worker who lives there
        (TAMA, [2]),  # an open workplace located there, with its resident worker's workplace
        (INAGI, []),  # nothing connects 稲城市 and no workplace is there
    ],
)
def test_listed_workplaces(municipality, expected):
    closed = wp(7, TACHIKAWA, is_open=False)
    situation = Situation(
        EMPLOYER, (W1, W_TAMA, closed), (person(1, 1, AKISHIMA), person(2, 2, TAMA)), (), TODAY
    )
    assert [w.id for w in rules.listed_workplaces(situation, municipality)] == expected


def test_listed_workplaces_include_workplaces_of_residents_and_located_ones():
    situation = Situation(EMPLOYER, (W1, W_TAMA), (person(1, 1, TAMA), person(2, 2, TAMA)), (), TODAY)
    assert [w.name for w in rules.listed_workplaces(situation, TAMA)] == ["多摩工場", "立川工場"]


# Rule 5: what makes a confirmation stale.
RENAMED = EmployerFacts("株式会社サンプル", CONTACT)
NEW_PHONE = EmployerFacts(EMPLOYER.name, Contact("総務部", "佐藤 花子", "042-111-1111", "sato@example.jp"))
W1_RENAMED = wp(1, TACHIKAWA, "立川第一工場", W1.address)
W1_MOVED = wp(1, TACHIKAWA, W1.name, "東京都立川市錦町1-1-1")
W1_CLOSED = wp(1, TACHIKAWA, W1.name, W1.address, is_open=False)
W_NEW = wp(8, TACHIKAWA, "立川第二工場", "東京都立川市錦町9-9-9")

STALENESS = {
    "nothing changed": (EMPLOYER, (W1,), (person(1, 1, TACHIKAWA),), None),
    "employer renamed": (RENAMED, (W1,), (person(1, 1, TACHIKAWA),), "stale_employer_name"),
    "contact phone changed": (NEW_PHONE, (W1,), (person(1, 1, TACHIKAWA),), "stale_contact"),
    "listed workplace renamed": (EMPLOYER, (W1_RENAMED,), (person(1, 1, TACHIKAWA),), "stale_workplace_name"),
    "listed workplace relocated": (EMPLOYER, (W1_MOVED,), (person(1, 1, TACHIKAWA),), "stale_workplace_address"),
    "listed workplace closed, worker moved to a new one": (
        EMPLOYER,
        (W1_CLOSED, W_NEW),
        (person(1, 8, TACHIKAWA),),
        None,
    ),
    "new workplace in the same municipality": (
        EMPLOYER,
        (W1, W_NEW),
        (person(1, 1, TACHIKAWA), person(2, 8, TACHIKAWA)),
        None,
    ),
    "new worker at the listed workplace": (
        EMPLOYER,
        (W1,),
        (person(1, 1, TACHIKAWA), person(2, 1, TACHIKAWA, "incoming")),
        None,
    ),
}


@pytest.mark.parametrize(("employer", "workplaces", "workers", "stale_code"), STALENESS.values(), ids=STALENESS.keys())
def test_staleness(employer, workplaces, workers, stale_code):
    situation = Situation(employer, workplaces, workers, (conf(1, TACHIKAWA, [W1]),), TODAY)
    [requirement] = rules.evaluate(situation)
    assert requirement.confirmation_id == 1
    if stale_code is None:
        assert requirement.state == rules.COVERED
        assert requirement.staleness == ()
    else:
        assert requirement.state == rules.MISSING
        assert [r.code for r in requirement.staleness] == [stale_code]
        assert "2026年6月1日" in requirement.staleness[0].render()


def test_stale_reasons_name_old_and_new_values():
    situation = Situation(EMPLOYER, (W1_RENAMED,), (person(1, 1, TACHIKAWA),), (conf(1, TACHIKAWA, [W1]),), TODAY)
    [requirement] = rules.evaluate(situation)
    text = requirement.reasons[0].render()
    assert "立川工場" in text
    assert "立川第一工場" in text


def test_latest_submitted_confirmation_decides():
    old = conf(1, TACHIKAWA, [W1], D(2026, 1, 1), employer=EmployerFacts("旧社名", CONTACT))
    new = conf(2, TACHIKAWA, [W1], D(2026, 6, 1))
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, TACHIKAWA),), (new, old), TODAY)
    [requirement] = rules.evaluate(situation)
    assert (requirement.state, requirement.confirmation_id) == (rules.COVERED, 2)
    # And the other way round: a newer stale one makes it missing even if an older one matched.
    stale_new = conf(3, TACHIKAWA, [W1], D(2026, 7, 1), employer=EmployerFacts("旧社名", CONTACT))
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, TACHIKAWA),), (new, stale_new), TODAY)
    [requirement] = rules.evaluate(situation)
    assert (requirement.state, requirement.confirmation_id) == (rules.MISSING, 3)


def test_same_day_submissions_go_to_the_later_record():
    first = conf(5, TACHIKAWA, [W1], D(2026, 6, 1), employer=EmployerFacts("旧社名", CONTACT), order=2)
    second = conf(4, TACHIKAWA, [W1], D(2026, 6, 1), order=1)
    [requirement] = rules.evaluate(Situation(EMPLOYER, (W1,), (person(1, 1, TACHIKAWA),), (first, second), TODAY))
    assert requirement.confirmation_id == 5


def test_a_confirmation_to_another_municipality_covers_nothing_here():
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, TACHIKAWA),), (conf(1, AKISHIMA, [W1]),), TODAY)
    assert split(situation) == ([TACHIKAWA], [])


# Rule 6: reasons and due dates.
@pytest.mark.parametrize(
    ("applications", "due"),
    [
        ((), None),
        ((app(D(2026, 12, 15)),), D(2026, 12, 15)),
        ((app(D(2027, 3, 1)), app(D(2026, 12, 15), "extension")), D(2026, 12, 15)),
        ((app(D(2025, 3, 31)),), None),  # before the obligation started
        ((app(D(2025, 4, 1)),), D(2025, 4, 1)),
        ((app(D(2026, 12, 15), state="refused"),), None),
        ((app(D(2026, 12, 15), state="granted"),), None),
        ((app(D(2026, 12, 15), state="filed"),), D(2026, 12, 15)),
    ],
)
def test_due_date(applications, due):
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, TACHIKAWA, applications=applications),), (), TODAY)
    [requirement] = rules.evaluate(situation)
    assert requirement.due_date == due
    assert requirement.overdue is (due is not None and due < TODAY)


def test_due_date_is_the_earliest_of_every_connected_worker():
    situation = Situation(
        EMPLOYER,
        (W1,),
        (
            person(1, 1, TACHIKAWA, applications=[app(D(2027, 5, 1))]),
            person(2, 1, AKISHIMA, applications=[app(D(2027, 1, 1))]),
            person(3, 1, AKISHIMA, "left", applications=[app(D(2026, 12, 1))]),
        ),
        (),
        TODAY,
    )
    by_code = {r.municipality: r for r in rules.evaluate(situation)}
    assert by_code[TACHIKAWA].due_date == D(2027, 1, 1)
    assert by_code[AKISHIMA].due_date == D(2027, 1, 1)
    assert set(by_code[AKISHIMA].worker_ids) == {2}


def test_missing_sorted_by_due_date_then_none_last():
    situation = Situation(
        EMPLOYER,
        (W1, W_TAMA, W_CHOFU),
        (
            person(1, 1, TACHIKAWA),
            person(2, 2, TAMA, applications=[app(D(2027, 1, 1))]),
            person(3, 4, CHOFU, applications=[app(D(2026, 12, 1))]),
        ),
        (),
        TODAY,
    )
    assert [r.municipality for r in rules.evaluate(situation)] == [CHOFU, TAMA, TACHIKAWA]


def test_reasons_say_which_workers_and_workplaces_connect():
    situation = Situation(
        EMPLOYER, (W1,), tuple(person(i, 1, AKISHIMA) for i in range(1, 6)), (), TODAY
    )
    by_code = {r.municipality: r for r in rules.evaluate(situation)}
    at_work = [r.render() for r in by_code[TACHIKAWA].reasons]
    assert at_work[0] == "この市区町村にはまだ協力確認書を提出していません。"
    assert at_work[1] == (
        "事業所「立川工場」がこの市区町村にあり、"
        "特定技能外国人が勤務しています（WORKER 1、WORKER 2、WORKER 3 ほか2名）。"
    )
    at_home = [r.render() for r in by_code[AKISHIMA].reasons]
    assert at_home[1] == (
        "特定技能外国人がこの市区町村に住んでいます（WORKER 1、WORKER 2、WORKER 3 ほか2名、勤務先: 立川工場）。"
    )


def test_reasons_render_through_a_translation_function():
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, TACHIKAWA),), (), TODAY)
    [requirement] = rules.evaluate(situation)
    assert requirement.reasons[0].render(lambda s: "EN: " + s).startswith("EN: ")


# Rule 7: moves.
@pytest.mark.parametrize(
    ("residence", "missing"),
    [(TACHIKAWA, []), (AKISHIMA, [AKISHIMA])],
    ids=["move within the municipality", "move to another municipality"],
)
def test_moves(residence, missing):
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, residence),), (conf(1, TACHIKAWA, [W1]),), TODAY)
    assert split(situation) == (missing, [TACHIKAWA])


def test_evaluation_is_deterministic():
    workers = tuple(person(i, 1 + i % 2, [TACHIKAWA, AKISHIMA, TAMA][i % 3]) for i in range(30))
    situation = Situation(EMPLOYER, (W1, W_TAMA), workers, (conf(1, TAMA, [W_TAMA]),), TODAY)
    reversed_situation = Situation(EMPLOYER, (W_TAMA, W1), tuple(reversed(workers)), situation.confirmations, TODAY)
    first = [(r.municipality, r.state, r.due_date, sorted(r.worker_ids)) for r in rules.evaluate(situation)]
    second = [(r.municipality, r.state, r.due_date, sorted(r.worker_ids)) for r in rules.evaluate(reversed_situation)]
    assert first == second


def test_connected_municipalities():
    situation = Situation(EMPLOYER, (W1,), (person(1, 1, AKISHIMA), person(2, 1, TAMA, "cancelled")), (), TODAY)
    assert rules.connected_municipalities(situation) == [TACHIKAWA, AKISHIMA]


def test_the_rules_module_imports_nothing_of_django():
    import subprocess
    import sys

    code = "import sys, filings.rules; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    root = Path(rules.__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.strip() == "[]"
