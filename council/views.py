"""Public pages about the council."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import member_category_list


def home_view(request: HttpRequest) -> HttpResponse:
    """What the council is for, who its members are, and how to join."""
    return render(request, "council/home.html", {"categories": member_category_list()})
