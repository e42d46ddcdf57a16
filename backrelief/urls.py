from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Back Relief administration"
admin.site.site_title = "Back Relief admin"

urlpatterns = [
    path("", include("protocols.urls")),
    path("", include("safety.urls")),
    path("session/", include("sessions.urls")),
    path("account/", include("accounts.urls")),
    path("history/share/", include("sessions.sharing_urls")),
    path("history/", include("sessions.history_urls")),
    path("shared/", include("sessions.shared_urls")),
    path("admin/", admin.site.urls),
    path("", include("ops.urls")),
]
