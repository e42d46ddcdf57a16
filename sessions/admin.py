from django.contrib import admin

from backrelief.admin_changelist import DateHierarchyFixMixin

from .models import CompletedRound, TrainingSession


class ReadOnlyMixin:
    """Staff look at what users did; nobody edits it here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CompletedRoundInline(ReadOnlyMixin, admin.TabularInline):
    model = CompletedRound
    fields = ["circuit_number", "round_number", "completed_at", "exercises"]
    readonly_fields = fields
    extra = 0


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyMixin, DateHierarchyFixMixin, admin.ModelAdmin):
    list_display = ["user", "started_at", "status", "steps_done", "pain_before", "pain_after"]
    list_filter = ["status", "started_at", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    date_hierarchy = "started_at"
    exclude = ["plan"]
    inlines = [CompletedRoundInline]


@admin.register(CompletedRound)
class CompletedRoundAdmin(ReadOnlyMixin, DateHierarchyFixMixin, admin.ModelAdmin):
    list_display = ["session", "circuit_number", "round_number", "completed_at"]
    list_filter = ["completed_at", ("session__user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["session"]
    search_fields = ["session__user__email"]
    date_hierarchy = "completed_at"
