"""Writes on council membership: one guarded function per transition.

Every transition locks its row, checks the move against ``constants.TRANSITIONS``, saves only the
changed fields with the acting user and the time, writes one history row (who, when, from, to,
grounds) through ``accounts.audit.log_action`` in the same transaction, and sends its email after
commit. Calling a transition whose target state is already reached changes nothing and returns.
"""

import datetime
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import log_action
from accounts.models import User
from accounts.text import normalize_text
from council.constants import MemberCategoryCode
from council.models import MemberCategory

from .constants import (
    CHANGEABLE_FIELDS,
    MAX_ATTACHMENTS,
    TRANSITIONS,
    ChangeNotificationStatus,
    ExpulsionGround,
    JoinRequestStatus,
    MemberStatus,
    OrganizationType,
    WithdrawalNoticeStatus,
)
from .emails import send_after_commit
from .models import ChangeNotification, JoinRequest, JoinRequestAttachment, Member, WithdrawalNotice
from .validators import pdf_problem


class MembershipError(Exception):
    """A move the 運営要領 or the transition table does not allow. The message is shown to the user."""


#: The body's details (``BodyDetails``) that a join request and a member both hold, in this order.
BODY_DETAILS_FIELDS = (
    "organization_type",
    "municipality",
    "prefecture",
    "name",
    "postal_code",
    "address",
    "representative_name",
    "contact_department",
    "contact_name",
    "contact_email",
    "contact_phone",
)
#: The fields an applicant fills in on a join request.
JOIN_REQUEST_FIELDS = (*BODY_DETAILS_FIELDS, "agrees_with_purpose", "cooperation")

#: Fields that must be filled in before a join request can be submitted.
REQUIRED_ON_SUBMIT = (
    "organization_type",
    "name",
    "address",
    "representative_name",
    "contact_name",
    "contact_email",
    "contact_phone",
    "cooperation",
)

ENTITY_LABELS = {
    "join_request": gettext_lazy("入会の届出"),
    "member": gettext_lazy("構成員"),
    "change_notification": gettext_lazy("変更の届出"),
    "withdrawal_notice": gettext_lazy("退会の届出"),
}


def _check_transition(entity: str, obj: Model, target: str) -> None:
    current = obj.status
    if target not in TRANSITIONS[entity][current]:
        raise MembershipError(
            _("%(entity)s「%(name)s」は「%(current)s」のため、「%(target)s」にはできません。")
            % {
                "entity": ENTITY_LABELS[entity],
                "name": str(obj),
                "current": obj.get_status_display(),
                "target": dict(type(obj)._meta.get_field("status").choices)[target],
            }
        )


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Model) else value


def _lock(model: type[Model], pk: int) -> Model:
    return model.objects.select_for_update().get(pk=pk)


def _applicant_recipients(join_request: JoinRequest) -> list[str]:
    return sorted({join_request.applicant.email, join_request.contact_email} - {""})


def _member_recipients(member: Member) -> list[str]:
    return sorted({member.contact_email, member.user.email if member.user else ""} - {""})


def _language(user: User | None) -> str:
    return getattr(user, "language", None) or "ja"


def _email_applicant(join_request: JoinRequest, name: str, **context: object) -> None:
    """After commit, tell the applicant (and the request's contact) what happened to the request."""
    send_after_commit(
        name,
        to=_applicant_recipients(join_request),
        context={"join_request": join_request, **context},
        language=_language(join_request.applicant),
    )


# --- Join requests (Art. 8) --------------------------------------------------------------------


def _clean_join_request_data(data: dict) -> dict:
    cleaned = {key: value for key, value in data.items() if key in JOIN_REQUEST_FIELDS}
    for key in ("postal_code", "contact_phone", "contact_email"):
        if key in cleaned:
            cleaned[key] = normalize_text(cleaned[key])
    if cleaned.get("organization_type") not in (None, OrganizationType.LOCAL_GOVERNMENT):
        cleaned["municipality"] = None
        cleaned["prefecture"] = ""
    return cleaned


