"""The employer API v1 (API.md): thin views over ``filings.services`` and ``filings.selectors``.

Each view reads the organisation from the bearer token (``request.auth.organization``), looks
objects up inside it only (another organisation's object is 404), validates the shape of the
input, calls one service, and turns domain errors into the API's answers: ``FilingError`` and
municipality resolution errors into 400 ``{"errors": {...}}``, ``FilingPermissionError`` into 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organization
from config.api import validation_error

from . import selectors, services
from .models import Confirmation, VisaApplication, Worker, Workplace
from .serializers import (
    ApplicationInputSerializer,
    ApplicationSerializer,
    ConfirmationInputSerializer,
    ConfirmationSerializer,
    OrganizationSerializer,
    RequirementsSerializer,
    SubmitInputSerializer,
    WorkerInputSerializer,
    WorkerPatchSerializer,
    WorkerSerializer,
    WorkerSheetSerializer,
    WorkplaceInputSerializer,
    WorkplacePatchSerializer,
    WorkplaceSerializer,
    municipality_json,
    requirements_json,
    worker_sheet_json,
)

ERRORS = inline_serializer(
    "Errors",
    {
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
BAD_REQUEST = OpenApiResponse(ERRORS, description=_("入力の誤り(メッセージは日本語、Accept-Language: en で英語)"))
FORBIDDEN = OpenApiResponse(description=_("閲覧のみの利用者など、この操作の権限がない"))
NOT_FOUND = OpenApiResponse(description=_("この所属機関のものではない、または存在しない"))


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Bearer <token>`` (accounts.authentication) in the schema."""

    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": _("所属機関ごとに発行する API トークン")}


class EmployerAPIView(APIView):
    """Every endpoint acts for the token's organisation and nothing else."""

    @property
    def organization(self) -> Organization:
        token = self.request.auth
        organization = getattr(token, "organization", None)
        if organization is None:
            raise exceptions.NotAuthenticated()
        return organization

    def validated(self, serializer_class: type[serializers.Serializer], *, partial: bool = False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def call(self, func: Callable[[], Any], *, resolution_prefix: str = "") -> Any:
        """Run a service; domain errors become ``ServiceRefused`` carrying the API answer."""
        from municipalities.services import (
            AmbiguousMunicipality,
            InvalidPostalCode,
            MunicipalityResolutionError,
        )

        try:
            return func()
        except services.FilingPermissionError as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        except services.WorkerImportError as exc:
            raise ServiceRefused(validation_error({f"line {line}": [msg] for line, _f, msg in exc.errors})) from exc
        except services.FilingError as exc:
            raise ServiceRefused(validation_error(exc.as_errors())) from exc
        except MunicipalityResolutionError as exc:
            if isinstance(exc, InvalidPostalCode):
                field = "postal_code"
            elif isinstance(exc, AmbiguousMunicipality):
                field = "municipality_code"
            else:
                field = "address"
            response = validation_error({resolution_prefix + field: [exc.message]})
            if exc.candidates:
                response.data["candidates"] = [
                    {"municipality": municipality_json(c.municipality), "ward": _ward(c.ward), "town": c.town}
                    for c in exc.candidates
                ]
            raise ServiceRefused(response) from exc

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ServiceRefused):
            return exc.response
        return super().handle_exception(exc)


class ServiceRefused(Exception):  # noqa: N818 -- a control-flow carrier, not an error of its own
    """A service said no; ``response`` is the 400 answer to send."""

    def __init__(self, response: Response) -> None:
        super().__init__("service refused")
        self.response = response


def _ward(ward) -> dict | None:
    return {"code": ward.code, "name": ward.name} if ward is not None else None


# --- Organisation ---------------------------------------------------------------------------------


