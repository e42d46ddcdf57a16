"""Back Relief settings: one module, configured from the environment.

Every variable is documented in the README's configuration table. The
defaults suit development on one machine (SQLite, DEBUG on, local hosts);
production sets DJANGO_DEBUG=false and must then provide a real secret key.

In reading order: the basics (debug, secret key, hosts); the apps and the
middleware; the database; caches and login sessions; users and signing in;
language and time; static files and coaches' media; email; HTTPS and the
security headers; errors and logs; the product's own settings.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but a recognised word is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of {sorted(_TRUE | _FALSE)}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


# --- The basics --------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", True)

# A development key keeps `make run` a one-command start; with DEBUG off the
# app refuses to start without a real one.
_DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105 (refused in production)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "" if not DEBUG else _DEVELOPMENT_SECRET_KEY)
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Apps and middleware -----------------------------------------------------

# Ours first: where two apps ship a template, static file or management
# command of the same name, the first listed wins. WhiteNoise's runserver_nostatic
# goes before staticfiles, so `runserver` serves static files as production does.
INSTALLED_APPS = [
    "accounts",
    "safety",
    "protocols",
    "sessions.apps.TrainingSessionsConfig",
    "ops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    # Counts failed sign-ins (see "Users and signing in").
    "axes",
]

# A request passes down this list and its response back up, so each entry sees
# what the ones above it did to the request, and has the last word on the response.
MIDDLEWARE = [
    # First: the HTTPS redirect and security headers on every response.
    "django.middleware.security.SecurityMiddleware",
    # Before anything that checks the Host header or needs a session
    # (ops.middleware.health_check says why).
    "ops.middleware.health_check",
    # Static files need nothing below: served before sessions and the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Headers for every page (static files, served above, need none).
    "csp.middleware.CSPMiddleware",
    "ops.middleware.permissions_policy",
    # The login session, before everything that reads it.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session middleware: it reads the session the view loaded.
    "ops.middleware.private_when_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The signed-in user's time zone for the view: needs the session and the user.
    "ops.middleware.UserTimeZoneMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backrelief.urls"
WSGI_APPLICATION = "backrelief.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safety.context_processors.site",
            ],
        },
    },
]

# Forms are drawn with Bootstrap 5's markup.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The database ------------------------------------------------------------

# SQLite by default. WAL lets readers work while one writer commits, and
# IMMEDIATE transactions take the write lock up front, so two requests that
# both write wait their turn instead of failing with "database is locked".
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Keep each worker's connection between requests: opening one (and
        # setting SQLite's pragmas) cost more than the step page's queries.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
_ON_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if _ON_SQLITE:
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches and login sessions -----------------------------------------------

# Caches. What workers must share lives in Redis when there is one
# (REDIS_URL: every replica reads it; ops.cache: if Redis goes away, pages are
# served from the database, nobody is logged out and no request fails): the
# login cache, only there, and the throttle counters, else in files beside
# SQLite, which is one machine by construction. The rows every page reads
# (disclaimer, referral link) are in no cache: each process keeps them under
# the site version on the user row (safety.models.site_rows_for), which
# every write to them moves on.


def env_redis_url(name: str) -> str | None:
    """REDIS_URL, checked: redis://[:password@]host[:port][/db], rediss:// (TLS) or unix://.

    A bad value stops the app with one line naming the variable (its password
    hidden); an empty or missing one means no Redis.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    shown = raw.replace(f":{parts.password}@", ":***@") if parts.password else raw
    problem = None
    try:
        port = parts.port
    except ValueError:
        port, problem = None, "its port is not a number"
    if parts.scheme not in {"redis", "rediss", "unix"}:
        problem = "use redis://host:6379/0, rediss://… for TLS, or unix:///path/to/socket"
    elif parts.scheme != "unix" and not parts.hostname:
        problem = "it names no host"
    elif parts.scheme == "unix" and not parts.path:
        problem = "it names no socket"
    elif parts.scheme != "unix" and parts.path.strip("/") and not parts.path.strip("/").isdigit():
        problem = "the database after the host must be a number, e.g. /0"
    elif port == 0:
        problem = "its port is not a number"
    if problem:
        raise ImproperlyConfigured(f"{name}={shown!r} is not a Redis URL: {problem}.")
    return raw


REDIS_URL = env_redis_url("REDIS_URL")


def redis_cache(prefix: str, **extra) -> dict:
    """One of the app's caches in REDIS_URL's database, its keys under `prefix`."""
    options = {
        # Short: a Redis that does not answer must not hold a page up for long
        # (ops.cache then leaves it alone for a while and serves from the database).
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        **extra.pop("OPTIONS", {}),
    }
    return {
        "BACKEND": "ops.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": options,
        **extra,
    }


