"""JSON shapes of the employer API v1 (API.md): input validation of types, and the answers.

Input serializers only check shapes and types; every business check is in ``filings.services``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.models import Organization

from .constants import ApplicationKind, SubmissionMethod, WorkerStatus
from .models import Confirmation, VisaApplication, Worker, Workplace


def municipality_json(m) -> dict | None:
    """``{"code", "name", "prefecture"}`` of a filing municipality (API.md)."""
    if m is None:
        return None
    return {"code": m.code, "name": m.name, "prefecture": m.prefecture}


def ward_json(ward) -> dict | None:
    return {"code": ward.code, "name": ward.name} if ward is not None else None


@extend_schema_serializer(component_name="FilingMunicipality")
class MunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("6桁の団体コード(政令指定都市の区は市のコード)"))
    name = serializers.CharField()
    prefecture = serializers.CharField()


@extend_schema_serializer(component_name="FilingWard")
class WardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# --- Organisation -------------------------------------------------------------------------------


class ContactSerializer(serializers.Serializer):
    department = serializers.CharField(required=False, allow_blank=True, max_length=100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)


class OrganizationSerializer(serializers.Serializer):
    """The employer organisation; on PATCH every field is optional and ``contact`` may be partial."""

    name = serializers.CharField(required=False, max_length=200)
    corporate_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=10)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    representative_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact = ContactSerializer(required=False)

    @staticmethod
    def to_fields(data: dict) -> dict[str, str]:
        """Validated data as ``update_organization`` keyword arguments."""
        fields = {k: v for k, v in data.items() if k != "contact"}
        for key, value in (data.get("contact") or {}).items():
            fields[f"contact_{key}"] = value
        return fields

    @staticmethod
    def represent(organization: Organization) -> dict:
        return {
            "name": organization.name,
            "corporate_number": organization.corporate_number,
            "postal_code": organization.postal_code,
            "address": organization.address,
            "representative_name": organization.representative_name,
            "contact": {
                "department": organization.contact_department,
                "name": organization.contact_name,
                "phone": organization.contact_phone,
                "email": organization.contact_email,
            },
        }


# --- Workplaces -------------------------------------------------------------------------------------


class WorkplaceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
    address = serializers.CharField(max_length=300, allow_blank=True)
    municipality_code = serializers.CharField(
        max_length=6, required=False, allow_blank=True, help_text=_("住所が曖昧なときに選ぶ市区町村の6桁コード")
    )


class WorkplacePatchSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    municipality_code = serializers.CharField(max_length=6, required=False, allow_blank=True)
    closed_on = serializers.DateField(required=False, allow_null=True)


class WorkplaceSerializer(serializers.ModelSerializer):
    municipality = serializers.SerializerMethodField()
    ward = serializers.SerializerMethodField()

    class Meta:
        model = Workplace
        fields = ["id", "name", "postal_code", "address", "municipality", "ward", "town", "closed_on"]

    @extend_schema_field(MunicipalitySerializer)
    def get_municipality(self, obj: Workplace) -> dict | None:
        return municipality_json(obj.municipality)

    @extend_schema_field(WardSerializer(allow_null=True))
    def get_ward(self, obj: Workplace) -> dict | None:
        return ward_json(obj.ward)


# --- Workers ----------------------------------------------------------------------------------------


class ResidenceInputSerializer(serializers.Serializer):
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    municipality_code = serializers.CharField(max_length=6, required=False, allow_blank=True)


class WorkerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    nationality = serializers.CharField(max_length=100, allow_blank=True)
    workplace = serializers.IntegerField(help_text=_("事業所の id"))
    residence = ResidenceInputSerializer()
    status = serializers.ChoiceField(
        choices=WorkerStatus.choices,
        required=False,
        default=WorkerStatus.ACTIVE,
        help_text=_("登録時は incoming か active"),
    )
    residence_card_expiry = serializers.DateField(required=False, allow_null=True)


class WorkerPatchSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    nationality = serializers.CharField(max_length=100, required=False)
    workplace = serializers.IntegerField(required=False, help_text=_("異動先の事業所の id"))
    residence = ResidenceInputSerializer(required=False)
    status = serializers.ChoiceField(choices=WorkerStatus.choices, required=False)
    residence_card_expiry = serializers.DateField(required=False)
    effective_on = serializers.DateField(required=False, help_text=_("変更日(省略時は今日)"))


class ResidenceSerializer(serializers.Serializer):
    postal_code = serializers.CharField()
    address = serializers.CharField()
    municipality = MunicipalitySerializer()
    ward = WardSerializer(allow_null=True)
    town = serializers.CharField()


class WorkerSerializer(serializers.ModelSerializer):
    workplace = serializers.PrimaryKeyRelatedField(read_only=True)
    residence = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = [
            "id",
            "name",
            "nationality",
            "workplace",
            "residence",
            "status",
            "status_since",
            "residence_card_expiry",
        ]

    @extend_schema_field(ResidenceSerializer)
    def get_residence(self, obj: Worker) -> dict:
        return {
            "postal_code": obj.residence_postal_code,
            "address": obj.residence_address,
            "municipality": municipality_json(obj.residence_municipality),
            "ward": ward_json(obj.residence_ward),
            "town": obj.residence_town,
        }


# --- Applications -----------------------------------------------------------------------------------


class ApplicationInputSerializer(serializers.Serializer):
    worker = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ApplicationKind.choices)
    planned_date = serializers.DateField()


class ApplicationSerializer(serializers.ModelSerializer):
    worker = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = VisaApplication
        fields = ["id", "worker", "kind", "planned_date", "state"]


# --- Requirements -----------------------------------------------------------------------------------


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MissingSerializer(serializers.Serializer):
    municipality = MunicipalitySerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    due_date = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    workers = RefSerializer(many=True)
    workplaces = RefSerializer(many=True)
    stale_confirmation = serializers.IntegerField(
        allow_null=True, help_text=_("内容が古くなった、最後に提出した協力確認書の id")
    )


class CoveredSerializer(serializers.Serializer):
    municipality = MunicipalitySerializer()
    confirmation = serializers.IntegerField()
    submitted_on = serializers.DateField()
    method = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class RequirementsSerializer(serializers.Serializer):
    missing = MissingSerializer(many=True)
    covered = CoveredSerializer(many=True)


def requirements_json(report) -> dict:
    def refs(items) -> list[dict]:
        return [{"id": item.id, "name": item.name} for item in items]

    return {
        "missing": [
            {
                "municipality": municipality_json(e.municipality),
                "reasons": e.reasons,
                "due_date": e.due_date.isoformat() if e.due_date else None,
                "overdue": e.overdue,
                "workers": refs(e.workers),
                "workplaces": refs(e.workplaces),
                "stale_confirmation": e.confirmation_id,
            }
            for e in report.missing
        ],
        "covered": [
            {
                "municipality": municipality_json(e.municipality),
                "confirmation": e.confirmation_id,
                "submitted_on": e.submitted_on.isoformat(),
                "method": e.method,
                "reasons": e.reasons,
            }
            for e in report.covered
        ],
    }


# --- Confirmations ----------------------------------------------------------------------------------


class ConfirmationInputSerializer(serializers.Serializer):
    municipality_code = serializers.CharField(max_length=6)


class SubmitInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SubmissionMethod.choices)
    submitted_on = serializers.DateField()


class ConfirmationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft / submitted")
    municipality = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Confirmation
        fields = [
            "id",
            "municipality",
            "status",
            "pdf_url",
            "content",
            "created_at",
            "method",
            "submitted_on",
            "delivered_at",
            "receipt_number",
            "acknowledged_at",
            "acknowledgement_note",
        ]

    @extend_schema_field(MunicipalitySerializer)
    def get_municipality(self, obj: Confirmation) -> dict | None:
        return municipality_json(obj.municipality)

    def get_pdf_url(self, obj: Confirmation) -> str:
        path = reverse("api-confirmation-pdf", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- Per worker: what the visa application form asks -------------------------------------------------


class MunicipalityFilingSerializer(serializers.Serializer):
    municipality = MunicipalitySerializer()
    ward = WardSerializer(allow_null=True)
    submitted = serializers.BooleanField(help_text=_("現在有効な協力確認書を提出済みか"))
    submitted_on = serializers.DateField(allow_null=True)
    method = serializers.CharField(allow_blank=True)
    confirmation = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)


class WorkerSheetSerializer(serializers.Serializer):
    worker = RefSerializer()
    status = serializers.CharField()
    needs_confirmation = serializers.BooleanField(help_text=_("入国予定・就労中の人のみ協力確認書が必要"))
    ready = serializers.BooleanField()
    workplace = MunicipalityFilingSerializer(allow_null=True, help_text=_("勤務地(事業所の所在地)の市区町村"))
    residence = MunicipalityFilingSerializer(help_text=_("住居地の市区町村"))
    missing = serializers.ListField(child=serializers.CharField())


def _filing_json(item) -> dict | None:
    if item is None:
        return None
    return {
        "municipality": municipality_json(item.municipality),
        "ward": ward_json(item.ward),
        "submitted": item.submitted,
        "submitted_on": item.submitted_on.isoformat() if item.submitted_on else None,
        "method": item.method,
        "confirmation": item.confirmation_id,
        "due_date": item.due_date.isoformat() if item.due_date else None,
    }


def worker_sheet_json(readiness) -> dict:
    """A ``selectors.WorkerReadiness`` as the API answers it."""
    return {
        "worker": {"id": readiness.worker.id, "name": readiness.worker.name},
        "status": readiness.status,
        "needs_confirmation": readiness.connects,
        "ready": readiness.ready,
        "workplace": _filing_json(readiness.workplace_municipality),
        "residence": _filing_json(readiness.residence_municipality),
        "missing": readiness.missing,
    }
