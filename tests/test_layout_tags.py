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


def test_a_url_with_arguments_is_the_one_url_gives():
    assert render("{% link 'history:detail' 7 %}") == reverse("history:detail", args=[7])
    assert render(
        "{% link 'accounts:password_reset_confirm' uidb64='MQ' token='set-password' %}"
    ) == reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}
    )
    assert render("{% link 'history:list' as url %}<{{ url }}>") == f"<{reverse('history:list')}>"


def test_every_template_uses_them():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    builtin = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file() and ("{% url " in path.read_text() or "{% static " in path.read_text())
    ]
    assert builtin == []
