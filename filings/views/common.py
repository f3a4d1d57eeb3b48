"""What every employer page needs: the organisation the request acts for, and who may change things."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import OrganizationMembership
from accounts.roles import get_acting_membership

PAGE_SIZE = 50


def membership_for(request: HttpRequest) -> OrganizationMembership:
    """The membership the request acts for; 404 for a user without one (never another organisation)."""
    return get_acting_membership(request)


def require_submitter(membership: OrganizationMembership) -> None:
    """Representatives and staff change and submit; a viewer only looks (403)."""
    if not membership.can_submit:
        raise PermissionDenied


#: How each record reaches its organisation.
_ORGANIZATION_PATH = {
    "Workplace": "organization",
    "Worker": "organization",
    "Confirmation": "organization",
    "VisaApplication": "worker__organization",
}


def owned_or_404(model: type[Model], membership: OrganizationMembership, pk: int) -> Model:
    """The object if it belongs to the acting organisation; another organisation's id is 404."""
    path = _ORGANIZATION_PATH[model.__name__]
    return get_object_or_404(model, pk=pk, **{path: membership.organization})


def today() -> datetime.date:
    return timezone.localdate()


def paginate(request: HttpRequest, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """A page of ``items`` chosen by ``?<param>=``, with ``previous_url``/``next_url`` that keep the
    other parameters (a dashboard pages three lists at once, and the worker list keeps its filter)."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url_for(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    page.previous_url = url_for(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url_for(page.next_page_number()) if page.has_next() else ""
    return page


def error_message(exc: Exception) -> str:
    """The Japanese message a domain error carries."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    messages = getattr(exc, "messages", None)
    if messages:
        return " ".join(str(m) for m in messages)
    return str(exc)
