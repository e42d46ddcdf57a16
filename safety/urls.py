"""The safety gate's pages, under /account/ beside the rest of a person's own pages, and
the disclaimer for anyone at /disclaimer/. Included at the site's root."""

from django.urls import path

from . import views

app_name = "safety"

urlpatterns = [
    path("disclaimer/", views.public_disclaimer, name="public_disclaimer"),
    path("account/disclaimer/", views.disclaimer, name="disclaimer"),
    path("account/screening/", views.screening, name="screening"),
    path("account/screening/result/", views.screening_result, name="screening_result"),
    path("account/screening/check-first/", views.clearance, name="clearance"),
]
