"""The person's sharing pages, mounted at /history/share/ (URL names `sharing:…`)."""

from django.urls import path

from . import sharing_views as views

app_name = "sharing"

urlpatterns = [
    path("", views.links, name="links"),
    path("<int:link_id>/revoke/", views.revoke, name="revoke"),
    path("record.pdf", views.own_pdf, name="own_pdf"),
]
