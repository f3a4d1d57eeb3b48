"""The secretariat's admin for reminders: the windows are edited here; what was sent is read only."""

from django.contrib import admin

from .models import Reminder, ReminderItem, ReminderOptOut, ReminderWindow


@admin.register(ReminderWindow)
class ReminderWindowAdmin(admin.ModelAdmin):
    list_display = ["days_before", "is_active"]
    list_editable = ["is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReminderItemInline(admin.TabularInline):
    model = ReminderItem
    fields = ["kind", "due_date", "window_days", "worker"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "organization", "window_days", "run_on", "status", "sent_at"]
    list_select_related = ["organization"]
    list_filter = ["kind", "status", "window_days"]
    search_fields = ["organization__name"]
    date_hierarchy = "created_at"
    inlines = [ReminderItemInline]


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(ReadOnlyAdmin):
    list_display = ["organization", "user", "created_at"]
    list_select_related = ["organization", "user"]
