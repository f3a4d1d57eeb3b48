"""Writes on the council's work: meetings and written circulations (Art. 5), publicity (Art. 7),
requests to registered corporations (Art. 3(1), (2)) and the hand-off of violations (Arts. 3(3), 12).

Every transition locks its row, checks the move against ``constants.TRANSITIONS``, saves only the
changed fields with the acting user and the time, writes one history row through
``accounts.audit.log_action`` in the same transaction, and sends its email after commit. A call whose
target state is already reached changes nothing and returns.
"""

import datetime
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import log_action
from accounts.emails import send_templated_email
from accounts.models import Organization, User
from accounts.outbox import enqueue
from membership.constants import MemberStatus
from membership.models import Member

from .constants import (
    TRANSITIONS,
    Attendance,
    CirculationAnswer,
    ConveneScope,
    MeetingKind,
    MeetingStatus,
    MemberCategoryCode,
    RequestKind,
    RequestStatus,
    WithheldGround,
)
from .models import (
    CirculationResponse,
    CorporationRequest,
    IndustryClass,
    Invitation,
    Meeting,
    Violation,
    ViolationHandoff,
)


class CouncilError(Exception):
    """A move the 運営要領 or the transition table does not allow. The message is shown to the user."""


def _lock(model: type[Model], pk: int) -> Model:
    return model.objects.select_for_update().get(pk=pk)


def _check_transition(entity: str, obj: Model, target: str) -> None:
    if target not in TRANSITIONS[entity][obj.status]:
        labels = dict(type(obj)._meta.get_field("status").choices)
        raise CouncilError(
            _("「%(name)s」は「%(current)s」のため、「%(target)s」にはできません。")
            % {"name": str(obj), "current": obj.get_status_display(), "target": labels[target]}
        )


def _active_members() -> "Iterable[Member]":
    return Member.objects.filter(status=MemberStatus.ACTIVE).select_related("category", "user")


# --- Meetings and written circulations (Art. 5) -----------------------------------------------


@transaction.atomic
def convene_meeting(
    meeting: Meeting,
    *,
    scope: str,
    acting_user: User,
    member_ids: Iterable[int] = (),
    guests: Iterable[dict] = (),
) -> Meeting:
    """Convene a meeting, or start a written circulation (Art. 5(1), (2), (4)).

    Accepts ``draft``; a meeting already ``convened``/``circulating`` is a no-op. ``scope`` ``all``
    invites every active member; ``participants`` only ``member_ids`` (Art. 5(2)). ``guests`` are
    non-members (Art. 5(3)): dicts with ``name``, ``email`` and optionally ``organization``; a
    written circulation takes no guests. Writes the status, the invitations and a history row.
    After commit, emails each invitee: a meeting with an .ics attachment
    (``council.tasks.send_invitation_task``), a circulation with the agenda and the deadline.

    :raises CouncilError: for another status, no participant, an unknown or former member, a guest
        without an email address, or a circulation without a future deadline.
    """
    meeting = _lock(Meeting, meeting.pk)
    if meeting.status in (MeetingStatus.CONVENED, MeetingStatus.CIRCULATING):
        return meeting
    target = MeetingStatus.CIRCULATING if meeting.kind == MeetingKind.WRITTEN else MeetingStatus.CONVENED
    _check_transition("meeting", meeting, target)
    if scope not in ConveneScope.values:
        raise CouncilError(_("招集の範囲を選んでください。"))
    now = timezone.now()
    if meeting.kind == MeetingKind.WRITTEN:
        if meeting.response_deadline is None or meeting.response_deadline <= now:
            raise CouncilError(_("回覧には、現在より後の回答期限を設定してください。"))
    elif meeting.starts_at is None:
        raise CouncilError(_("会議の開始日時を設定してください。"))
    if not meeting.agenda_items.exists():
        raise CouncilError(_("議題を1件以上登録してください。"))

    if scope == ConveneScope.ALL:
        members = list(_active_members())
    else:
        wanted = {int(pk) for pk in member_ids}
        members = list(_active_members().filter(pk__in=wanted))
        if len(members) != len(wanted):
            raise CouncilError(_("現在の構成員でない団体が含まれています。"))
    guests = [
        {
            "name": (guest.get("name") or "").strip(),
            "email": (guest.get("email") or "").strip(),
            "organization": (guest.get("organization") or "").strip(),
        }
        for guest in guests
    ]
    if meeting.kind == MeetingKind.WRITTEN and guests:
        raise CouncilError(_("書面・電子メールによる回覧には構成員以外の者を招へいできません。"))
    for guest in guests:
        if not guest["name"] or not guest["email"] or "@" not in guest["email"]:
            raise CouncilError(_("招へいする者の氏名とメールアドレスを入力してください。"))
    if not members and not guests:
        raise CouncilError(_("招集する構成員を1団体以上選んでください。"))

    previous = meeting.status
    invitations = [Invitation(meeting=meeting, member=member) for member in members]
    invitations += [
        Invitation(
            meeting=meeting,
            guest_name=guest["name"],
            guest_email=guest["email"],
            guest_organization=guest["organization"],
        )
        for guest in guests
    ]
    # Invitations made by hand in the admin before convening are kept, not duplicated.
    existing = set(meeting.invitations.exclude(member=None).values_list("member_id", flat=True))
    Invitation.objects.bulk_create(
        [inv for inv in invitations if inv.member_id is None or inv.member_id not in existing]
    )
    meeting.status = target
    meeting.scope = scope
    meeting.convened_at = now
    meeting.save(update_fields=["status", "scope", "convened_at", "updated_at"])
    invitation_ids = list(meeting.invitations.values_list("pk", flat=True))
    log_action(
        meeting,
        "council.meeting.circulated" if target == MeetingStatus.CIRCULATING else "council.meeting.convened",
        actor=acting_user,
        data={
            "from": previous,
            "to": target,
            "scope": scope,
            "members": [member.name for member in members],
            "guests": [guest["name"] for guest in guests],
        },
    )
    for pk in invitation_ids:
        # The outbox sends after commit; the task skips an invitation already sent.
        enqueue("council.tasks.send_invitation_task", invitation_id=pk)
    return meeting