class OrganizationView(EmployerAPIView):
    @extend_schema(operation_id="organization_retrieve", responses={200: OrganizationSerializer})
    def get(self, request: Request) -> Response:
        return Response(OrganizationSerializer.represent(self.organization))

    @extend_schema(
        operation_id="organization_partial_update",
        request=OrganizationSerializer,
        responses={200: OrganizationSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def patch(self, request: Request) -> Response:
        data = self.validated(OrganizationSerializer, partial=True)
        organization = self.call(
            lambda: services.update_organization(
                organization=self.organization, actor=request.user, **OrganizationSerializer.to_fields(data)
            )
        )
        return Response(OrganizationSerializer.represent(organization))


# --- Workplaces -------------------------------------------------------------------------------------


class WorkplaceListView(EmployerAPIView):
    @extend_schema(operation_id="workplaces_list", responses={200: WorkplaceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        workplaces = selectors.workplaces_of(self.organization)
        return Response(WorkplaceSerializer(workplaces, many=True).data)

    @extend_schema(
        operation_id="workplaces_create",
        request=WorkplaceInputSerializer,
        responses={201: WorkplaceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        data = self.validated(WorkplaceInputSerializer)
        workplace = self.call(
            lambda: services.create_workplace(
                organization=self.organization,
                actor=request.user,
                name=data["name"],
                postal_code=data.get("postal_code", ""),
                address=data["address"],
                municipality_code=data.get("municipality_code") or None,
            )
        )
        return Response(WorkplaceSerializer(workplace).data, status=status.HTTP_201_CREATED)


class WorkplaceDetailView(EmployerAPIView):
    def get_workplace(self, pk: int) -> Workplace:
        return get_object_or_404(selectors.workplaces_of(self.organization), pk=pk)

    @extend_schema(operation_id="workplaces_retrieve", responses={200: WorkplaceSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(WorkplaceSerializer(self.get_workplace(pk)).data)

    @extend_schema(
        operation_id="workplaces_partial_update",
        request=WorkplacePatchSerializer,
        responses={200: WorkplaceSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        workplace = self.get_workplace(pk)
        data = dict(self.validated(WorkplacePatchSerializer, partial=True))
        workplace = self.call(lambda: services.update_workplace(workplace=workplace, actor=request.user, **data))
        workplace = self.get_workplace(workplace.pk)
        return Response(WorkplaceSerializer(workplace).data)


# --- Workers ----------------------------------------------------------------------------------------


class WorkerPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


class WorkerListView(EmployerAPIView):
    @extend_schema(
        operation_id="workers_list",
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description=_("1ページの件数(既定 100、最大 1000)")),
            OpenApiParameter("offset", OpenApiTypes.INT, description=_("先頭から飛ばす件数")),
        ],
        responses={
            200: inline_serializer(
                "PaginatedWorkers",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": WorkerSerializer(many=True),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        paginator = WorkerPagination()
        page = paginator.paginate_queryset(selectors.workers_of(self.organization), request, view=self)
        return paginator.get_paginated_response(WorkerSerializer(page, many=True).data)

    @extend_schema(
        operation_id="workers_create",
        request=WorkerInputSerializer,
        responses={201: WorkerSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        data = self.validated(WorkerInputSerializer)
        residence = data["residence"]
        worker = self.call(
            lambda: services.create_worker(
                organization=self.organization,
                actor=request.user,
                name=data["name"],
                nationality=data["nationality"],
                workplace=data["workplace"],
                residence_postal_code=residence.get("postal_code", ""),
                residence_address=residence.get("address", ""),
                residence_municipality_code=residence.get("municipality_code") or None,
                status=data.get("status") or "active",
                residence_card_expiry=data.get("residence_card_expiry"),
            ),
            resolution_prefix="residence.",
        )
        worker = get_object_or_404(selectors.workers_of(self.organization), pk=worker.pk)
        return Response(WorkerSerializer(worker).data, status=status.HTTP_201_CREATED)


class WorkerDetailView(EmployerAPIView):
    def get_worker(self, pk: int) -> Worker:
        return get_object_or_404(selectors.workers_of(self.organization), pk=pk)

    @extend_schema(operation_id="workers_retrieve", responses={200: WorkerSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(WorkerSerializer(self.get_worker(pk)).data)

    @extend_schema(
        operation_id="workers_partial_update",
        request=WorkerPatchSerializer,
        responses={200: WorkerSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request: Request, pk: int) -> Response:
        worker = self.get_worker(pk)
        data = dict(self.validated(WorkerPatchSerializer, partial=True))
        residence = data.pop("residence", None) or {}
        kwargs: dict[str, Any] = dict(data)
        if "postal_code" in residence or "address" in residence:
            kwargs["residence_postal_code"] = residence.get("postal_code", worker.residence_postal_code)
            kwargs["residence_address"] = residence.get("address", worker.residence_address)
        if residence.get("municipality_code"):
            kwargs["residence_municipality_code"] = residence["municipality_code"]
        self.call(
            lambda: services.update_worker(worker=worker, actor=request.user, **kwargs),
            resolution_prefix="residence.",
        )
        return Response(WorkerSerializer(self.get_worker(pk)).data)


class WorkerSheetView(EmployerAPIView):
    """What the visa application form (所属機関等作成用) asks about one worker's two municipalities."""

    @extend_schema(operation_id="workers_sheet", responses={200: WorkerSheetSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        worker = get_object_or_404(Worker, organization=self.organization, pk=pk)
        [readiness] = selectors.worker_readiness(self.organization, worker_ids=[worker.pk])
        return Response(worker_sheet_json(readiness))


# --- Applications -----------------------------------------------------------------------------------


class ApplicationListView(EmployerAPIView):
    @extend_schema(operation_id="applications_list", responses={200: ApplicationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ApplicationSerializer(selectors.applications_of(self.organization), many=True).data)

    @extend_schema(
        operation_id="applications_create",
        request=ApplicationInputSerializer,
        responses={201: ApplicationSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ApplicationInputSerializer)
        worker = get_object_or_404(Worker, organization=self.organization, pk=data["worker"])
        application = self.call(
            lambda: services.plan_application(
                worker=worker, actor=request.user, kind=data["kind"], planned_date=data["planned_date"]
            )
        )
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(EmployerAPIView):
    @extend_schema(operation_id="applications_retrieve", responses={200: ApplicationSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        application = get_object_or_404(VisaApplication, worker__organization=self.organization, pk=pk)
        return Response(ApplicationSerializer(application).data)


# --- Requirements -----------------------------------------------------------------------------------


class RequirementsView(EmployerAPIView):
    @extend_schema(operation_id="requirements_retrieve", responses={200: RequirementsSerializer})
    def get(self, request: Request) -> Response:
        return Response(requirements_json(selectors.requirements_for(self.organization)))


# --- Confirmations ----------------------------------------------------------------------------------


class ConfirmationListView(EmployerAPIView):
    @extend_schema(operation_id="confirmations_list", responses={200: ConfirmationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        confirmations = selectors.confirmations_of(self.organization)
        return Response(ConfirmationSerializer(confirmations, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="confirmations_create",
        request=ConfirmationInputSerializer,
        responses={201: ConfirmationSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def post(self, request: Request) -> Response:
        data = self.validated(ConfirmationInputSerializer)
        confirmation = self.call(
            lambda: services.create_confirmation(
                organization=self.organization, actor=request.user, municipality=data["municipality_code"]
            )
        )
        return Response(
            ConfirmationSerializer(confirmation, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ConfirmationLookup(EmployerAPIView):
    def get_confirmation(self, pk: int) -> Confirmation:
        return get_object_or_404(selectors.confirmations_of(self.organization), pk=pk)


class ConfirmationDetailView(ConfirmationLookup):
    @extend_schema(operation_id="confirmations_retrieve", responses={200: ConfirmationSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ConfirmationSerializer(self.get_confirmation(pk), context={"request": request}).data)


class ConfirmationSubmitView(ConfirmationLookup):
    @extend_schema(
        operation_id="confirmations_submit",
        request=SubmitInputSerializer,
        responses={200: ConfirmationSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, pk: int) -> Response:
        confirmation = self.get_confirmation(pk)
        data = self.validated(SubmitInputSerializer)
        confirmation = self.call(
            lambda: services.submit_confirmation(
                confirmation=confirmation,
                actor=request.user,
                method=data["method"],
                submitted_on=data["submitted_on"],
            )
        )
        return Response(
            ConfirmationSerializer(self.get_confirmation(confirmation.pk), context={"request": request}).data
        )


class ConfirmationPdfView(ConfirmationLookup):
    @extend_schema(
        operation_id="confirmations_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The frozen bytes once submitted (identical to the receipt's SHA-256); a draft is rendered now."""
        from .submissions import confirmation_pdf_bytes

        confirmation = self.get_confirmation(pk)
        pdf = confirmation_pdf_bytes(confirmation)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="confirmation-{confirmation.pk}.pdf"'
        return response


organization_view = OrganizationView.as_view()
workplace_list_view = WorkplaceListView.as_view()
workplace_detail_view = WorkplaceDetailView.as_view()
worker_list_view = WorkerListView.as_view()
worker_detail_view = WorkerDetailView.as_view()
worker_sheet_view = WorkerSheetView.as_view()
application_list_view = ApplicationListView.as_view()
application_detail_view = ApplicationDetailView.as_view()
requirements_view = RequirementsView.as_view()
confirmation_list_view = ConfirmationListView.as_view()
confirmation_detail_view = ConfirmationDetailView.as_view()
confirmation_submit_view = ConfirmationSubmitView.as_view()
confirmation_pdf_view = ConfirmationPdfView.as_view()
