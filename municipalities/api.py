"""The public look-up endpoint, and how a municipality appears in every API answer (API.md)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api import validation_error

from .models import Municipality
from .services import InvalidPostalCode, LookupResult, lookup_address, lookup_postal_code


def municipality_json(m: Municipality) -> dict:
    """``{"code": "141003", "name": "横浜市", "prefecture": "神奈川県"}``: always the filing municipality."""
    return {"code": m.code, "name": m.name, "prefecture": m.prefecture}


def ward_json(ward: Municipality | None) -> dict | None:
    """``{"code": "141046", "name": "中区"}``, or None where no designated-city ward applies."""
    if ward is None:
        return None
    return {"code": ward.code, "name": ward.name}


def lookup_result_json(result: LookupResult) -> dict:
    return {
        "municipality": municipality_json(result.municipality),
        "ward": ward_json(result.ward),
        "town": result.town,
    }


_MUNICIPALITY = inline_serializer(
    "Municipality",
    {"code": serializers.CharField(), "name": serializers.CharField(), "prefecture": serializers.CharField()},
)
_WARD = inline_serializer("Ward", {"code": serializers.CharField(), "name": serializers.CharField()}, allow_null=True)


class MunicipalityLookupView(APIView):
    """``GET /api/v1/municipalities/lookup?postal_code=`` or ``?address=``: public, rate-limited."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "lookup"

    @extend_schema(
        summary=gettext_lazy("郵便番号・住所から市区町村を調べる"),
        parameters=[
            OpenApiParameter("postal_code", OpenApiTypes.STR, description=gettext_lazy("郵便番号(ハイフン・全角可)")),
            OpenApiParameter("address", OpenApiTypes.STR, description=gettext_lazy("住所(都道府県は省略可)")),
        ],
        responses={
            200: inline_serializer(
                "LookupAnswer",
                {
                    "results": inline_serializer(
                        "LookupResult",
                        {"municipality": _MUNICIPALITY, "ward": _WARD, "town": serializers.CharField()},
                        many=True,
                    )
                },
            ),
            400: OpenApiTypes.OBJECT,
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        postal_code = request.query_params.get("postal_code", "").strip()
        address = request.query_params.get("address", "").strip()
        if not postal_code and not address:
            if "postal_code" in request.query_params:
                return validation_error({"postal_code": [_("郵便番号は7桁の数字で入力してください(例: 190-0012)。")]})
            if "address" in request.query_params:
                return validation_error({"address": [_("住所を入力してください。")]})
            return validation_error({"non_field_errors": [_("郵便番号か住所を指定してください。")]})
        results: list[LookupResult] = []
        if postal_code:
            try:
                results = lookup_postal_code(postal_code)
            except InvalidPostalCode as exc:
                return validation_error({"postal_code": [exc.message]})
        if not results and address:
            results = lookup_address(address)
        return Response({"results": [lookup_result_json(r) for r in results]})


municipality_lookup_view = MunicipalityLookupView.as_view()
