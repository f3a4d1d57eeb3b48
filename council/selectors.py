"""Reads on the council body."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.audit import history_for
from accounts.models import AuditLog, User
from accounts.roles import is_secretariat
from membership.constants import MemberStatus
from membership.models import Member

from .constants import MeetingStatus, MemberCategoryCode
from .models import CorporationRequest, Invitation, Material, Meeting, MemberCategory, Violation


def member_category_list() -> QuerySet[MemberCategory]:
    return MemberCategory.objects.order_by("number")


def member_category_get(code: MemberCategoryCode | str) -> MemberCategory:
    return MemberCategory.objects.get(code=code)


# --- Meetings ---------------------------------------------------------------------------------


def meeting_public_list() -> QuerySet[Meeting]:
    """Meetings on the public page: everything convened or circulated, closed ones included (Art. 7)."""
    return (
        Meeting.objects.exclude(status=MeetingStatus.DRAFT)
        .prefetch_related("agenda_items")
        .order_by("-starts_at", "-response_deadline", "-pk")
    )


def meeting_get_public(pk: int) -> Meeting:
    meeting = meeting_public_list().filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def user_members(user: User) -> QuerySet[Member]:
    """The active memberships a user acts for (``Member.user``)."""
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(user=user, status=MemberStatus.ACTIVE).select_related("category")


def is_participant(user: User, meeting: Meeting) -> bool:
    """Invited members' users, and invited guests by their sign-in email, are the meeting's participants."""
    if not user.is_authenticated:
        return False
    return meeting.invitations.filter(Q(member__user=user) | Q(member=None, guest_email__iexact=user.email)).exists()


def can_see_full_minutes(user: User, meeting: Meeting) -> bool:
    return is_secretariat(user) or is_participant(user, meeting)


def public_materials(meeting: Meeting) -> QuerySet[Material]:
    """Materials the public may download: public ones of a public meeting."""
    if not meeting.is_public:
        return Material.objects.none()
    return meeting.materials.filter(is_public=True)


def material_get_for_user(user: User, pk: int) -> Material:
    """A material the user may download: public, or for participants and the secretariat; 404 otherwise."""
    material = Material.objects.select_related("meeting").filter(pk=pk).first()
    if material is None or (material.meeting.status == MeetingStatus.DRAFT and not is_secretariat(user)):
        raise Http404
    meeting = material.meeting
    if material.is_public and meeting.is_public:
        return material
    if can_see_full_minutes(user, meeting):
        return material
    raise Http404


def invitation_list_for_user(user: User) -> QuerySet[Invitation]:
    """Invitations of the memberships the user acts for, newest first, drafts excluded."""
    return (
        Invitation.objects.filter(member__user=user)
        .exclude(meeting__status=MeetingStatus.DRAFT)
        .select_related("meeting", "member", "response")
        .order_by("-meeting__convened_at", "-pk")
    )


def invitation_get_for_user(user: User, pk: int) -> Invitation:
    invitation = invitation_list_for_user(user).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def meeting_get_for_secretariat(user: User, pk: int) -> Meeting:
    if not is_secretariat(user):
        raise Http404
    return get_object_or_404(Meeting, pk=pk)


# --- Requests to registered corporations ------------------------------------------------------


def corporation_request_list_for_user(user: User) -> QuerySet[CorporationRequest]:
    """Requests addressed to the registered corporations the user acts for; all for the secretariat."""
    requests = CorporationRequest.objects.select_related("member").prefetch_related("employers")
    if is_secretariat(user):
        return requests
    return requests.filter(member__user=user, member__category__code=MemberCategoryCode.REGISTERED_CORPORATION)


def corporation_request_get_for_user(user: User, pk: int) -> CorporationRequest:
    request = corporation_request_list_for_user(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


# --- Violations -------------------------------------------------------------------------------


def violation_list_for_user(user: User) -> QuerySet[Violation]:
    """All for the secretariat; for an agency's users, only those handed to that agency; else none."""
    violations = Violation.objects.select_related("employer").prefetch_related("handoffs__agency")
    if is_secretariat(user):
        return violations
    if not user.is_authenticated:
        return violations.none()
    return violations.filter(
        handoffs__agency__user=user, handoffs__agency__category__code=MemberCategoryCode.AGENCY
    ).distinct()


def violation_get_for_user(user: User, pk: int) -> Violation:
    violation = violation_list_for_user(user).filter(pk=pk).first()
    if violation is None:
        raise Http404
    return violation


def can_see_violations(user: User) -> bool:
    return is_secretariat(user) or user_members(user).filter(category__code=MemberCategoryCode.AGENCY).exists()


def history_list(obj) -> QuerySet[AuditLog]:
    return history_for(obj).order_by("created_at", "pk")
