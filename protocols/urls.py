from django.urls import path

from . import views

app_name = "protocols"

urlpatterns = [
    path("", views.home, name="home"),
    path("disclaimer/", views.disclaimer, name="disclaimer"),
    path("protocols/<slug:slug>/", views.protocol_detail, name="protocol"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise"),
]
