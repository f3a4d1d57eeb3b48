from django.contrib import admin

from .models import MemberCategory


@admin.register(MemberCategory)
class MemberCategoryAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "code"]
    readonly_fields = ["code", "number"]

    def has_add_permission(self, request):
        # The categories are fixed by Art. 2 and seeded by a migration.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
