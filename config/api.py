"""API conventions shared by every endpoint: errors as {"errors": {field: [messages]}}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    out[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list):
                out[key] = [str(v) for v in value if not isinstance(v, dict | list)] or [
                    str(m) for m in _flatten(value).get("non_field_errors", [])
                ]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"detail": [str(detail)]}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = {"errors": _flatten(response.data)}
    return response


def validation_error(errors: dict[str, list[str]] | dict[str, str]) -> Response:
    """A 400 answer in the API's error format."""
    normalised = {key: value if isinstance(value, list) else [value] for key, value in errors.items()}
    return Response({"errors": normalised}, status=status.HTTP_400_BAD_REQUEST)
