"""History pages, mounted at /history/ (URL names `history:…`)."""

from django.urls import path

from . import history_views as views

app_name = "history"

urlpatterns = [
    path("", views.history_list, name="list"),
    path("<int:session_id>/", views.detail, name="detail"),
    path("<int:session_id>/delete/", views.delete, name="delete"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("print/", views.print_summary, name="print"),
    path("settings/", views.preferences, name="settings"),
    path("settings/new-calendar-link/", views.reset_feed, name="reset_feed"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
