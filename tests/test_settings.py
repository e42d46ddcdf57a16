"""Settings come from the environment, strictly."""

import json
import secrets
import subprocess

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from backrelief.settings import env_bool, env_int, env_list
from tests.conftest import fresh_settings


def load_settings(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with the given environment."""
    return fresh_settings("import backrelief.settings as s; print(s.DEBUG)", **env)


def settings_as_json(expression: str, **env) -> dict:
    """`expression` (over the settings module, `s`) in a fresh interpreter."""
    result = fresh_settings(
        f"import json, backrelief.settings as s; print(json.dumps({expression}))", **env
    )
    result.check_returncode()
    return json.loads(result.stdout)


@pytest.mark.parametrize("value", ["maybe", "ture", "2"])
def test_a_bad_boolean_fails_loudly(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("off", False), ("0", False), ("", False)],
)
def test_booleans_read_as_words(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", False) is expected


def test_whole_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "12")
    monkeypatch.setenv("SOME_LIST", " a.example, b.example ,,")
    assert env_int("SOME_NUMBER", 0) == 12
    assert env_list("SOME_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("SOME_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 0)


def test_a_bad_debug_value_stops_the_app():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    result = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="development-only-not-secret")
    assert result.returncode != 0


def test_production_starts_with_a_secret_key():
    result = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def database_settings(**env) -> dict:
    return settings_as_json("s.DATABASES['default']", **env)


def test_sqlite_is_the_default_with_wal_and_immediate_transactions():
    database = database_settings()
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"].endswith("db.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] == 20


def test_database_url_switches_to_postgresql():
    database = database_settings(DATABASE_URL="postgres://app:pw@db.internal:5432/backrelief")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "backrelief",
        "app",
    )
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_the_referral_defaults_to_clinicalathlete():
    assert "clinicalathlete.com" in settings.REFERRAL_URL


def test_the_settings_check_deploy_looks_at_exist():
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "STATIC_ROOT"):
        assert hasattr(settings, name)
    assert "django.middleware.security.SecurityMiddleware" in settings.MIDDLEWARE
    assert settings.AUTH_USER_MODEL == "accounts.User"


def session_settings(**env) -> dict:
    return settings_as_json("{'engine': s.SESSION_ENGINE, 'caches': s.CACHES}", **env)


@pytest.mark.parametrize("database_url", [None, "postgres://app:pw@db.internal:5432/backrelief"])
def test_without_redis_logins_are_read_from_the_table(database_url):
    """No cache only one worker or machine reads: a logout there would go unseen elsewhere."""
    sessions = session_settings(**({"DATABASE_URL": database_url} if database_url else {}))
    assert sessions["engine"] == "django.contrib.sessions.backends.db"
    assert "sessions" not in sessions["caches"]


def test_a_leftover_login_cache_setting_changes_nothing():
    """DJANGO_SESSION_CACHE and DJANGO_SESSION_CACHE_DIR are gone; left set, they are ignored."""
    leftover = {"DJANGO_SESSION_CACHE": "files", "DJANGO_SESSION_CACHE_DIR": "/srv/logins"}
    assert "sessions" not in session_settings(**leftover)["caches"]
    with_redis = session_settings(REDIS_URL="redis://redis:6379/0", DJANGO_SESSION_CACHE="none")
    assert with_redis["engine"] == "django.contrib.sessions.backends.cached_db"


# --- Redis (REDIS_URL): every cache shared by every replica ----------------------

POSTGRES = "postgres://app:pw@db.internal:5432/backrelief"


@pytest.mark.parametrize(
    "url",
    [
        "redis://redis:6379/0",
        "redis://:s3cret@redis.internal:6380/2",
        "rediss://user:pw@cache.example.com:6379",
        "unix:///run/redis/redis.sock",
    ],
)
def test_with_redis_every_cache_and_the_login_cache_live_there(url):
    sessions = session_settings(DATABASE_URL=POSTGRES, REDIS_URL=url)
    assert sessions["engine"] == "django.contrib.sessions.backends.cached_db"
    caches = sessions["caches"]
    assert set(caches) == {"default", "sessions", "throttle"}
    for alias, prefix in [("default", "cache"), ("sessions", "sessions"), ("throttle", "throttle")]:
        assert caches[alias]["BACKEND"] == "ops.cache.ForgivingRedisCache"
        assert caches[alias]["LOCATION"] == url
        assert caches[alias]["KEY_PREFIX"] == prefix
        assert caches[alias]["OPTIONS"]["socket_timeout"] <= 1
    assert caches["throttle"]["TIMEOUT"] >= 3600  # accounts.throttles.LONGEST_WINDOW
    assert caches["throttle"]["OPTIONS"]["LOCAL_FALLBACK"] is True


def test_with_redis_on_sqlite_too_the_caches_are_shared():
    sessions = session_settings(REDIS_URL="redis://127.0.0.1:6379/0")
    assert sessions["caches"]["sessions"]["BACKEND"] == "ops.cache.ForgivingRedisCache"
    assert sessions["caches"]["throttle"]["BACKEND"] == "ops.cache.ForgivingRedisCache"


def test_an_empty_redis_url_means_no_redis():
    sessions = session_settings(DATABASE_URL=POSTGRES, REDIS_URL="  ")
    assert sessions["engine"] == "django.contrib.sessions.backends.db"
    assert sessions["caches"]["default"]["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis:6379", "it names no host"),
        ("http://redis:6379/0", "use redis://host:6379/0"),
        ("redis://:6379/0", "it names no host"),
        ("redis://redis:port/0", "its port is not a number"),
        ("redis://redis:6379/cache", "the database after the host must be a number"),
        ("unix://", "it names no socket"),
    ],
)
def test_a_bad_redis_url_stops_the_app_with_one_clear_line(url, message):
    result = load_settings(REDIS_URL=url)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: REDIS_URL=")
    assert "is not a Redis URL" in last_line
    assert message in last_line


def test_a_bad_redis_url_never_prints_its_password():
    result = load_settings(REDIS_URL="redis://:hunter2-secret@redis:6379/cache")
    assert result.returncode != 0
    assert "hunter2-secret" not in result.stderr
    assert "redis://:***@redis:6379/cache" in result.stderr.strip().splitlines()[-1]


# --- Coaches' media storage -------------------------------------------------------

MEDIA = "{'root': str(s.MEDIA_ROOT), 'url': s.MEDIA_URL, 'default': s.STORAGES['default'], "
MEDIA += "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']}"


def test_media_live_beside_the_sqlite_database_by_default(tmp_path):
    media = settings_as_json(MEDIA, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert media["root"] == str(tmp_path / "media")
    assert media["url"] == "/media/"
    assert media["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media["csp"]["media-src"] == ["'self'"]
    assert media["csp"]["img-src"] == ["'self'", "data:"]


def test_django_media_root_moves_them(tmp_path):
    media = settings_as_json(MEDIA, DJANGO_MEDIA_ROOT=str(tmp_path / "uploads"))
    assert media["root"] == str(tmp_path / "uploads")


S3 = {
    "DJANGO_MEDIA_STORAGE": "s3",
    "DJANGO_S3_BUCKET": "backrelief-media",
    "DJANGO_S3_ENDPOINT_URL": "https://s3.eu-central-1.example.com/",
    "DJANGO_S3_REGION": "eu-central-1",
    "DJANGO_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "DJANGO_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
}


def test_s3_storage_is_set_by_environment_variables():
    media = settings_as_json(MEDIA, **S3)
    assert media["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "backrelief-media",
            "endpoint_url": "https://s3.eu-central-1.example.com",
            "region_name": "eu-central-1",
            "access_key": "AKIAEXAMPLE",
            "secret_key": "not-a-real-secret",
            "custom_domain": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # The browser loads media from the endpoint: the policy allows it, and nothing else.
    assert media["csp"]["media-src"] == ["'self'", "https://s3.eu-central-1.example.com"]
    assert media["csp"]["img-src"] == ["'self'", "data:", "https://s3.eu-central-1.example.com"]


def test_a_custom_domain_is_where_s3_media_load_from():
    media = settings_as_json(MEDIA, **S3, DJANGO_S3_CUSTOM_DOMAIN="media.example.com")
    assert media["default"]["OPTIONS"]["custom_domain"] == "media.example.com"
    assert media["csp"]["media-src"] == ["'self'", "https://media.example.com"]


def media_url_and_policy(**env) -> tuple[str, list[str]]:
    """Where django-storages links an upload, and the CSP's media-src, for `env`."""
    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'backrelief.settings'; "
        "django.setup(); from django.conf import settings; "
        "from django.core.files.storage import default_storage; "
        "print(json.dumps([default_storage.url('coach/a-480w.webp'), "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['media-src']]))"
    )
    result = fresh_settings(code, **env)
    assert result.returncode == 0, result.stderr
    return tuple(json.loads(result.stdout))