def send_invitation(invitation_id: int) -> bool:
    """Email one invitation (with the .ics for a meeting). Returns whether this call sent it.

    Idempotent: ``sent_at`` is checked and set under lock, so a task run twice mails once.
    """
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

    from accounts.emails import render_email

    from .ics import meeting_ics

    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).order_by("pk").first()
        if invitation is None or invitation.sent_at is not None:
            return False
        invitation = Invitation.objects.select_related("meeting", "member__user").get(pk=invitation_id)
        meeting = invitation.meeting
        recipients = invitation.recipients()
        if not recipients:
            return False
        name = "council_circulation" if meeting.is_written else "council_invitation"
        context = {"invitation": invitation, "meeting": meeting}
        if invitation.is_guest and not meeting.is_written:
            # A guest has no account: the email carries a signed link to answer without one.
            from .guest_tokens import guest_reply_url

            context["guest_reply_url"] = guest_reply_url(invitation)
        rendered = render_email(name, context)
        message = EmailMultiAlternatives(
            rendered["subject"], rendered["text"], settings.DEFAULT_FROM_EMAIL, recipients
        )
        message.attach_alternative(rendered["html"], "text/html")
        if not meeting.is_written:
            message.attach("invitation.ics", meeting_ics(meeting, attendee_emails=recipients),
                           "text/calendar; method=REQUEST; charset=UTF-8")  # fmt: skip
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        # Sent inside the lock: a failure rolls back sent_at and the task retries.
        message.send()
    return True


