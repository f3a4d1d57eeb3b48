"""Reads on council membership, each with its access rule built in."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.audit import history_for
from accounts.models import AuditLog, User
from accounts.roles import is_secretariat

from .constants import ChangeNotificationStatus, MemberStatus, WithdrawalNoticeStatus
from .models import ChangeNotification, JoinRequest, JoinRequestAttachment, Member


def member_directory(*, today: datetime.date | None = None) -> QuerySet[Member]:
    """Members shown to the public: joined, and neither expelled nor past their withdrawal date."""
    today = today or timezone.localdate()
    return (
        Member.objects.filter(joined_on__lte=today)
        .filter(Q(status=MemberStatus.ACTIVE) | Q(status=MemberStatus.WITHDRAWN, left_on__gt=today))
        .select_related("category", "municipality")
        .order_by("category__number", "joined_on", "pk")
    )


def member_get_public(pk: int, *, today: datetime.date | None = None) -> Member:
    """A member's public page; 404 for anyone not in the directory."""
    member = member_directory(today=today).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def member_export_rows() -> QuerySet[Member]:
    """Every member, past ones included, for the secretariat's export."""
    return Member.objects.select_related("category", "municipality").order_by("category__number", "joined_on", "pk")


def join_request_list_for_applicant(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(applicant=user).select_related("municipality").order_by("-created_at", "-pk")


def join_request_get_for_applicant(user: User, pk: int) -> JoinRequest:
    """The applicant's own join request; 404 for anyone else's (its existence is not revealed)."""
    join_request = join_request_list_for_applicant(user).filter(pk=pk).first()
    if join_request is None:
        raise Http404
    return join_request


def attachment_get_for_user(user: User, pk: int) -> JoinRequestAttachment:
    """An attachment its applicant or the secretariat may download; 404 otherwise."""
    attachments = JoinRequestAttachment.objects.select_related("join_request")
    if not is_secretariat(user):
        attachments = attachments.filter(join_request__applicant=user)
    attachment = attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def member_list_for_user(user: User) -> QuerySet[Member]:
    """The memberships a user files notifications for."""
    return Member.objects.filter(user=user).select_related("category").order_by("-joined_on", "pk")


def member_get_for_user(user: User, pk: int) -> Member:
    member = member_list_for_user(user).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def member_pending_change_notifications(member: Member) -> QuerySet[ChangeNotification]:
    return member.change_notifications.filter(status=ChangeNotificationStatus.SUBMITTED)


def member_has_pending_withdrawal(member: Member) -> bool:
    return member.withdrawal_notices.filter(status=WithdrawalNoticeStatus.SUBMITTED).exists()


def history_list(obj) -> QuerySet[AuditLog]:
    return history_for(obj).order_by("created_at", "pk")


def suggest_membership_numbers(count: int) -> list[str]:
    """The next ``count`` free numeric membership numbers (0001, 0002, …), as suggestions only."""
    used = set(Member.objects.exclude(membership_number="").values_list("membership_number", flat=True))
    highest = max((int(number) for number in used if number.isdigit()), default=0)
    return [f"{highest + offset:04d}" for offset in range(1, count + 1)]
