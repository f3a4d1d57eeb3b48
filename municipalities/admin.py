"""The secretariat's view of municipalities: master data (read-only), profiles, staff and invitations."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Municipality, MunicipalityProfile, MunicipalityStaff, StaffInvitation


class InviteStaffForm(forms.Form):
    email = forms.EmailField(label=_("招待する人のメールアドレス"))


class StaffInline(admin.TabularInline):
    model = MunicipalityStaff
    extra = 0
    fields = ["user", "is_active", "created_at"]
    readonly_fields = ["user", "is_active", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "prefecture", "district", "name", "kana", "kind", "city", "is_active"]
    list_filter = ["kind", "is_active", "prefecture"]
    list_select_related = ["city"]
    search_fields = ["code", "name", "kana", "prefecture"]
    readonly_fields = [
        "code", "prefecture", "district", "name", "kana", "kind", "city", "guidance_title", "is_active",
        "retired_at", "updated_at",
    ]  # fmt: skip
    inlines = [StaffInline]
    actions = ["invite_staff"]

    def has_add_permission(self, request):
        return False  # the master data comes from `load_municipalities`

    def has_delete_permission(self, request, obj=None):
        return False  # never deleted: confirmations keep their addressee

    @admin.action(description=_("担当者を招待する"))
    def invite_staff(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("市区町村を一つだけ選んでください。"), messages.ERROR)
            return None
        municipality = queryset.get()
        form = InviteStaffForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                services.invite_staff(
                    municipality=municipality, email=form.cleaned_data["email"], invited_by=request.user
                )
            except services.MunicipalityError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(email)s を %(name)s の担当者として招待しました。")
                    % {"email": form.cleaned_data["email"], "name": municipality},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "municipalities/admin/invite_staff.html",
            {
                **self.admin_site.each_context(request),
                "title": _("担当者を招待する"),
                "municipality": municipality,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(MunicipalityProfile)
class MunicipalityProfileAdmin(admin.ModelAdmin):
    list_display = ["municipality", "department", "email", "phone", "issues_receipts", "updated_at"]
    list_select_related = ["municipality"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["municipality__name", "municipality__code", "department"]
    readonly_fields = ["municipality", "updated_at", "updated_by"]
    fields = ["municipality", *MunicipalityProfile.EDITABLE_FIELDS, "updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False  # a profile is created by its first edit, from the municipality's page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The same service as the municipality's own page, so that the history is kept alike.
        services.update_profile(
            municipality=obj.municipality,
            actor=request.user,
            data={name: form.cleaned_data[name] for name in MunicipalityProfile.EDITABLE_FIELDS},
        )


@admin.register(MunicipalityStaff)
class MunicipalityStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["user__email", "municipality__name", "municipality__code"]
    readonly_fields = ["user", "municipality", "is_active", "created_at"]
    actions = ["deactivate"]

    def has_add_permission(self, request):
        return False  # staff join through an invitation

    @admin.action(description=_("選択した担当者の担当を終了する"))
    def deactivate(self, request, queryset):
        for staff in queryset.filter(is_active=True):
            services.deactivate_staff(staff=staff, actor=request.user)
        self.message_user(request, _("担当を終了しました。"), messages.SUCCESS)


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "municipality", "invited_by", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "municipality__name", "municipality__code"]
    readonly_fields = ["municipality", "email", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False  # invitations are made with the "担当者を招待する" action on a municipality

    def has_change_permission(self, request, obj=None):
        return False
