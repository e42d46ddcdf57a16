from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Count

from backrelief.admin_changelist import DateHierarchyFixMixin

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import (
    ClinicianClearance,
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlagScreening,
    SiteConfiguration,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]

    def get_deleted_objects(self, objs, request):
        # Acknowledgements and screenings cannot be deleted on their own, but
        # they belong to the account: deleting it takes them (CASCADE).
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept_with_account = {
            model._meta.verbose_name
            for model in (DisclaimerAcknowledgement, RedFlagScreening, ClinicianClearance)
        }
        return deleted, model_count, perms_needed - kept_with_account, protected


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


# django-axes' lists of sign-in attempts drill down by date too. Importing its
# admin module above registered them (axes comes later in INSTALLED_APPS);
# these take their place, the same but for the date fix.
class AccessAttemptAdmin(DateHierarchyFixMixin, axes_admin.AccessAttemptAdmin):
    pass


class AccessLogAdmin(DateHierarchyFixMixin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(DateHierarchyFixMixin, axes_admin.AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):  # AXES_ENABLE_ADMIN
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
