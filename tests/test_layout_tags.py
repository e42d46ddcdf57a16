"""{% link %} and {% asset %}: the layout's URLs, worked out once per process."""

from django.template import Context, Template
from django.templatetags.static import static
from django.urls import reverse


def render(source: str) -> str:
    return Template("{% load layout %}" + source).render(Context())


def test_they_give_what_url_and_static_give():
    assert render("{% link 'history:list' %}") == reverse("history:list")
    assert render("{% asset 'css/app.css' %}") == static("css/app.css")


def test_a_settings_change_is_seen(settings):
    assert render("{% asset 'css/app.css' %}") == "/static/css/app.css"
    settings.STATIC_URL = "/assets/"
    assert render("{% asset 'css/app.css' %}") == "/assets/css/app.css"


def test_the_layout_uses_them_and_links_still_work(client, db):
    content = client.get("/").content.decode()
    assert 'href="/static/css/app.css"' in content
    assert f'href="{reverse("accounts:login")}"' in content
    assert f'data-service-worker="{reverse("ops:service-worker")}"' in content
