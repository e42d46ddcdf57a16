"""`/media/…`: coaches' uploads served from this machine's storage, with byte ranges.

Whitenoise serves static files only. With files on this machine (the
default) this view serves the uploads, to anyone: they are shown on public
pages. A phone seeks in a video with range requests, so `Range` is honoured
(206, or 416 when it cannot be met). Only names the upload code makes are
served (`coach/<hex>…` with one of our extensions), which rules out any path
outside MEDIA_ROOT; names are new for every upload, hence cached for a year.
With S3 the browser loads media from the bucket and this view is not used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from backrelief.decorators import same_for_everyone

from .models.media import MEDIA_FOLDER

CONTENT_TYPES = {".webp": "image/webp", ".mp4": "video/mp4", ".webm": "video/webm"}
SERVED_NAME = re.compile(rf"{MEDIA_FOLDER}/[0-9a-f]{{32}}[A-Za-z0-9_-]*(\.webp|\.mp4|\.webm)")
SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CHUNK = 64 * 1024
UNSATISFIABLE = (-1, -1)


@require_safe
@same_for_everyone
def media_file(request: HttpRequest, name: str) -> HttpResponse:
    match = SERVED_NAME.fullmatch(name)
    if match is None or not default_storage.exists(name):
        raise Http404("No such file.")
    size = default_storage.size(name)
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted is UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = StreamingHttpResponse(_read(name, 0, size))
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_read(name, start, end - start + 1), status=206)
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Type"] = CONTENT_TYPES[match.group(1)]
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte asked for; None to send the whole file (no `Range`, or one
    with several ranges or another unit, which RFC 9110 lets a server ignore);
    UNSATISFIABLE when no byte of the file is in the range."""
    found = SINGLE_RANGE.fullmatch(header.strip())
    if not found or found.groups() == ("", ""):
        return None
    first, last = found.groups()
    if first == "":  # "bytes=-500": the last 500 bytes
        length = int(last)
        return (max(0, size - length), size - 1) if length and size else UNSATISFIABLE
    start = int(first)
    if start >= size or (last and int(last) < start):
        return UNSATISFIABLE
    return start, min(int(last), size - 1) if last else size - 1


def _read(name: str, start: int, length: int) -> Iterator[bytes]:
    with default_storage.open(name, "rb") as file:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data