@transaction.atomic
def record_attendance(
    invitation: Invitation, *, attending: bool, acting_user: User | None, via: str = ""
) -> Invitation:
    """Record a reply to an invitation to a meeting.

    Accepts any reply while the meeting is ``convened``; the same reply again is a no-op. Writes the
    attendance, the time and a history row on the meeting. Sends nothing. ``via`` names the channel
    of a reply made without a user (``"guest_link"``: the guest's signed link) for the history row.

    :raises CouncilError: if the meeting is not convened or is a written circulation.
    """
    invitation = _lock(Invitation, invitation.pk)
    meeting = invitation.meeting
    if meeting.kind != MeetingKind.MEETING or meeting.status != MeetingStatus.CONVENED:
        raise CouncilError(_("この会議の出欠は受け付けていません。"))
    target = Attendance.ATTENDING if attending else Attendance.DECLINED
    if invitation.attendance == target:
        return invitation
    previous = invitation.attendance
    invitation.attendance = target
    invitation.attendance_replied_at = timezone.now()
    invitation.save(update_fields=["attendance", "attendance_replied_at"])
    log_action(
        meeting,
        "council.invitation.replied",
        actor=acting_user,
        data={
            "invitation": invitation.pk,
            "invitee": invitation.display_name,
            "from": previous,
            "to": target,
            **({"via": via} if via else {}),
        },
    )
    return invitation


@transaction.atomic
def respond_to_circulation(
    invitation: Invitation, *, answer: str, opinion: str = "", acting_user: User
) -> CirculationResponse:
    """A participant acknowledges, or gives an opinion on, a written circulation (Art. 5(4)).

    Accepts a ``circulating`` meeting before its deadline; one answer per participant (a second call
    with the same answer and opinion is a no-op; a different one replaces it until the deadline).
    Writes the response and a history row on the meeting. Sends nothing.

    :raises CouncilError: after the deadline or the close, or for an opinion without text.
    """
    # Race: the meeting row is locked first, as close_circulation does, so that an answer is
    # either counted in the outcome or refused, never saved after the close.
    meeting = _lock(Meeting, invitation.meeting_id)
    invitation = _lock(Invitation, invitation.pk)
    if meeting.kind != MeetingKind.WRITTEN or meeting.status != MeetingStatus.CIRCULATING:
        raise CouncilError(_("この回覧は回答を受け付けていません。"))
    if meeting.response_deadline and timezone.now() > meeting.response_deadline:
        raise CouncilError(_("回答期限を過ぎています。"))
    if answer not in CirculationAnswer.values:
        raise CouncilError(_("了承するか、意見を述べるかを選んでください。"))
    opinion = (opinion or "").strip()
    if answer == CirculationAnswer.OPINION and not opinion:
        raise CouncilError(_("意見の内容を入力してください。"))
    response = CirculationResponse.objects.filter(invitation=invitation).first()
    if response is not None and response.answer == answer and response.opinion == opinion:
        return response
    previous = response.answer if response else ""
    if response is None:
        response = CirculationResponse(invitation=invitation)
    response.answer = answer
    response.opinion = opinion
    response.responded_at = timezone.now()
    response.responded_by = acting_user
    response.save()
    log_action(
        meeting,
        "council.circulation.responded",
        actor=acting_user,
        data={"invitation": invitation.pk, "member": invitation.display_name, "from": previous, "to": answer,
              "opinion": opinion},
    )  # fmt: skip
    return response


def circulation_tally(meeting: Meeting) -> dict:
    """Who acknowledged, who gave an opinion, who did not answer."""
    invitations = list(meeting.invitations.select_related("member", "response").order_by("pk"))
    acknowledged, opinions, missing = [], [], []
    for invitation in invitations:
        response = getattr(invitation, "response", None)
        if response is None:
            missing.append(invitation)
        elif response.answer == CirculationAnswer.ACKNOWLEDGED:
            acknowledged.append(invitation)
        else:
            opinions.append(invitation)
    return {"acknowledged": acknowledged, "opinions": opinions, "missing": missing, "total": len(invitations)}


