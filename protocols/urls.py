from django.urls import path

from . import media_views, views

app_name = "protocols"

urlpatterns = [
    path("", views.home, name="home"),
    # Where the safety gate sends someone who asked for no page (safety.gate.default_next_url).
    path("featured/", views.featured, name="featured"),
    path("protocols/", views.protocol_list, name="list"),
    path("protocols/<slug:slug>/", views.protocol_detail, name="protocol"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise"),
    # Coaches' uploads, when stored on this machine (settings.MEDIA_URL).
    path("media/<path:name>", media_views.media_file, name="media"),
]
