"""Gunicorn's settings for Back Relief, read from the environment.

The container's entrypoint runs `gunicorn --config gunicorn.conf.py`. Every
variable is in the README's configuration table; a bad number stops the start.
"""

import os

from ops.jsonlog import JsonFormatter
from ops.redaction import RedactingGunicornLogger


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from None
    if value < 1:
        raise SystemExit(f"{name}={raw!r} must be at least 1.")
    return value


wsgi_app = "backrelief.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{env_int('PORT', 8000)}"

# Each worker is a process with its own database connection per thread.
# Threads suit this app: a request mostly waits on the database.
workers = env_int("GUNICORN_WORKERS", 2)
threads = env_int("GUNICORN_THREADS", 4)
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = timeout
# No control socket (gunicornc): the orchestrator manages the process, and two
# servers on one machine (tests, benchmarks) would fight over its one path.
control_socket_disable = True
# Heartbeat files in memory: a container's /tmp can be slow overlay storage.
_SHARED_MEMORY = "/dev/shm"  # noqa: S108 (gunicorn's documented choice; private files)
worker_tmp_dir = _SHARED_MEMORY if os.path.isdir(_SHARED_MEMORY) else None

# Logs: both gunicorn's and the access log as JSON lines on stdout.
accesslog = None  # the access logger below is enabled by logconfig_dict
# Method and path, not the request line: query strings stay out of the logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# Calendar-feed tokens and password-reset links in a path are keys: redacted.
logger_class = RedactingGunicornLogger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}