@transaction.atomic
def close_circulation(meeting: Meeting, *, acting_user: User | None, now: datetime.datetime | None = None) -> Meeting:
    """Close a written circulation and record its outcome (Art. 5(4)).

    Accepts ``circulating``: at or after the deadline for the periodic sweep (``acting_user`` None),
    at any time when the secretariat closes it early. ``concluded`` is a no-op. Writes the status, the
    outcome text (counts, opinions, the list of participants who did not answer) and a history row
    with the same figures. After commit, emails the participants the outcome.

    :raises CouncilError: for a meeting that is not a circulation, another status, or a sweep before
        the deadline.
    """
    now = now or timezone.now()
    meeting = _lock(Meeting, meeting.pk)
    if meeting.kind != MeetingKind.WRITTEN:
        raise CouncilError(_("書面・電子メールによる回覧ではありません。"))
    if meeting.status == MeetingStatus.CONCLUDED:
        return meeting
    _check_transition("meeting", meeting, MeetingStatus.CONCLUDED)
    if acting_user is None and meeting.response_deadline and now < meeting.response_deadline:
        raise CouncilError(_("回答期限前です。"))
    tally = circulation_tally(meeting)
    lines = [
        _("回覧先 %(total)d、了承 %(ack)d、意見あり %(opinion)d、未回答 %(missing)d")
        % {
            "total": tally["total"],
            "ack": len(tally["acknowledged"]),
            "opinion": len(tally["opinions"]),
            "missing": len(tally["missing"]),
        }
    ]
    for invitation in tally["opinions"]:
        lines.append(
            _("意見(%(name)s): %(text)s") % {"name": invitation.display_name, "text": invitation.response.opinion}
        )
    if tally["missing"]:
        lines.append(_("期限までに回答のなかった構成員: %(names)s")
                     % {"names": "、".join(invitation.display_name for invitation in tally["missing"])})  # fmt: skip
    previous = meeting.status
    meeting.status = MeetingStatus.CONCLUDED
    meeting.concluded_at = now
    meeting.outcome = "\n".join(str(line) for line in lines)
    meeting.save(update_fields=["status", "concluded_at", "outcome", "updated_at"])
    log_action(
        meeting,
        "council.circulation.closed",
        actor=acting_user,
        data={
            "from": previous,
            "to": meeting.status,
            "acknowledged": [i.display_name for i in tally["acknowledged"]],
            "opinions": [i.display_name for i in tally["opinions"]],
            "missing": [i.display_name for i in tally["missing"]],
            "by_deadline": acting_user is None,
        },
    )
    recipients = sorted({email for invitation in meeting.invitations.select_related("member__user")
                         for email in invitation.recipients()})  # fmt: skip
    send_templated_email("council_circulation_closed", to=recipients, context={"meeting": meeting})
    return meeting


def close_due_circulations(*, now: datetime.datetime | None = None) -> list[int]:
    """The deadline sweep: close every circulation whose deadline has passed. Safe to run twice."""
    now = now or timezone.now()
    due = list(
        Meeting.objects.filter(
            kind=MeetingKind.WRITTEN, status=MeetingStatus.CIRCULATING, response_deadline__lte=now
        ).values_list("pk", flat=True)
    )
    closed = []
    for pk in due:
        meeting = Meeting.objects.get(pk=pk)
        # Another sweep may have closed it in between; close_circulation is then a no-op.
        close_circulation(meeting, acting_user=None, now=now)
        closed.append(pk)
    return closed


@transaction.atomic
def conclude_meeting(meeting: Meeting, *, acting_user: User) -> Meeting:
    """Mark a convened meeting as held. Accepts ``convened``; ``concluded`` is a no-op.

    Writes the status and a history row. Sends nothing.

    :raises CouncilError: for another status, or a written circulation (see :func:`close_circulation`).
    """
    meeting = _lock(Meeting, meeting.pk)
    if meeting.status == MeetingStatus.CONCLUDED:
        return meeting
    if meeting.kind == MeetingKind.WRITTEN:
        raise CouncilError(_("回覧は締め切りの操作で終了します。"))
    _check_transition("meeting", meeting, MeetingStatus.CONCLUDED)
    previous = meeting.status
    meeting.status = MeetingStatus.CONCLUDED
    meeting.concluded_at = timezone.now()
    meeting.save(update_fields=["status", "concluded_at", "updated_at"])
    log_action(meeting, "council.meeting.concluded", actor=acting_user, data={"from": previous, "to": meeting.status})
    return meeting


# --- Publicity (Art. 7) -----------------------------------------------------------------------


