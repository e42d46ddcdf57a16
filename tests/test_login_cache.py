"""Login sessions cached in files: no query to find who is asking, and a logout holds.

With SQLite this is how the site runs (settings.py); the tests switch it on
explicitly so that they mean the same on the PostgreSQL run, whose default
is no cache.
"""

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD, clear_safety_gate

CACHED_DB = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def login_cache(settings, tmp_path):
    """The sessions cache of production with SQLite, in a folder of this test's own."""
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "sessions"),
        },
    }
    settings.SESSION_ENGINE = CACHED_DB
    settings.SESSION_CACHE_ALIAS = "sessions"
    return tmp_path / "sessions"


def another_worker(folder) -> FileBasedCache:
    """The same cache as another gunicorn worker holds it: nothing shared but the files."""
    return FileBasedCache(str(folder), {})


def signed_in_by_the_form(alice) -> Client:
    """Signed in as a person signs in, through the login form (not `force_login`)."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": alice.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_signed_in_page_finds_its_user_without_reading_the_session_table(
    login_cache, alice, disclaimer, alice_session
):
    clear_safety_gate(alice)
    client = signed_in_by_the_form(alice)
    client.get(alice_session.get_absolute_url())  # the first read fills the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(alice_session.get_absolute_url())
    assert response.status_code == 200
    assert "Step 1 of 21" in response.content.decode()
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "django_session" not in tables
    assert len(queries) == 3  # the user, the training session, and Guide me's settings


def test_every_worker_sees_a_login_and_then_the_logout(login_cache, alice):
    client = signed_in_by_the_form(alice)
    key = client.session.cache_key
    assert another_worker(login_cache).get(key)["_auth_user_id"] == str(alice.pk)

    stolen = Client()
    stolen.cookies = client.cookies  # a copy of the cookie, kept by someone else
    assert stolen.get(reverse("accounts:account")).status_code == 200

    client.post(reverse("accounts:logout"))
    assert another_worker(login_cache).get(key) is None
    response = stolen.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_login_outlives_its_cache(login_cache, alice):
    """The cache is only a copy: emptied (a new machine, a cleared folder), the database answers."""
    client = signed_in_by_the_form(alice)
    another_worker(login_cache).clear()
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_password_change_elsewhere_signs_out_a_cached_login(login_cache, alice):
    client = signed_in_by_the_form(alice)
    assert client.get(reverse("accounts:account")).status_code == 200
    alice.set_password("a new long passphrase")
    alice.save()
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
