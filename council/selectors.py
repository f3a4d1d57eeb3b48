"""Reads on the council body."""

from django.db.models import QuerySet

from .constants import MemberCategoryCode
from .models import MemberCategory


def member_category_list() -> QuerySet[MemberCategory]:
    return MemberCategory.objects.order_by("number")


def member_category_get(code: MemberCategoryCode | str) -> MemberCategory:
    return MemberCategory.objects.get(code=code)