@transaction.atomic
def set_meeting_publicity(
    meeting: Meeting,
    *,
    is_public: bool,
    acting_user: User,
    reason: str = "",
    withhold_reason: bool = False,
    withheld_ground: str = "",
) -> Meeting:
    """Record the presiders' decision on whether a meeting is public (Art. 7).

    Accepts a meeting in any status. A closed meeting needs the reason to publish, or, when
    publishing it would itself cause a harm of Art. 7(2), the ground that applies (the reason text
    may still be kept for the record). The same decision again is a no-op. Writes the fields and a
    history row with the old and new values. Sends nothing.

    :raises CouncilError: for a closed meeting with neither a reason nor a valid withheld ground.
    """
    meeting = _lock(Meeting, meeting.pk)
    reason = (reason or "").strip()
    if is_public:
        values = {"is_public": True, "closed_reason": "", "reason_withheld": False, "withheld_ground": ""}
    else:
        if withhold_reason:
            if withheld_ground not in WithheldGround.values:
                raise CouncilError(_("理由を公表しない場合は、第7条第2項のどの根拠に当たるかを選んでください。"))
        elif not reason:
            raise CouncilError(_("非公開とする場合は、公表する理由を記入してください。"))
        values = {
            "is_public": False,
            "closed_reason": reason,
            "reason_withheld": bool(withhold_reason),
            "withheld_ground": withheld_ground if withhold_reason else "",
        }
    changed = {key: {"from": getattr(meeting, key), "to": value} for key, value in values.items()
               if getattr(meeting, key) != value}  # fmt: skip
    if not changed:
        return meeting
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.save(update_fields=[*values, "updated_at"])
    log_action(meeting, "council.meeting.publicity_decided", actor=acting_user, data=changed)
    return meeting


# --- Requests to registered corporations (Art. 3(1), (2)) -------------------------------------


@transaction.atomic
def save_industry_class(industry: IndustryClass, *, acting_user: User) -> IndustryClass:
    """Add a JSIC class to the list of Art. 3(2), or rename, deactivate or reactivate one.

    Writes the row and a history row with what changed (nothing when nothing changed). The code
    is validated by the model; a class is never deleted, so the requests that named it keep it.
    """
    before = None
    if industry.pk is not None:
        before = (
            IndustryClass.objects.select_for_update()
            .filter(pk=industry.pk)
            .values("code", "name", "is_active")
            .first()
        )
    after = {"code": industry.code, "name": industry.name, "is_active": industry.is_active}
    if before == after:
        return industry
    industry.full_clean()
    industry.save()
    log_action(
        industry,
        "council.industry_class.saved",
        actor=acting_user,
        data={"from": before, "to": after} if before else {"to": after},
    )
    return industry


def check_corporation_request(
    *,
    member: Member | None,
    kind: str,
    description: str,
    deadline: datetime.date | None,
    employers: list[Organization],
    employer_names: str,
    industries: Iterable[IndustryClass] = (),
) -> None:
    """The checks of :func:`send_corporation_request`, also run by the admin form before saving.

    A request under Art. 3(1) names employers and no industry; one to take the agreed measures
    (Art. 3(2), kind ``measures``) names at least one active industry class, employers optional.

    :raises CouncilError: with the first problem found.
    """
    if (
        member is None
        or member.category.code != MemberCategoryCode.REGISTERED_CORPORATION
        or member.status != MemberStatus.ACTIVE
    ):
        raise CouncilError(_("依頼先は現在の第3号構成員(登録法人)にしてください。"))
    if kind not in RequestKind.values:
        raise CouncilError(_("依頼の種類を選んでください。"))
    industries = list(industries)
    if kind == RequestKind.MEASURES:
        for industry in industries:
            if not industry.is_active:
                raise CouncilError(
                    _("業種「%(label)s」は現在使われていないため、指定できません。") % {"label": industry.label}
                )
        if not industries:
            raise CouncilError(_("合意した措置の実施を求める業種(日本標準産業分類)を1つ以上選んでください。"))
    else:
        if industries:
            raise CouncilError(_("業種の指定は、合意した措置の実施の依頼にだけ使えます。"))
        if not employers and not (employer_names or "").strip():
            raise CouncilError(_("対象の特定技能所属機関を1つ以上指定してください。"))
    if not (description or "").strip():
        raise CouncilError(_("依頼の内容を入力してください。"))
    if deadline is None or deadline < timezone.localdate():
        raise CouncilError(_("回答期限は今日以降の日付にしてください。"))


