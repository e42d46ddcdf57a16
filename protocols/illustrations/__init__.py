"""Built-in illustrations of the seeded exercises, drawn from poses by our own code.

`illustration_svg(slug)` is the markup for a page, or "" for an exercise
without one (a coach's own exercise). Drawing one is a pure function of code
(the poses in poses.py), so each is drawn once per process and kept; only the
seven known slugs are ever kept.
"""

from __future__ import annotations

import functools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import render
from .poses import ILLUSTRATIONS

__all__ = ["ILLUSTRATIONS", "illustration_svg", "thumbnail_svg"]


def illustration_svg(slug: str, size: str = "") -> SafeString:
    """Start and end side by side, still; and the movement, if it has one.

    `size` names a CSS class (`illo-large` on the exercise page). The stylesheet
    shows the still pair under `prefers-reduced-motion: reduce` (and by default),
    the moving figure only when motion is welcome.
    """
    if slug not in ILLUSTRATIONS:
        return mark_safe("")
    classes = " ".join(
        [
            "illo",
            *(["has-motion"] if ILLUSTRATIONS[slug].animated else []),
            *([f"illo-{escape(size)}"] if size else []),
        ]
    )
    return mark_safe(f'<div class="{classes}">{_drawn(slug)}</div>')  # noqa: S308 (our own markup)


def thumbnail_svg(slug: str) -> SafeString:
    if slug not in ILLUSTRATIONS:
        return mark_safe("")
    return mark_safe(_drawn_thumbnail(slug))  # noqa: S308 (our own markup, text escaped)


@functools.cache
def _drawn(slug: str) -> str:
    illustration = ILLUSTRATIONS[slug]
    box = render.bounds(illustration)
    parts = [render.still(slug, illustration, box)]
    if illustration.animated:
        parts.append(render.motion(slug, illustration, box))
    return "".join(parts)


@functools.cache
def _drawn_thumbnail(slug: str) -> str:
    illustration = ILLUSTRATIONS[slug]
    return render.thumbnail(illustration, render.bounds(illustration))