if REDIS_URL:
    # Shared by every replica, like the caches below; the app itself keeps
    # nothing in the default cache today.
    CACHES = {"default": redis_cache("cache")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def login_sessions(redis_url: str | None) -> tuple[str, dict | None]:
    """Where login sessions live: (SESSION_ENGINE, the cache in front of the table or None).

    Sessions are always rows in the database. With Redis (every replica reads
    it) a cache there keeps a copy (`cached_db`), sparing a signed-in page its
    session query; a logout or a password change is seen by every worker at
    once, and an emptied or absent Redis only sends the read back to the
    table. Without Redis each signed-in page reads its session from the
    table, on SQLite and PostgreSQL alike: a cache only one worker or one
    machine reads would let a cookie signed out on one still in on another,
    and the copy in files beside SQLite saved too little to keep
    (docs/benchmarks.md).
    """
    if redis_url:
        return "django.contrib.sessions.backends.cached_db", redis_cache("sessions")
    return "django.contrib.sessions.backends.db", None


SESSION_ENGINE, _SESSIONS_CACHE = login_sessions(REDIS_URL)
if _SESSIONS_CACHE:
    CACHES["sessions"] = _SESSIONS_CACHE
    SESSION_CACHE_ALIAS = "sessions"

# Sign-up, password reset and login count requests per client and address
# (accounts.throttles). Every worker must read the same counts, or each would
# allow the whole limit on its own: in Redis when there is one (all replicas
# count together; while it is away each process counts on its own), else in
# files beside SQLite (one machine), else in each process's memory. Counters
# last as long as the longest window (accounts.throttles.LONGEST_WINDOW), and
# a full cache drops the oldest or random ones, which only ever errs towards
# letting someone in.
_THROTTLE_CACHE_OPTIONS = {"TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 10_000}}
if REDIS_URL:
    CACHES["throttle"] = redis_cache("throttle", TIMEOUT=3600, OPTIONS={"LOCAL_FALLBACK": True})
elif _ON_SQLITE:
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": f"{DATABASES['default']['NAME']}-throttle",
        **_THROTTLE_CACHE_OPTIONS,
    }
else:
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
        **_THROTTLE_CACHE_OPTIONS,
    }

# --- Users and signing in ----------------------------------------------------

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes counts failed logins per email address *and* client IP: after
# AXES_FAILURE_LIMIT failures that pair is refused for AXES_COOLOFF_TIME, on
# our own page (accounts.views.locked_out). Its backend goes first, so a
# locked-out pair never reaches the password check (its middleware: above).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "protocols:home"
LOGOUT_REDIRECT_URL = "protocols:home"
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The login form's field is "username" (it holds the email address); the
# callable lower-cases it so "Alice@…" and "alice@…" share one count.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.forms.login_username"
# Only successful sign-ins would be logged; we need failures, not a diary.
AXES_DISABLE_ACCESS_LOG = True

# The client's IP address, which the lock counts by. Reached directly, the app
# trusts only the connection's address and ignores X-Forwarded-For, which
# anyone can send. Behind N reverse proxies that each append to the header,
# the client is the Nth address from the right: entries further left are
# whatever the client sent, so spoofing them neither dodges nor causes a lock.
# (django-ipware counts only the proxies listed in the header, hence N - 1.)
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
# Count from the right even when the client added addresses of its own.
IPWARE_STRICT = False

# --- Language and time -------------------------------------------------------

LANGUAGE_CODE = "en-gb"
# The default zone; each signed-in user's own is active on every page
# (ops.middleware.UserTimeZoneMiddleware).
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and coaches' media -----------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))


def s3_media_storage(cache_control: str) -> tuple[dict, list[str]]:
    """django-storages' S3 backend from DJANGO_S3_* variables, and the origin media load from."""
    bucket = env_str("DJANGO_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("DJANGO_MEDIA_STORAGE=s3 needs DJANGO_S3_BUCKET.")
    endpoint = env_str("DJANGO_S3_ENDPOINT_URL", "").strip().rstrip("/")
    parts = urlsplit(endpoint)
    if endpoint and (parts.scheme not in {"https", "http"} or not parts.netloc):
        raise ImproperlyConfigured(
            f"DJANGO_S3_ENDPOINT_URL={endpoint!r} is not a URL: e.g. https://s3.example.com."
        )
    domain = env_str("DJANGO_S3_CUSTOM_DOMAIN", "").strip()
    if domain and ("/" in domain or any(c.isspace() for c in domain)):
        raise ImproperlyConfigured(
            f"DJANGO_S3_CUSTOM_DOMAIN={domain!r}: give a host name only, e.g. media.example.com."
        )
    key_id = env_str("DJANGO_S3_ACCESS_KEY_ID", "").strip()
    secret = env_str("DJANGO_S3_SECRET_ACCESS_KEY", "").strip()
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "Set both DJANGO_S3_ACCESS_KEY_ID and DJANGO_S3_SECRET_ACCESS_KEY, or neither "
            "(then boto3 finds credentials itself, e.g. an instance role)."
        )
    region = env_str("DJANGO_S3_REGION", "").strip()
    if not domain and not endpoint:
        # AWS itself: link at the bucket's own host name, the origin the CSP allows
        # (boto3 would otherwise choose between that and a path on s3.amazonaws.com).
        domain = f"{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": region or None,
        "access_key": key_id or None,
        "secret_key": secret or None,
        "custom_domain": domain or None,
        # Plain URLs that stay the same, so browsers cache them: the bucket (or
        # the CDN in front of it) must allow public reads of the objects.
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": cache_control},
    }
    origin = f"https://{domain}" if domain else f"{parts.scheme}://{parts.netloc}"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, [origin]