def _add_attachments(join_request: JoinRequest, files: Iterable[UploadedFile]) -> list[str]:
    files = list(files)
    if join_request.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise MembershipError(_("添付できる書類は%(count)d件までです。") % {"count": MAX_ATTACHMENTS})
    for upload in files:
        problem = pdf_problem(upload)
        if problem:
            raise MembershipError(problem)
    names = []
    for upload in files:
        JoinRequestAttachment.objects.create(
            join_request=join_request, file=upload, original_name=upload.name[:255], size=upload.size
        )
        names.append(upload.name)
    return names


@transaction.atomic
def save_join_request_draft(
    *,
    acting_user: User,
    data: dict,
    join_request: JoinRequest | None = None,
    attachments: Iterable[UploadedFile] = (),
    remove_attachment_ids: Iterable[int] = (),
) -> JoinRequest:
    """Create a join request as a draft, or save changes to one the applicant may still edit.

    Accepts a new request, or one in ``draft`` or ``info_requested`` that belongs to ``acting_user``.
    Writes the request, its PDF attachments and a history row. Sends nothing.

    :raises MembershipError: if the request is no longer editable or an attachment is not an
        acceptable PDF (nothing is written then).
    """
    data = _clean_join_request_data(data)
    if join_request is None:
        join_request = JoinRequest.objects.create(applicant=acting_user, **data)
        names = _add_attachments(join_request, attachments)
        log_action(
            join_request,
            "membership.join_request.created",
            actor=acting_user,
            data={"to": join_request.status, "attachments": names},
        )
        return join_request

    join_request = _lock(JoinRequest, join_request.pk)
    if join_request.applicant_id != acting_user.pk:
        raise MembershipError(_("この入会の届出を編集することはできません。"))
    if not join_request.is_editable:
        raise MembershipError(
            _("「%(status)s」の入会の届出は編集できません。") % {"status": join_request.get_status_display()}
        )
    changed = {}
    for key, value in data.items():
        old = getattr(join_request, key)
        if old != value:
            changed[key] = {
                "from": str(old) if isinstance(old, Model) else old,
                "to": str(value) if isinstance(value, Model) else value,
            }
            setattr(join_request, key, value)
    removed = list(
        join_request.attachments.filter(pk__in=list(remove_attachment_ids)).values_list("original_name", flat=True)
    )
    join_request.attachments.filter(pk__in=list(remove_attachment_ids)).delete()
    names = _add_attachments(join_request, attachments)
    if not changed and not names and not removed:
        return join_request
    join_request.save(update_fields=[*changed, "updated_at"])
    log_action(
        join_request,
        "membership.join_request.updated",
        actor=acting_user,
        data={"changes": changed, "attachments_added": names, "attachments_removed": removed},
    )
    return join_request


def join_request_missing_fields(join_request: JoinRequest) -> list[str]:
    """Labels of what must still be filled in before ``join_request`` can be submitted."""
    missing = [
        str(JoinRequest._meta.get_field(field).verbose_name)
        for field in REQUIRED_ON_SUBMIT
        if not getattr(join_request, field)
    ]
    if join_request.organization_type == OrganizationType.LOCAL_GOVERNMENT and not (
        join_request.municipality_id or join_request.prefecture
    ):
        missing.append(_("市区町村または都道府県"))
    if not join_request.agrees_with_purpose:
        missing.append(_("協議・連絡会の目的への賛同"))
    return missing


@transaction.atomic
def submit_join_request(join_request: JoinRequest, *, acting_user: User, answer: str = "") -> JoinRequest:
    """Submit a draft to the secretariat, or resubmit it with the answer to a request for information.

    Accepts ``draft`` and ``info_requested`` (the latter needs ``answer``); ``submitted`` is a no-op.
    Writes the status, ``submitted_at``, the answer and a history row. After commit, emails the
    applicant a receipt.

    :raises MembershipError: for any other status, another user's request, a missing answer or an
        incomplete request.
    """
    join_request = _lock(JoinRequest, join_request.pk)
    if join_request.applicant_id != acting_user.pk:
        raise MembershipError(_("この入会の届出を提出することはできません。"))
    if join_request.status == JoinRequestStatus.SUBMITTED:
        return join_request
    _check_transition("join_request", join_request, JoinRequestStatus.SUBMITTED)
    answer = (answer or "").strip()
    if join_request.status == JoinRequestStatus.INFO_REQUESTED and not answer:
        raise MembershipError(_("事務局からの依頼への回答を入力してください。"))
    missing = join_request_missing_fields(join_request)
    if missing:
        raise MembershipError(_("提出する前に次の項目を入力してください: %(fields)s") % {"fields": "、".join(missing)})
    previous = join_request.status
    join_request.status = JoinRequestStatus.SUBMITTED
    join_request.submitted_at = timezone.now()
    fields = ["status", "submitted_at", "updated_at"]
    if answer:
        join_request.applicant_answer = answer
        fields.append("applicant_answer")
    join_request.save(update_fields=fields)
    log_action(
        join_request,
        "membership.join_request.submitted",
        actor=acting_user,
        data={"from": previous, "to": join_request.status, "answer": answer},
    )
    _email_applicant(join_request, "join_request_submitted")
    return join_request


