"""What a share link opens, without a sign-in, at /shared/ (URL names `shared:…`).

`str`, not `slug`: whatever follows /shared/ reaches the view, so a mangled
token gets the same calm 404 (and is throttled) like any other.
"""

from django.urls import path, re_path

from . import sharing_views as views

app_name = "shared"

urlpatterns = [
    path("<str:token>/", views.record, name="record"),
    path("<str:token>/record.pdf", views.record_pdf, name="pdf"),
    # Anything else under /shared/: the same 404 (unnamed: no page of its own).
    re_path(r"^(?P<path>.*)$", views.unknown),
]
