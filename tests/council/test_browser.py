"""The council journeys in Chromium: a written circulation answered by two members, and closed meetings
shown on the public page."""

import pytest

from council import services
from council.constants import ConveneScope, MeetingStatus, WithheldGround
from council.models import Meeting
from tests.conftest import shot
from tests.council.factories import MeetingFactory
from tests.membership.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member(make_user, email: str, name: str):
    return MemberFactory(name=name, user=make_user(email))


def _answer(page, browser_login, member, password, title: str, answer: str, opinion: str = "") -> None:
    browser_login(page, member.user, password)
    page.goto(page.base_url + "/council/mine/")
    page.click(f"text={title}")
    page.check(f"input[name=answer][value={answer}]")
    if opinion:
        page.fill("textarea[name=opinion]", opinion)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=回覧への回答を受け付けました。")
    page.context.clear_cookies()


def test_the_secretariat_runs_a_written_circulation_and_two_members_respond(
    page, secretariat_page, make_user, password, browser_login
):
    first = _member(make_user, "kanto@example.jp", "関東ものづくり協議会")
    second = _member(make_user, "chubu@example.jp", "中部経済連合会")
    bystander = _member(make_user, "kinki@example.jp", "近畿経済団体")
    title = "大都市圏への集中に関する申合せ(書面)"
    meeting = MeetingFactory(written=True, title=title)

    # The secretariat starts the circulation for the two members concerned.
    secretariat_page.goto(secretariat_page.base_url + f"/council/manage/meetings/{meeting.pk}/")
    secretariat_page.check("#convene-form input[name=scope][value=participants]")
    secretariat_page.check(f"#convene-form input[name=members][value='{first.pk}']")
    secretariat_page.check(f"#convene-form input[name=members][value='{second.pk}']")
    secretariat_page.click("#convene-form button[type=submit]")
    secretariat_page.wait_for_selector("text=回覧を開始しました。")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CIRCULATING
    assert bystander.name not in secretariat_page.inner_text("#invitations")

    # Each member answers in the portal: one acknowledges, one gives an opinion.
    _answer(page, browser_login, first, password, title, "acknowledged")
    _answer(page, browser_login, second, password, title, "opinion", "地方圏への配慮を明記されたい。")

    secretariat_page.reload()
    assert "了承 1、意見あり 1、未回答 0" in secretariat_page.inner_text("#tally")
    assert "地方圏への配慮を明記されたい。" in secretariat_page.inner_text("#invitations")
    shot(secretariat_page, "council-circulation-answered")
    secretariat_page.click("#close-button")
    secretariat_page.wait_for_selector("text=回覧を締め切り、結果を記録しました。")
    assert "回覧先 2、了承 1、意見あり 1、未回答 0" in secretariat_page.inner_text(".outcome")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CONCLUDED


def test_closed_meetings_appear_on_the_public_page_with_their_reason_or_the_withheld_notice(
    page, secretariat_page, secretariat_user, make_user
):
    member = _member(make_user, "member@example.jp", "多摩経済団体")
    with_reason = MeetingFactory(title="第10回 協議・連絡会")
    withheld = MeetingFactory(title="第11回 協議・連絡会")
    for meeting in (with_reason, withheld):
        services.convene_meeting(
            meeting, scope=ConveneScope.PARTICIPANTS, member_ids=[member.pk], acting_user=secretariat_user
        )
    services.set_meeting_publicity(
        withheld,
        is_public=False,
        reason="相手国政府との調整内容を扱うため。",
        withhold_reason=True,
        withheld_ground=WithheldGround.FOREIGN_RELATIONS,
        acting_user=secretariat_user,
    )

    # The secretariat closes the other meeting from its page, with a reason to publish.
    secretariat_page.goto(secretariat_page.base_url + f"/council/manage/meetings/{with_reason.pk}/")
    secretariat_page.check("input[name=is_public][value='0']")
    secretariat_page.fill("textarea[name=reason]", "個別の特定技能所属機関の不正事案を扱うため。")
    secretariat_page.click("text=決定を記録する")
    secretariat_page.wait_for_selector("text=公開・非公開の決定を記録しました。")

    # The public sees both as 非公開: one with its reason, one with the notice only.
    page.goto(page.base_url + "/council/meetings/")
    rows = page.inner_text("table")
    assert rows.count("非公開") >= 2
    assert "個別の特定技能所属機関の不正事案を扱うため。" in rows
    assert "理由は公表しません" in rows
    assert "相手国政府" not in page.content()
    shot(page, "council-meetings-public")
    page.click("text=第11回 協議・連絡会")
    notice = page.inner_text(".closed-reason")
    assert "非公開" in notice
    assert "第7条第2項" in notice
    assert "相手国政府" not in page.content()
    page.goto(page.base_url + f"/council/meetings/{with_reason.pk}/")
    assert "個別の特定技能所属機関の不正事案を扱うため。" in page.inner_text(".closed-reason")


def test_the_statistics_page_draws_its_charts_from_the_vendored_chartjs(secretariat_page):
    from tests.council.test_statistics import _workers

    _workers("132021", 12)
    _workers("231002", 15)
    errors = []
    secretariat_page.on("pageerror", lambda exc: errors.append(str(exc)))
    requests = []
    secretariat_page.on("request", lambda request: requests.append(request.url))
    secretariat_page.goto(secretariat_page.base_url + "/council/statistics/")
    secretariat_page.wait_for_function("window.Chart && Object.keys(Chart.instances).length === 3")
    assert errors == []
    assert all(url.startswith(secretariat_page.base_url) for url in requests)
    assert "首都圏" in secretariat_page.inner_text("#areas")
    shot(secretariat_page, "council-statistics")