@transaction.atomic
def request_more_information(join_request: JoinRequest, *, message: str, acting_user: User) -> JoinRequest:
    """Send a submitted join request back to the applicant with a question from the secretariat.

    Accepts ``submitted``; ``info_requested`` is a no-op. Writes the status, the message, the
    decision time and user, and a history row. After commit, emails the applicant the message.

    :raises MembershipError: for any other status or an empty message.
    """
    message = (message or "").strip()
    if not message:
        raise MembershipError(_("届出者への依頼内容を入力してください。"))
    join_request = _lock(JoinRequest, join_request.pk)
    if join_request.status == JoinRequestStatus.INFO_REQUESTED:
        return join_request
    _check_transition("join_request", join_request, JoinRequestStatus.INFO_REQUESTED)
    previous = join_request.status
    join_request.status = JoinRequestStatus.INFO_REQUESTED
    join_request.info_request_message = message
    join_request.applicant_answer = ""
    join_request.decided_at = timezone.now()
    join_request.decided_by = acting_user
    join_request.save(
        update_fields=["status", "info_request_message", "applicant_answer", "decided_at", "decided_by", "updated_at"]
    )
    log_action(
        join_request,
        "membership.join_request.info_requested",
        actor=acting_user,
        data={"from": previous, "to": join_request.status, "grounds": message},
    )
    _email_applicant(join_request, "join_request_info_requested")
    return join_request


@transaction.atomic
def approve_join_request(
    join_request: JoinRequest, *, membership_number: str, joined_on: datetime.date, acting_user: User
) -> Member:
    """Admit the applicant as a category-4 member (Art. 2(4), Art. 8).

    Accepts ``submitted``; ``approved`` is a no-op that returns the existing member. Writes the
    status, the decision, a new :class:`Member` copied from the request, and history rows on both.
    After commit, emails the applicant the membership number and date.

    :raises MembershipError: for any other status, an empty or already used membership number.
    """
    membership_number = normalize_text(membership_number)
    if not membership_number:
        raise MembershipError(_("構成員番号を入力してください。"))
    if joined_on is None:
        raise MembershipError(_("入会日を入力してください。"))
    join_request = _lock(JoinRequest, join_request.pk)
    if join_request.status == JoinRequestStatus.APPROVED:
        return join_request.member
    _check_transition("join_request", join_request, JoinRequestStatus.APPROVED)
    if Member.objects.filter(membership_number=membership_number).exists():
        raise MembershipError(_("構成員番号「%(number)s」は既に使われています。") % {"number": membership_number})
    previous = join_request.status
    join_request.status = JoinRequestStatus.APPROVED
    join_request.decided_at = timezone.now()
    join_request.decided_by = acting_user
    join_request.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    details = {field: getattr(join_request, field) for field in JOIN_REQUEST_FIELDS}
    try:
        with transaction.atomic():
            member = Member.objects.create(
                category=MemberCategory.objects.get(code=MemberCategoryCode.BODY),
                membership_number=membership_number,
                joined_on=joined_on,
                user=join_request.applicant,
                join_request=join_request,
                **details,
            )
    except IntegrityError as exc:
        # Race: another admission took the same number between the check and the insert.
        raise MembershipError(
            _("構成員番号「%(number)s」は既に使われています。") % {"number": membership_number}
        ) from exc
    log_action(
        join_request,
        "membership.join_request.approved",
        actor=acting_user,
        data={
            "from": previous,
            "to": join_request.status,
            "membership_number": membership_number,
            "joined_on": joined_on,
            "member": member.pk,
        },
    )
    log_action(
        member,
        "membership.member.admitted",
        actor=acting_user,
        data={
            "from": None,
            "to": member.status,
            "grounds": _("入会の届出(第8条)"),
            "join_request": join_request.pk,
            "membership_number": membership_number,
            "joined_on": joined_on,
        },
    )
    _email_applicant(join_request, "join_request_approved", member=member)
    return member


