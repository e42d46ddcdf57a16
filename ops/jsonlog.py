"""One JSON object per log line, for Django's and gunicorn's logs on stdout.

Imported by gunicorn.conf.py before Django is set up, so it uses only the
standard library and ops.redaction (which adds gunicorn). A log collector
reads every line as a record: the message, its level and logger, and what is
known about the request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from ops.redaction import redact_path

# gunicorn's access-log atoms worth a field of their own (see its docs).
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
}
NUMERIC_FIELDS = {"status", "bytes", "duration_ms"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, tz=UTC)
        entry = {
            "time": created.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            for atom, field in ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "-"):
                    entry[field] = int(value) if field in NUMERIC_FIELDS else value
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # Django's request logger (4xx and 5xx responses).
            entry["method"] = request.method
            entry["path"] = redact_path(request.path)
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)