@pytest.mark.slow  # boto3 in a fresh interpreter
@pytest.mark.parametrize(
    ("changes", "origin", "path"),
    [
        (
            {"DJANGO_S3_ENDPOINT_URL": ""},
            "https://backrelief-media.s3.eu-central-1.amazonaws.com",
            "",
        ),
        ({}, "https://s3.eu-central-1.example.com", "/backrelief-media"),
        ({"DJANGO_S3_CUSTOM_DOMAIN": "media.example.com"}, "https://media.example.com", ""),
    ],
)
def test_s3_media_load_from_the_one_origin_the_policy_allows(changes, origin, path):
    url, media_src = media_url_and_policy(**(S3 | changes))
    assert url == f"{origin}{path}/coach/a-480w.webp"
    assert media_src == ["'self'", origin]


def test_without_keys_boto3_finds_its_own_credentials():
    env = {k: v for k, v in S3.items() if "KEY" not in k}
    media = settings_as_json(MEDIA, **env)
    assert media["default"]["OPTIONS"]["access_key"] is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_MEDIA_STORAGE": "ftp"}, "DJANGO_MEDIA_STORAGE='ftp': use one of files, s3."),
        ({"DJANGO_MEDIA_STORAGE": "s3"}, "DJANGO_MEDIA_STORAGE=s3 needs DJANGO_S3_BUCKET."),
        ({**S3, "DJANGO_S3_ENDPOINT_URL": "s3.example.com"}, "is not a URL"),
        ({**S3, "DJANGO_S3_CUSTOM_DOMAIN": "https://cdn.example.com/"}, "host name only"),
        ({**S3, "DJANGO_S3_SECRET_ACCESS_KEY": ""}, "Set both DJANGO_S3_ACCESS_KEY_ID and"),
    ],
)
def test_a_bad_media_setting_stops_the_app_with_one_clear_line(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert message in last_line