@transaction.atomic
def refuse_join_request(join_request: JoinRequest, *, reason: str, acting_user: User) -> JoinRequest:
    """Refuse an applicant clearly unsuitable for the council's purpose (Art. 8(2)).

    Accepts ``submitted``; ``refused`` is a no-op. Writes the status, the reason, the decision time
    and user, and a history row. After commit, emails the applicant the reason.

    :raises MembershipError: for any other status or an empty reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError(_("拒否の理由を入力してください(第8条第2項)。"))
    join_request = _lock(JoinRequest, join_request.pk)
    if join_request.status == JoinRequestStatus.REFUSED:
        return join_request
    _check_transition("join_request", join_request, JoinRequestStatus.REFUSED)
    previous = join_request.status
    join_request.status = JoinRequestStatus.REFUSED
    join_request.refusal_reason = reason
    join_request.decided_at = timezone.now()
    join_request.decided_by = acting_user
    join_request.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by", "updated_at"])
    log_action(
        join_request,
        "membership.join_request.refused",
        actor=acting_user,
        data={"from": previous, "to": join_request.status, "grounds": reason},
    )
    _email_applicant(join_request, "join_request_refused")
    return join_request


# --- Category 3 (Art. 2(3)) --------------------------------------------------------------------


@transaction.atomic
def register_corporation(
    *,
    name: str,
    registration_number: str,
    registered_on: datetime.date,
    acting_user: User,
    joined_on: datetime.date | None = None,
    **details: str,
) -> Member:
    """Record a corporation registered under Art. 4 of the 上乗せ基準告示 as a category-3 member.

    No join request: the registration itself makes it a member. Registering the same number again
    with the same name is a no-op returning the existing member. Writes the member and a history row.
    Sends nothing.

    :raises MembershipError: for an empty name, number or date, or a number already held by
        another corporation.
    """
    name = (name or "").strip()
    registration_number = normalize_text(registration_number)
    if not name or not registration_number or registered_on is None:
        raise MembershipError(_("法人の名称、登録番号、登録日を入力してください。"))
    existing = Member.objects.select_for_update().filter(registration_number=registration_number).first()
    if existing is not None:
        if existing.name == name:
            return existing
        raise MembershipError(
            _("登録番号「%(number)s」は既に「%(name)s」に使われています。")
            % {"number": registration_number, "name": existing.name}
        )
    allowed = {
        "postal_code",
        "address",
        "representative_name",
        "contact_department",
        "contact_name",
        "contact_email",
        "contact_phone",
    }
    member = Member.objects.create(
        category=MemberCategory.objects.get(code=MemberCategoryCode.REGISTERED_CORPORATION),
        name=name,
        registration_number=registration_number,
        registered_on=registered_on,
        joined_on=joined_on or registered_on,
        **{key: value for key, value in details.items() if key in allowed},
    )
    log_action(
        member,
        "membership.member.registered",
        actor=acting_user,
        data={
            "from": None,
            "to": member.status,
            "grounds": _("上乗せ基準告示第4条の登録"),
            "registration_number": registration_number,
            "registered_on": registered_on,
        },
    )
    return member


# --- Change notification (Art. 9) --------------------------------------------------------------


@transaction.atomic
def record_change_notification(
    member: Member, *, changes: dict, effective_on: datetime.date, acting_user: User, note: str = ""
) -> ChangeNotification:
    """File a category-4 member's change to what it registered (Art. 9).

    Accepts an ``active`` category-4 member. Only fields of ``CHANGEABLE_FIELDS`` whose value
    differs are kept. Filing the same changes with the same date while one is pending is a no-op
    returning the pending one. Writes the notification with the old values and a history row on the
    member. Sends nothing; the member row changes once the secretariat acknowledges it.

    :raises MembershipError: for a member of another category or not active, or no actual change.
    """
    member = _lock(Member, member.pk)
    if member.category.code != MemberCategoryCode.BODY:
        raise MembershipError(_("変更の届出は第2条第4号の構成員のみが行います(第9条)。"))
    if member.status != MemberStatus.ACTIVE:
        raise MembershipError(
            _("「%(status)s」の構成員は変更を届け出ることができません。") % {"status": member.get_status_display()}
        )
    if effective_on is None:
        raise MembershipError(_("変更日を入力してください。"))
    normalized = {}
    for key, value in changes.items():
        if key not in CHANGEABLE_FIELDS:
            continue
        value = (
            normalize_text(value)
            if key in ("postal_code", "contact_phone", "contact_email")
            else (value or "").strip()
        )
        if value != getattr(member, key):
            normalized[key] = value
    if not normalized:
        raise MembershipError(_("変更された項目がありません。"))
    pending = member.change_notifications.filter(status=ChangeNotificationStatus.SUBMITTED, effective_on=effective_on)
    for notification in pending:
        if notification.changes == normalized:
            return notification
    notification = ChangeNotification.objects.create(
        member=member,
        filed_by=acting_user,
        changes=normalized,
        previous={key: getattr(member, key) for key in normalized},
        effective_on=effective_on,
        note=(note or "").strip(),
    )
    log_action(
        notification,
        "membership.change_notification.submitted",
        actor=acting_user,
        data={"from": None, "to": notification.status, "changes": normalized, "effective_on": effective_on},
    )
    log_action(
        member,
        "membership.member.change_notified",
        actor=acting_user,
        data={"notification": notification.pk, "changes": normalized, "effective_on": effective_on},
    )
    return notification


@transaction.atomic
def acknowledge_change_notification(
    notification: ChangeNotification,
    *,
    acting_user: User,
    effective_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ChangeNotification:
    """The secretariat acknowledges a change notification; the member changes from its effective date.

    Accepts ``submitted``; ``acknowledged`` is a no-op. ``effective_on`` may correct the date the
    member gave. Writes the status, the acknowledgement and a history row; when the date has come
    (``today``, default the local date) the member row is changed at once, otherwise the daily sweep
    ``apply_due_change_notifications`` changes it on that date. After commit, emails the member.

    :raises MembershipError: for any other status, or a member that is no longer active.
    """
    notification = _lock(ChangeNotification, notification.pk)
    if notification.status == ChangeNotificationStatus.ACKNOWLEDGED:
        return notification
    _check_transition("change_notification", notification, ChangeNotificationStatus.ACKNOWLEDGED)
    if notification.member.status != MemberStatus.ACTIVE:
        raise MembershipError(_("構成員でなくなった団体の変更の届出は確認できません。"))
    previous = notification.status
    notification.status = ChangeNotificationStatus.ACKNOWLEDGED
    notification.acknowledged_at = timezone.now()
    notification.acknowledged_by = acting_user
    fields = ["status", "acknowledged_at", "acknowledged_by"]
    if effective_on is not None and effective_on != notification.effective_on:
        notification.effective_on = effective_on
        fields.append("effective_on")
    notification.save(update_fields=fields)
    log_action(
        notification,
        "membership.change_notification.acknowledged",
        actor=acting_user,
        data={"from": previous, "to": notification.status, "effective_on": notification.effective_on},
    )
    if notification.effective_on <= (today or timezone.localdate()):
        apply_change_notification(notification, acting_user=acting_user)
    member = notification.member
    send_after_commit(
        "change_acknowledged",
        to=_member_recipients(member),
        context={
            "notification": notification,
            "member": member,
        },
        language=_language(member.user),
    )
    return notification


@transaction.atomic
def apply_change_notification(notification: ChangeNotification, *, acting_user: User | None = None) -> bool:
    """Write an acknowledged change into the member row.

    Accepts an ``acknowledged`` notification not yet applied; an applied one is a no-op (this is
    what makes the daily sweep safe to run twice). Writes the member fields, ``applied_at`` and a
    history row on the member with the old and new values. Sends nothing.

    :returns: whether the member changed.
    """
    notification = _lock(ChangeNotification, notification.pk)
    if notification.applied_at is not None or notification.status != ChangeNotificationStatus.ACKNOWLEDGED:
        return False
    member = _lock(Member, notification.member_id)
    if member.status != MemberStatus.ACTIVE:
        return False
    old = {key: getattr(member, key) for key in notification.changes}
    for key, value in notification.changes.items():
        setattr(member, key, value)
    member.save(update_fields=[*notification.changes, "updated_at"])
    notification.applied_at = timezone.now()
    notification.save(update_fields=["applied_at"])
    log_action(
        member,
        "membership.member.changed",
        actor=acting_user,
        data={
            "from": old,
            "to": notification.changes,
            "grounds": _("変更の届出(第9条)"),
            "notification": notification.pk,
            "effective_on": notification.effective_on,
        },
    )
    return True


def apply_due_change_notifications(*, today: datetime.date | None = None) -> int:
    """Apply every acknowledged change whose effective date has come. Safe to run twice."""
    today = today or timezone.localdate()
    due = ChangeNotification.objects.filter(
        status=ChangeNotificationStatus.ACKNOWLEDGED, applied_at__isnull=True, effective_on__lte=today
    ).order_by("effective_on", "pk")
    return sum(1 for notification in due if apply_change_notification(notification))


# --- Withdrawal (Art. 10) ----------------------------------------------------------------------


@transaction.atomic
def file_withdrawal_notice(
    member: Member, *, acting_user: User, reason: str = "", requested_on: datetime.date | None = None
) -> WithdrawalNotice:
    """A member notifies the secretariat that it withdraws (Art. 10); any category may.

    Accepts an ``active`` member; while a notice is pending, filing again returns it. Writes the
    notice and a history row. Sends nothing.

    :raises MembershipError: if the member is no longer active.
    """
    member = _lock(Member, member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise MembershipError(
            _("「%(status)s」の構成員は退会を届け出ることができません。") % {"status": member.get_status_display()}
        )
    pending = member.withdrawal_notices.filter(status=WithdrawalNoticeStatus.SUBMITTED).first()
    if pending is not None:
        return pending
    notice = WithdrawalNotice.objects.create(
        member=member, filed_by=acting_user, reason=(reason or "").strip(), requested_on=requested_on
    )
    log_action(
        notice,
        "membership.withdrawal_notice.submitted",
        actor=acting_user,
        data={"from": None, "to": notice.status, "grounds": notice.reason, "requested_on": requested_on},
    )
    return notice


def _confirm_withdrawal_notice(
    notice: WithdrawalNotice, *, member: Member, effective_on: datetime.date, acting_user: User
) -> WithdrawalNotice:
    notice = _lock(WithdrawalNotice, notice.pk)
    if notice.member_id != member.pk:
        raise MembershipError(_("この退会の届出は別の構成員のものです。"))
    if notice.status == WithdrawalNoticeStatus.CONFIRMED:
        return notice
    _check_transition("withdrawal_notice", notice, WithdrawalNoticeStatus.CONFIRMED)
    notice.status = WithdrawalNoticeStatus.CONFIRMED
    notice.effective_on = effective_on
    notice.confirmed_at = timezone.now()
    notice.confirmed_by = acting_user
    notice.save(update_fields=["status", "effective_on", "confirmed_at", "confirmed_by"])
    log_action(
        notice,
        "membership.withdrawal_notice.confirmed",
        actor=acting_user,
        data={"from": WithdrawalNoticeStatus.SUBMITTED, "to": notice.status, "effective_on": effective_on},
    )
    return notice


@transaction.atomic
def withdraw_membership(
    member: Member, *, effective_on: datetime.date, acting_user: User, notice: WithdrawalNotice | None = None
) -> Member:
    """The secretariat confirms a member's withdrawal with its effective date (Art. 10).

    Accepts an ``active`` member; ``withdrawn`` is a no-op. ``notice`` (default: the member's
    pending notice, if any) is marked confirmed. Writes the member status and ``left_on``, the
    notice, and history rows. From ``effective_on`` the member is out of the public directory.
    After commit, emails the member. There is no reverse step: a former member joins again.

    :raises MembershipError: for an expelled member, or a missing date.
    """
    if effective_on is None:
        raise MembershipError(_("退会日を入力してください。"))
    member = _lock(Member, member.pk)
    if member.status == MemberStatus.WITHDRAWN:
        if notice is not None and notice.status == WithdrawalNoticeStatus.SUBMITTED:
            # A notice that arrived for a member already withdrawn is closed with the date that stands.
            _confirm_withdrawal_notice(notice, member=member, effective_on=member.left_on, acting_user=acting_user)
        return member
    _check_transition("member", member, MemberStatus.WITHDRAWN)
    if notice is None:
        notice = member.withdrawal_notices.filter(status=WithdrawalNoticeStatus.SUBMITTED).first()
    if notice is not None:
        notice = _confirm_withdrawal_notice(notice, member=member, effective_on=effective_on, acting_user=acting_user)
    previous = member.status
    member.status = MemberStatus.WITHDRAWN
    member.left_on = effective_on
    member.save(update_fields=["status", "left_on", "updated_at"])
    log_action(
        member,
        "membership.member.withdrawn",
        actor=acting_user,
        data={
            "from": previous,
            "to": member.status,
            "grounds": notice.reason if notice else _("退会の届出(第10条)"),
            "effective_on": effective_on,
            "notice": notice.pk if notice else None,
        },
    )
    send_after_commit(
        "withdrawal_confirmed",
        to=_member_recipients(member),
        context={"member": member},
        language=_language(member.user),
    )
    return member


# --- Who files for a member -------------------------------------------------------------------


@transaction.atomic
def assign_member_user(member: Member, *, user: User, acting_user: User) -> Member:
    """Let ``user`` file notifications (change, withdrawal) for a member that joined without one.

    Category 1–3 members join without a join request, so no portal user is attached to them. Accepts
    an ``active`` member; assigning the same user again is a no-op. Writes ``user`` and a history
    row with the old and new user. Sends nothing.

    :raises MembershipError: if the member is no longer active.
    """
    member = _lock(Member, member.pk)
    if member.user_id == user.pk:
        return member
    if member.status != MemberStatus.ACTIVE:
        raise MembershipError(
            _("「%(status)s」の構成員には利用者を設定できません。") % {"status": member.get_status_display()}
        )
    previous = member.user.email if member.user else None
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    log_action(member, "membership.member.user_assigned", actor=acting_user, data={"from": previous, "to": user.email})
    return member


# --- Expulsion (Art. 11) -----------------------------------------------------------------------

EXPULSION_GROUNDS = {
    MemberCategoryCode.REGISTERED_CORPORATION: ExpulsionGround.NOTICE_ARTICLE_10,
    MemberCategoryCode.BODY: ExpulsionGround.AGAINST_PURPOSE,
}


@transaction.atomic
def expel_member(member: Member, *, reason: str, decided_on: datetime.date, acting_user: User) -> Member:
    """Record the presiders' decision to expel a member (Art. 11).

    Accepts an ``active`` member of category 3 (ground: 上乗せ基準告示 Art. 10) or 4 (ground:
    conduct clearly against the council's purpose); ``expelled`` is a no-op. Writes the status, the
    ground, the reason, ``left_on`` = the decision date and a history row. The member leaves the
    public directory at once. After commit, emails the member. There is no reverse step.

    :raises MembershipError: for categories 1 and 2, a withdrawn member, or missing grounds or date.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError(_("除名の理由を入力してください。"))
    if decided_on is None:
        raise MembershipError(_("除名の決定日を入力してください。"))
    member = _lock(Member, member.pk)
    if member.status == MemberStatus.EXPELLED:
        return member
    ground = EXPULSION_GROUNDS.get(member.category.code)
    if ground is None:
        raise MembershipError(
            _("「%(name)s」は第2条第1号・第2号の構成員のため、除名できません(第11条)。") % {"name": member.name}
        )
    _check_transition("member", member, MemberStatus.EXPELLED)
    previous = member.status
    member.status = MemberStatus.EXPELLED
    member.expulsion_ground = ground
    member.expulsion_reason = reason
    member.left_on = decided_on
    member.save(update_fields=["status", "expulsion_ground", "expulsion_reason", "left_on", "updated_at"])
    log_action(
        member,
        "membership.member.expelled",
        actor=acting_user,
        data={"from": previous, "to": member.status, "ground": ground, "grounds": reason, "decided_on": decided_on},
    )
    send_after_commit(
        "expelled",
        to=_member_recipients(member),
        context={"member": member},
        language=_language(member.user),
    )
    return member
