"""The secretariat's admin for the council. Creation and plain edits here; transitions go through
``council.services`` (the portal's manage pages and the actions below call them)."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.text import normalize_text

from . import services
from .forms import AgendaItemAdminForm
from .models import (
    AgendaItem,
    CirculationResponse,
    CorporationRequest,
    IndustryClass,
    Invitation,
    Material,
    Meeting,
    MemberCategory,
    Violation,
    ViolationHandoff,
    validate_jsic_code,
)
from .services import CouncilError


@admin.register(MemberCategory)
class MemberCategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "code"]
    readonly_fields = ["code", "number"]

    def has_add_permission(self, request):
        # The categories are fixed by Art. 2 and seeded by a migration.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    form = AgendaItemAdminForm
    extra = 1


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 1


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["member", "guest_name", "guest_organization", "guest_email", "attendance", "sent_at"]
    readonly_fields = ["attendance", "sent_at"]
    autocomplete_fields = []


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "response_deadline", "is_public", "manage_link"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["title"]
    inlines = [AgendaItemInline, MaterialInline, InvitationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "status",
        "convened_at",
        "concluded_at",
        "outcome",
        "created_by",
        "created_at",
        "updated_at",
        # The presiders' decision on publicity is recorded on the manage page, through
        # services.set_meeting_publicity, which keeps its history.
        "is_public",
        "closed_reason",
        "reason_withheld",
        "withheld_ground",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "kind",
                    "status",
                    "starts_at",
                    "ends_at",
                    "place",
                    "online_url",
                    "response_deadline",
                ]
            },
        ),
        (_("公開(第7条)"), {"fields": ["is_public", "closed_reason", "reason_withheld", "withheld_ground"]}),
        (_("議事録"), {"fields": ["public_minutes", "full_minutes", "outcome"]}),
        (_("記録"), {"fields": ["convened_at", "concluded_at", "created_by", "created_at", "updated_at"]}),
    ]
    actions = ["close_circulations"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != "draft":
            # A meeting cannot turn into a written circulation (or back) once convened.
            fields += ["kind"]
        return fields

    @admin.display(description=_("運営"))
    def manage_link(self, obj: Meeting) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("council:meeting_manage", args=[obj.pk]), _("招集・回覧・公開")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("選択した回覧を締め切り、結果を記録する"))
    def close_circulations(self, request, queryset):
        for meeting in queryset:
            try:
                services.close_circulation(meeting, acting_user=request.user)
            except CouncilError as exc:
                self.message_user(request, f"{meeting}: {exc}", messages.ERROR)


@admin.register(CirculationResponse)
class CirculationResponseAdmin(admin.ModelAdmin):
    list_display = ["invitation", "answer", "responded_at", "responded_by"]
    readonly_fields = ["invitation", "answer", "opinion", "responded_at", "responded_by"]

    def has_add_permission(self, request):
        return False


class IndustryClassAdminForm(forms.ModelForm):
    # No max_length here: "12345" or "２１９４a" gets the JSIC message, not a generic length error.
    code = forms.CharField(
        label=IndustryClass._meta.get_field("code").verbose_name,
        help_text=IndustryClass._meta.get_field("code").help_text,
    )

    class Meta:
        model = IndustryClass
        fields = ["code", "name", "is_active"]

    def clean_code(self):
        code = normalize_text(self.cleaned_data["code"])
        validate_jsic_code(code)
        return code


@admin.register(IndustryClass)
class IndustryClassAdmin(admin.ModelAdmin):
    """The configurable list of JSIC classes of Art. 3(2). Classes are deactivated, never deleted,
    so that the requests that named them keep them."""

    form = IndustryClassAdminForm
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.save_industry_class(obj, acting_user=request.user)


class CorporationRequestAdminForm(forms.ModelForm):
    #: One per blank form: the same form sent twice (double click, reload) makes one request.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CorporationRequest
        fields = ["member", "kind", "industries", "employers", "employer_names", "description", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["submission_token"].initial = uuid.uuid4()
            if "industries" in self.fields:
                # A new request names only the classes in use (Art. 3(2)).
                self.fields["industries"].queryset = IndustryClass.objects.filter(is_active=True)

    def validate_unique(self):
        # A token already used is not an error: the service returns the request it made.
        exclude = {*self._get_validation_exclusions(), "submission_token"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                services.check_corporation_request(
                    member=cleaned.get("member"),
                    kind=cleaned.get("kind"),
                    description=cleaned.get("description"),
                    deadline=cleaned.get("deadline"),
                    employers=list(cleaned.get("employers") or []),
                    employer_names=cleaned.get("employer_names"),
                    industries=list(cleaned.get("industries") or []),
                )
            except CouncilError as exc:
                raise ValidationError(str(exc)) from exc
        return cleaned


@admin.register(CorporationRequest)
class CorporationRequestAdmin(admin.ModelAdmin):
    form = CorporationRequestAdminForm
    list_display = ["member", "kind", "deadline", "status", "created_at"]
    list_filter = ["kind", "status"]
    filter_horizontal = ["industries", "employers"]
    fields = ["member", "kind", "industries", "employers", "employer_names", "description", "deadline",
              "submission_token", "status", "answer", "answered_at", "answered_by", "outcome",
              "closed_at"]  # fmt: skip
    readonly_fields = ["status", "answer", "answered_at", "answered_by", "outcome", "closed_at"]

    def get_fields(self, request, obj=None):
        if obj is not None:  # the token only travels with a blank form
            return [name for name in self.fields if name != "submission_token"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return self.get_fields(request, obj)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # New requests are sent through the service (history row and email); nothing is edited later.
        if change:
            return
        obj.created_by = request.user
        obj.pk = None
        obj._pending = True

    def save_related(self, request, form, formsets, change):
        if change:
            return
        obj = form.instance
        try:
            created = services.send_corporation_request(
                member=form.cleaned_data["member"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                deadline=form.cleaned_data["deadline"],
                employers=form.cleaned_data["employers"],
                employer_names=form.cleaned_data["employer_names"],
                industries=form.cleaned_data["industries"],
                acting_user=request.user,
                submission_token=form.cleaned_data.get("submission_token"),
            )
        except CouncilError as exc:
            # The form ran the same checks; only a race (e.g. the member expelled meanwhile) lands here.
            raise ValidationError(str(exc)) from exc
        form.instance = created
        obj.pk = created.pk


class ViolationHandoffInline(admin.TabularInline):
    model = ViolationHandoff
    extra = 0
    readonly_fields = ["agency", "handed_at", "handed_by", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["title", "employer", "employer_name", "found_on", "detail_link"]
    fields = ["title", "description", "employer", "employer_name", "found_on", "source_request", "recorded_by"]
    readonly_fields = ["recorded_by"]
    inlines = [ViolationHandoffInline]

    @admin.display(description=_("引継ぎ"))
    def detail_link(self, obj: Violation) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("council:violation_detail", args=[obj.pk]), _("制度関係機関に引き継ぐ")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
