"""`/media/…` serves coaches' uploads from this machine: ranges, caching, and nothing else."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

VIDEO_BYTES = bytes(range(256)) * 40  # 10 240 bytes, each position telling its value


@pytest.fixture
def video_url() -> str:
    name = default_storage.save("coach/" + "ab" * 16 + ".mp4", ContentFile(VIDEO_BYTES))
    return default_storage.url(name)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_video_is_served_whole_with_long_lived_caching(client, video_url):
    response = client.get(video_url)
    assert response.status_code == 200
    assert body(response) == VIDEO_BYTES
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(VIDEO_BYTES))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")


def test_it_stays_public_for_a_signed_in_coach(client, coach, video_url):
    client.force_login(coach)
    assert client.get(video_url)["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-240", 10000, 10239),
        ("bytes=10200-99999", 10200, 10239),  # a last byte past the end: up to the end
    ],
)
def test_a_range_request_gets_206_and_those_bytes(client, video_url, header, start, end):
    response = client.get(video_url, headers={"Range": header})
    assert response.status_code == 206
    assert body(response) == VIDEO_BYTES[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(VIDEO_BYTES)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("header", ["bytes=20000-", "bytes=500-100", "bytes=-0"])
def test_a_range_past_the_end_is_416(client, video_url, header):
    response = client.get(video_url, headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO_BYTES)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "lines=1-2", "bytes=x-y"])
def test_a_range_we_do_not_read_gets_the_whole_file(client, video_url, header):
    response = client.get(video_url, headers={"Range": header})
    assert response.status_code == 200
    assert body(response) == VIDEO_BYTES


def test_a_photo_rendition_is_served_as_webp(client):
    name = default_storage.save("coach/" + "cd" * 16 + "-480w.webp", ContentFile(b"RIFF....WEBP"))
    response = client.get(default_storage.url(name))
    assert response["Content-Type"] == "image/webp"


@pytest.mark.parametrize(
    "path",
    [
        "/media/coach/" + "ef" * 16 + ".mp4",  # no such file
        "/media/../backrelief/settings.py",
        "/media/coach/../../backrelief/settings.py",
        "/media/%2e%2e/%2e%2e/backrelief/settings.py",
        "/media/coach/..%2f..%2fdb.sqlite3",
        "/media//etc/passwd",
        "/media/coach/" + "ab" * 16 + ".html",
        "/media/coach/" + "ab" * 16 + ".mp4/",
    ],
)
def test_anything_but_a_stored_upload_is_404(client, db, video_url, settings, path):
    (settings.MEDIA_ROOT / "coach" / ("ab" * 16 + ".html")).write_text("<script>")
    assert client.get(path).status_code == 404


def test_it_answers_get_and_head_only(client, video_url):
    assert client.head(video_url).status_code == 200
    assert client.post(video_url).status_code == 405
