"""Files a coach might upload, made in the test: photos with EXIF and GPS, fake videos."""

from __future__ import annotations

import io
import struct
import zlib
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# An MP4's first box: size, "ftyp", the brand "mp42", then padding.
MP4_HEAD = struct.pack(">I", 24) + b"ftypmp42" + b"\0" * 12
# A WebM's EBML header: the magic, then a DocType of "webm".
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\0" * 16


def jpeg_with_exif_and_gps(width: int = 1600, height: int = 1200, orientation: int = 6) -> bytes:
    """A JPEG as a phone takes it: maker, GPS position and a rotation in its EXIF."""
    image = Image.new("RGB", (width, height), (200, 120, 80))
    image.paste((20, 60, 160), (0, 0, width // 2, height // 4))  # a corner to tell the way up
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation  # Orientation: 6 is "turn 90° clockwise to view"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=85)
    return buffer.getvalue()


def png(width: int = 800, height: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def huge_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A 100-megapixel PNG a few kilobytes long: one grey row, repeated, compressed."""
    row = b"\0" + b"\x80" * width  # filter byte, then one grey byte per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class _FormFields(HTMLParser):
    """The fields of the admin's change form, as the browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file", "button"}:
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.data[name] = "on"
            else:
                self.data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def admin_form_data(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html)
    # The empty template forms admin keeps for "Add another": never posted as forms.
    return {k: v for k, v in parser.data.items() if "__prefix__" not in k}
