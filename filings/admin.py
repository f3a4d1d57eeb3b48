"""The secretariat's read-only view of employers' filings records.

Every change goes through ``filings.services`` (history rows, staleness, permissions), so the
admin shows these records and their history but neither adds, edits nor deletes them.
"""

from django.contrib import admin

from .models import (
    Confirmation,
    VisaApplication,
    Worker,
    WorkerAssignment,
    WorkerResidence,
    WorkerStatusChange,
    Workplace,
    WorkplaceVersion,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class WorkplaceVersionInline(ReadOnlyInline):
    model = WorkplaceVersion
    fields = ["valid_from", "effective_on", "change", "name", "postal_code", "address", "municipality", "actor"]


@admin.register(Workplace)
class WorkplaceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "municipality", "ward", "address", "closed_on"]
    list_select_related = ["organization", "municipality", "ward"]
    search_fields = ["name", "address", "organization__name", "municipality__name"]
    list_filter = ["closed_on"]
    inlines = [WorkplaceVersionInline]


class WorkerAssignmentInline(ReadOnlyInline):
    model = WorkerAssignment
    fields = ["workplace", "started_on", "ended_on"]


class WorkerResidenceInline(ReadOnlyInline):
    model = WorkerResidence
    fields = ["postal_code", "address", "municipality", "ward", "started_on", "ended_on"]


class WorkerStatusChangeInline(ReadOnlyInline):
    model = WorkerStatusChange
    fields = ["status", "effective_on", "actor", "created_at"]


class VisaApplicationInline(ReadOnlyInline):
    model = VisaApplication
    fields = ["kind", "planned_date", "state", "filed_on", "decided_on"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "nationality", "organization", "status", "workplace", "residence_municipality"]
    list_select_related = ["organization", "workplace", "residence_municipality"]
    list_filter = ["status"]
    search_fields = ["name", "organization__name"]
    inlines = [WorkerAssignmentInline, WorkerResidenceInline, WorkerStatusChangeInline, VisaApplicationInline]


@admin.register(VisaApplication)
class VisaApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["worker", "kind", "planned_date", "state"]
    list_select_related = ["worker"]
    list_filter = ["kind", "state"]
    search_fields = ["worker__name", "worker__organization__name"]


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "organization", "municipality", "status", "method", "submitted_on", "receipt_number"]
    list_select_related = ["organization", "municipality"]
    list_filter = ["status", "method"]
    search_fields = ["organization__name", "municipality__name", "municipality__code", "receipt_number"]
    date_hierarchy = "created_at"


from . import admin_reminders, admin_submissions  # noqa: E402, F401 -- register those models' admin
