"""Every membership email renders its subject on one line, a text body and an HTML body, in Japanese."""

import datetime

import pytest

from accounts.emails import render_email
from membership.models import ChangeNotification

from .factories import JoinRequestFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "join_request_submitted",
        "join_request_info_requested",
        "join_request_approved",
        "join_request_refused",
        "change_acknowledged",
        "withdrawal_confirmed",
        "expelled",
    ],
)
def test_every_email_renders(name):
    join_request = JoinRequestFactory(
        name="<ものづくり&協会>", info_request_message="定款を", refusal_reason="不適当", submitted=True
    )
    member = MemberFactory(
        name="<ものづくり&協会>",
        left_on=datetime.date(2026, 11, 22),
        expulsion_ground="against_purpose",
        expulsion_reason="理由",
    )
    notification = ChangeNotification(
        member=member, filed_by=member.user, changes={"address": "新住所"}, effective_on=datetime.date(2026, 12, 1)
    )
    rendered = render_email(
        f"membership_{name}", {"join_request": join_request, "member": member, "notification": notification}
    )
    assert rendered["subject"].startswith("[協議・連絡会]")
    assert "\n" not in rendered["subject"]
    assert "<ものづくり&協会> ご担当者様" in rendered["text"]  # plain text is not HTML-escaped
    assert "&lt;ものづくり&amp;協会&gt;" in rendered["html"]  # HTML is
    assert "事務局" in rendered["text"]