@transaction.atomic
def send_corporation_request(
    *,
    member: Member,
    kind: str,
    description: str,
    deadline: datetime.date,
    acting_user: User,
    employers: Iterable[Organization] = (),
    employer_names: str = "",
    industries: Iterable[IndustryClass] = (),
    submission_token: uuid.UUID | None = None,
) -> CorporationRequest:
    """Ask a category-3 member to guide, collect reports from, request documents from, hear or
    inspect named employers (Art. 3(1)), or to make the employers in ``industries`` (JSIC classes)
    take the measures the council agreed, given in ``description`` (Art. 3(2), kind ``measures``).

    Writes the request in ``sent`` and a history row (with the industry codes). After commit,
    emails the member's contact and user. A ``submission_token`` already used (the same form sent
    twice, even at the same moment) returns the request it made, and writes and sends nothing.

    :raises CouncilError: if the member is not an active category-3 member, the kind is unknown, an
        Art. 3(1) request names no employer or names an industry, a ``measures`` request names no
        industry or an inactive one, the description is empty or the deadline has passed.
    """
    if submission_token is not None:
        existing = CorporationRequest.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    employers = list(employers)
    employer_names = "\n".join(line.strip() for line in (employer_names or "").splitlines() if line.strip())
    # Read again: an industry deactivated after the form was opened is refused, not sent.
    industries = list(IndustryClass.objects.filter(pk__in=[industry.pk for industry in industries]))
    check_corporation_request(
        member=member, kind=kind, description=description, deadline=deadline, employers=employers,
        employer_names=employer_names, industries=industries,
    )  # fmt: skip
    try:
        # A savepoint: a concurrent insert of the same token waits for the other transaction, then
        # fails on the unique token, and the request the other one made is returned.
        with transaction.atomic():
            request = CorporationRequest.objects.create(
                member=member,
                kind=kind,
                description=description.strip(),
                deadline=deadline,
                employer_names=employer_names,
                created_by=acting_user,
                submission_token=submission_token,
            )
    except IntegrityError:
        if submission_token is None:
            raise
        return CorporationRequest.objects.get(submission_token=submission_token)
    request.employers.set(employers)
    request.industries.set(industries)
    log_action(
        request,
        "council.corporation_request.sent",
        actor=acting_user,
        data={"to": request.status, "member": member.name, "kind": kind, "deadline": deadline,
              "employers": request.employer_labels(),
              "industries": sorted(industry.code for industry in industries)},
    )  # fmt: skip
    recipients = sorted({member.contact_email, member.user.email if member.user_id else ""} - {""})
    send_templated_email("council_corporation_request", to=recipients, context={"request": request})
    return request


@transaction.atomic
def answer_corporation_request(request: CorporationRequest, *, answer: str, acting_user: User) -> CorporationRequest:
    """The corporation answers a request in the portal.

    Accepts ``sent`` (and ``answered``, to amend the answer until the request is closed); the same
    answer again is a no-op. Writes the answer, who and when, and a history row. Sends nothing.

    :raises CouncilError: if the request is closed or the answer is empty.
    """
    request = _lock(CorporationRequest, request.pk)
    answer = (answer or "").strip()
    if not answer:
        raise CouncilError(_("回答の内容を入力してください。"))
    if request.status == RequestStatus.CLOSED:
        raise CouncilError(_("この依頼は完了しているため、回答できません。"))
    if request.status == RequestStatus.ANSWERED and request.answer == answer:
        return request
    previous = request.status
    request.status = RequestStatus.ANSWERED
    request.answer = answer
    request.answered_at = timezone.now()
    request.answered_by = acting_user
    request.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    log_action(request, "council.corporation_request.answered", actor=acting_user,
               data={"from": previous, "to": request.status, "answer": answer})  # fmt: skip
    return request


