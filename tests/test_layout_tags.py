"""The shared layout's links and asset URLs: plain {% url %} and {% static %}."""

from django.urls import reverse


def test_the_layout_links_work(client, db):
    content = client.get("/").content.decode()
    assert 'href="/static/css/app.css"' in content
    assert f'href="{reverse("accounts:login")}"' in content
    assert f'data-service-worker="{reverse("ops:service-worker")}"' in content
