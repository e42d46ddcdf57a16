from django.contrib import admin
from django.db import models
from django.db.models import Count

from .models import (
    ClinicianClearance,
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlagScreening,
    SiteConfiguration,
)


@admin.register(Disclaimer)
class DisclaimerAdmin(admin.ModelAdmin):
    """A new wording is a new version: a version someone acknowledged is kept as it was."""

    list_display = ["version", "published", "created_at", "acknowledgement_count"]
    list_filter = ["published"]
    fields = ["version", "published", "text", "created_at"]
    readonly_fields = ["created_at"]

    @admin.display(description="acknowledgements")
    def acknowledgement_count(self, disclaimer: Disclaimer) -> int:
        return disclaimer.acknowledgement_count

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(acknowledgement_count=Count("acknowledgements"))
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.acknowledgements.exists():
            return ["version", "text", "created_at"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.acknowledgements.exists():
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Users' own records: coaches may look, never change or delete (the models keep them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DisclaimerAcknowledgement)
class DisclaimerAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["user", "disclaimer", "acknowledged_at"]
    list_filter = ["disclaimer"]
    list_select_related = ["user", "disclaimer"]
    search_fields = ["user__email"]


@admin.register(RedFlagScreening)
class RedFlagScreeningAdmin(ReadOnlyAdmin):
    list_display = ["user", "any_yes", "lasting_yes", "questions_version", "answered_at"]
    list_filter = ["any_yes", "lasting_yes", "questions_version"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(ClinicianClearance)
class ClinicianClearanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "cleared_on", "recorded_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(SiteConfiguration)
class SiteConfigurationAdmin(admin.ModelAdmin):
    """One row; where a field is blank the environment's setting applies."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return not SiteConfiguration.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
