from django.urls import path

from . import views

app_name = "training_sessions"

urlpatterns = [
    path("", views.start, name="start"),
    path("guide-settings/", views.guide_settings, name="guide_settings"),
    path("start/<slug:slug>/", views.start_protocol, name="start_protocol"),
    path("preview/<slug:slug>/", views.preview, name="preview"),
    path("<int:session_id>/", views.session_screen, name="session"),
    path("<int:session_id>/step/", views.complete_step, name="complete_step"),
    path("<int:session_id>/skip/", views.skip_step, name="skip_step"),
    path("<int:session_id>/skip-exercise/", views.skip_exercise, name="skip_exercise"),
    path("<int:session_id>/rest/", views.end_rest, name="end_rest"),
    path("<int:session_id>/end/", views.end_early, name="end"),
    path("<int:session_id>/finish/", views.finish, name="finish"),
    path("<int:session_id>/summary/", views.summary, name="summary"),
]
