from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from backrelief.admin_changelist import DateHierarchyFixMixin
from safety.models import ClinicianClearance, DisclaimerAcknowledgement, RedFlagScreening

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User


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
        # Acknowledgements, screenings and clearances cannot be deleted on their own, but
        # they belong to the account: deleting it takes them (CASCADE).
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept_with_account = {
            model._meta.verbose_name
            for model in (DisclaimerAcknowledgement, RedFlagScreening, ClinicianClearance)
        }
        return deleted, model_count, perms_needed - kept_with_account, protected


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
