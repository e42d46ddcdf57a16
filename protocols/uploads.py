"""Coaches' uploads checked and made safe to show: photos re-encoded, videos checked by content.

Each function raises a `ValidationError` with a message a coach can act on,
and touches no storage: the admin form calls them in `clean_<field>`, so a
refused file leaves nothing behind, and the models write what they return.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MEGABYTE = 1024 * 1024
MAX_PHOTO_BYTES = 10 * MEGABYTE
MAX_PHOTO_PIXELS = 40_000_000
MAX_VIDEO_BYTES = 50 * MEGABYTE
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
# Phone-sized: 480 px for a phone at 1x or a thumbnail, 960 px for 2x screens.
PHOTO_WIDTHS = (480, 960)
POSTER_WIDTHS = (960,)
WEBP_QUALITY = 80

# Pillow's own guard against decompression bombs, at our limit: it warns past
# it and refuses twice it. We check the size in the header before decoding;
# this keeps anything else in the process from decoding a larger image.
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS

# The first bytes of each video type we accept. MP4 (ISO base media) starts
# with a box whose type, at bytes 4-8, is `ftyp`, followed by a "brand"; HEIF
# photos and QuickTime files use `ftyp` too, hence the list of brands. WebM
# is an EBML document whose DocType, a few bytes in, is "webm".
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"mmp4",
    b"M4V ",
}


@dataclass(frozen=True)
class Rendition:
    """One re-encoded WebP image, not stored yet."""

    width: int
    height: int
    data: bytes


def photo_renditions(upload: UploadedFile, widths: tuple[int, ...] = PHOTO_WIDTHS) -> list:
    """WebP renditions of `upload`, `widths` wide or narrower (never upscaled), no metadata.

    Refuses anything that is not a JPEG, PNG or WebP Pillow can verify and
    decode, over 10 MB, or over 40 megapixels (read from the header first).
    The camera's rotation (EXIF orientation) is applied to the pixels, then
    every tag (EXIF, GPS, XMP) is left behind: only the pixels and the colour
    profile are written again.
    """
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            f"“{upload.name}” is {upload.size / MEGABYTE:.1f} MB: a photo may be at most "
            f"{MAX_PHOTO_BYTES // MEGABYTE} MB. Export it smaller and try again."
        )
    not_a_photo = ValidationError(
        f"“{upload.name}” is not a photo that can be read: upload a JPEG, PNG or WebP image."
    )
    too_many_pixels = ValidationError(
        f"“{upload.name}” is too large in pixels: at most {MAX_PHOTO_PIXELS // 1_000_000} "
        "megapixels. Resize it and try again."
    )
    try:
        upload.seek(0)
        # Opening reads the header only. Past twice the limit Pillow refuses
        # there (DecompressionBombError); up to it, it warns, and we refuse
        # here: either way before a single pixel is decoded.
        with Image.open(upload, formats=PHOTO_FORMATS) as probe:
            width, height = probe.size
            if width * height > MAX_PHOTO_PIXELS:
                raise too_many_pixels
            probe.verify()
        upload.seek(0)
        with Image.open(upload, formats=PHOTO_FORMATS) as image:
            # A JPEG may then decode at 1/2, 1/4 or 1/8 scale: no bigger than needed.
            image.draft("RGB", (max(widths), max(widths)))
            image.load()
            return _renditions(image, widths)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # The warning too, where a warnings filter makes it an error.
        raise too_many_pixels from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        # Pillow's errors for a file that is not an image, or a broken one.
        raise not_a_photo from error


def _renditions(image: Image.Image, widths: tuple[int, ...]) -> list[Rendition]:
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    has_alpha = "A" in upright.getbands() or "transparency" in upright.info
    upright = upright.convert("RGBA" if has_alpha else "RGB")
    renditions = []
    for width in sorted({min(wanted, upright.width) for wanted in widths}):
        height = max(1, round(upright.height * width / upright.width))
        resized = (
            upright.resize((width, height), Image.Resampling.LANCZOS)
            if width != upright.width
            else upright.copy()
        )
        resized.info = {}  # no tag of the original goes any further
        buffer = io.BytesIO()
        options = {"icc_profile": icc_profile} if icc_profile else {}
        resized.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **options)
        renditions.append(Rendition(width, height, buffer.getvalue()))
    return renditions


def video_extension(upload: UploadedFile) -> str:
    """ ".mp4" or ".webm", read from the file's first bytes; anything else is refused.

    The name must say MP4 or WebM too, but only the content decides.
    """
    if upload.size > MAX_VIDEO_BYTES:
        raise ValidationError(
            f"“{upload.name}” is {upload.size / MEGABYTE:.0f} MB: a video may be at most "
            f"{MAX_VIDEO_BYTES // MEGABYTE} MB. Trim it or export it at a lower quality."
        )
    not_a_video = ValidationError(
        f"“{upload.name}” is not an MP4 or WebM video: its content does not start like one. "
        "Export it as MP4 (H.264) or WebM and try again."
    )
    if PurePath(upload.name).suffix.lower() not in {".mp4", ".webm"}:
        raise not_a_video
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return ".mp4"
    if head.startswith(EBML_MAGIC) and b"webm" in head:
        return ".webm"
    raise not_a_video
