"""Read-only admin pages for what a submission leaves behind: receipts, frozen PDFs, access log."""

from django.contrib import admin

from .models import ConfirmationAccess, FrozenPdf, Receipt


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: the secretariat looks, nobody edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "confirmation", "issued_at", "sha256", "notified_at"]
    list_select_related = ["confirmation__organization", "confirmation__municipality"]
    search_fields = ["number", "sha256", "confirmation__organization__name"]
    date_hierarchy = "issued_at"


@admin.register(FrozenPdf)
class FrozenPdfAdmin(ReadOnlyAdmin):
    list_display = ["confirmation", "sha256", "size", "rendered_at"]
    list_select_related = ["confirmation__organization", "confirmation__municipality"]
    exclude = ["data"]  # the bytes are downloaded from the confirmation's pages, not shown here
    search_fields = ["sha256", "confirmation__organization__name"]


@admin.register(ConfirmationAccess)
class ConfirmationAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "user", "municipality", "confirmation"]
    list_select_related = ["user", "municipality", "confirmation__organization", "confirmation__municipality"]
    list_filter = ["action"]
    date_hierarchy = "at"