# Coaches' photos and videos (protocols.models.media), through Django's
# storage API. "files" (the default): on this machine, in MEDIA_ROOT beside
# the SQLite database (/data/media in the image, on its volume), served by
# protocols.media_views at /media/. "s3": an S3-compatible bucket, for several
# replicas; the browser then loads media from the bucket (or its custom
# domain), which the CSP below allows. Names are new for each upload, so
# either way a file may be cached for a year.
_MEDIA_STORAGES = ("files", "s3")
MEDIA_STORAGE = env_str("DJANGO_MEDIA_STORAGE", "files").strip()
if MEDIA_STORAGE not in _MEDIA_STORAGES:
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_STORAGE={MEDIA_STORAGE!r}: use one of {', '.join(_MEDIA_STORAGES)}."
    )
_DEFAULT_MEDIA_ROOT = (
    Path(DATABASES["default"]["NAME"]).parent / "media" if _ON_SQLITE else BASE_DIR / "media"
)
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", "").strip() or _DEFAULT_MEDIA_ROOT)
MEDIA_URL = "/media/"
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
_MEDIA_ORIGINS: list[str] = []
if MEDIA_STORAGE == "files":
    _MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    _MEDIA_BACKEND, _MEDIA_ORIGINS = s3_media_storage(MEDIA_CACHE_CONTROL)
STORAGES = {
    "default": _MEDIA_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email -------------------------------------------------------------------

# Password reset mail: printed to the console in development, sent by SMTP in
# production (DJANGO_DEBUG=false) unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Back Relief <no-reply@localhost>")

# --- HTTPS and security headers ----------------------------------------------
# With DJANGO_DEBUG=false the defaults below pass `manage.py check --deploy`
# with no warnings. docs/deploy.md explains them; the README lists the variables.


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` → Django's ("HTTP_X_FORWARDED_PROTO", "https"), or None."""
    header = os.environ.get(name, "").strip()
    if not header:
        return None
    if not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(f"{name}={header!r} is not an HTTP header name.")
    return ("HTTP_" + header.upper().replace("-", "_"), "https")


# HTTPS. The redirect spares /healthz so that a load balancer's plain-HTTP
# probe gets an answer. Set the proxy header only behind a proxy that sets it
# on every request (and so overwrites whatever a client sent): anyone could
# send it otherwise, and the app would believe plain HTTP was HTTPS.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)

# Cookies only over HTTPS in production, and never readable by scripts.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features the app never uses; ops.middleware.permissions_policy sends it.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp 4), in development too so that the
# browser tests see what production browsers see. No 'unsafe-inline': every
# script and style lives in a file under static/ (ops.E003 checks this).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_MEDIA_ORIGINS],
        # Coaches' demo videos (and posters), from this site or the media bucket.
        "media-src": ["'self'", *_MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Errors and logs ---------------------------------------------------------

# Server errors: a JSON line on stdout always; an email too when ADMINS is set.
ADMINS = [(address, address) for address in env_list("DJANGO_ADMINS", [])]
SERVER_EMAIL = env_str("DJANGO_SERVER_EMAIL", "root@localhost")

# Logs go to stdout, one JSON object a line in production (the container's
# log collector reads them), plain text in development.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        # Secret URLs in a message ("Not Found: /history/calendar/…"): calendar feeds,
        # password resets, sign-up and share links.
        "redact_paths": {"()": "ops.redaction.RedactPaths"},
        "as_one_line_warning": {"()": "ops.redaction.AsOneLineWarning"},
    },
    "formatters": {
        "json": {"()": "ops.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "runserver": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["redact_paths"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact_paths"],
        },
        # runserver's request lines, as Django prints them, but redacted.
        "runserver": {
            "class": "logging.StreamHandler",
            "formatter": "runserver",
            "filters": ["redact_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # django-axes logs every lookup at INFO; lockouts, which matter, are warnings.
        "axes": {"level": "WARNING"},
        # Django's own records go to the root's console; errors also by email.
        "django": {
            "handlers": ["mail_admins"] if ADMINS else [],
            "level": LOG_LEVEL,
            "propagate": True,
        },
        "django.server": {"handlers": ["runserver"], "level": "INFO", "propagate": False},
        # A request for another host name (scanners, stale DNS) gets a 400 and
        # one line; Django's default is an ERROR with a traceback, mailed.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "filters": ["as_one_line_warning"],
            "propagate": False,
        },
    },
}

# --- The product -------------------------------------------------------------

# Where the product sends people who need a skilled practitioner. The seed
# points to ClinicalAthlete's directory of clinicians.
REFERRAL_URL = env_str("REFERRAL_URL", "https://www.clinicalathlete.com/")
REFERRAL_NAME = env_str("REFERRAL_NAME", "ClinicalAthlete")