@transaction.atomic
def close_corporation_request(request: CorporationRequest, *, outcome: str, acting_user: User) -> CorporationRequest:
    """The secretariat records the outcome of a request and closes it.

    Accepts ``sent`` or ``answered``; ``closed`` is a no-op. Writes the outcome, the time and a
    history row. Sends nothing. No reverse step: a new request is sent instead.

    :raises CouncilError: if the outcome is empty.
    """
    request = _lock(CorporationRequest, request.pk)
    if request.status == RequestStatus.CLOSED:
        return request
    outcome = (outcome or "").strip()
    if not outcome:
        raise CouncilError(_("結果を入力してください。"))
    _check_transition("corporation_request", request, RequestStatus.CLOSED)
    previous = request.status
    request.status = RequestStatus.CLOSED
    request.outcome = outcome
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "outcome", "closed_at"])
    log_action(request, "council.corporation_request.closed", actor=acting_user,
               data={"from": previous, "to": request.status, "outcome": outcome})  # fmt: skip
    return request


# --- Violations (Arts. 3(3), 12) --------------------------------------------------------------


@transaction.atomic
def record_violation(
    *,
    title: str,
    description: str,
    found_on: datetime.date,
    acting_user: User,
    employer: Organization | None = None,
    employer_name: str = "",
    source_request: CorporationRequest | None = None,
) -> Violation:
    """Record a violation found in a report or an inspection.

    Writes the violation and a history row. Sends nothing: it is handed over by
    :func:`hand_off_violation`.

    :raises CouncilError: without a title, a description, a date, or an employer.
    """
    if not (title or "").strip() or not (description or "").strip() or found_on is None:
        raise CouncilError(_("件名、内容、把握した日を入力してください。"))
    if employer is None and not (employer_name or "").strip():
        raise CouncilError(_("対象の特定技能所属機関を指定してください。"))
    violation = Violation.objects.create(
        title=title.strip(),
        description=description.strip(),
        found_on=found_on,
        employer=employer,
        employer_name=(employer_name or "").strip(),
        source_request=source_request,
        recorded_by=acting_user,
    )
    log_action(violation, "council.violation.recorded", actor=acting_user,
               data={"title": violation.title, "employer": violation.employer_label})  # fmt: skip
    return violation


@transaction.atomic
def hand_off_violation(
    violation: Violation, *, agencies: Iterable[Member], acting_user: User, note: str = ""
) -> list[ViolationHandoff]:
    """Hand a violation to the chosen 制度関係機関 (category-2 members) (Art. 12).

    Agencies it was already handed to are skipped (no-op for them). Writes one hand-off per new
    agency with the time and the acting user, and a history row naming them. After commit, emails
    the agencies' contacts and users.

    :raises CouncilError: if no agency is chosen or one is not an active category-2 member.
    """
    violation = _lock(Violation, violation.pk)
    agencies = list(agencies)
    if not agencies:
        raise CouncilError(_("引き継ぐ制度関係機関を選んでください。"))
    for agency in agencies:
        if agency.category.code != MemberCategoryCode.AGENCY or agency.status != MemberStatus.ACTIVE:
            raise CouncilError(_("「%(name)s」は制度関係機関(第2号構成員)ではありません。") % {"name": agency.name})
    done = set(violation.handoffs.values_list("agency_id", flat=True))
    now = timezone.now()
    created = [
        ViolationHandoff.objects.create(violation=violation, agency=agency, handed_at=now, handed_by=acting_user,
                                        note=(note or "").strip())
        for agency in agencies
        if agency.pk not in done
    ]  # fmt: skip
    if not created:
        return []
    log_action(violation, "council.violation.handed_off", actor=acting_user,
               data={"agencies": [handoff.agency.name for handoff in created], "note": note})  # fmt: skip
    for handoff in created:
        agency = handoff.agency
        recipients = sorted({agency.contact_email, agency.user.email if agency.user_id else ""} - {""})
        send_templated_email("council_violation_handed_off", to=recipients,
                             context={"violation": violation, "agency": agency})  # fmt: skip
    return created
