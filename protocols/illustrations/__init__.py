"""Built-in illustrations of the seeded exercises, drawn from poses by our own code.

`illustration_svg(slug)` is the markup for a page, or "" for an exercise
without one (a coach's own exercise). It is a pure function of code (the poses
in poses.py), so it is rendered once per process and kept.
"""

from __future__ import annotations

import functools

from django.utils.safestring import SafeString, mark_safe

from . import render
from .poses import ILLUSTRATIONS

__all__ = ["ILLUSTRATIONS", "illustration_svg", "thumbnail_svg"]


@functools.cache
def illustration_svg(slug: str, size: str = "") -> SafeString:
    """Start and end side by side, still; and the movement, if it has one.

    `size` names a CSS class (`illo-large` on the exercise page). The stylesheet
    shows the still pair under `prefers-reduced-motion: reduce` (and by default),
    the moving figure only when motion is welcome.
    """
    illustration = ILLUSTRATIONS.get(slug)
    if illustration is None:
        return mark_safe("")
    box = render.bounds(illustration)
    parts = [render.still(slug, illustration, box)]
    if illustration.animated:
        parts.append(render.motion(slug, illustration, box))
    classes = " ".join(
        [
            "illo",
            *(["has-motion"] if illustration.animated else []),
            *([f"illo-{size}"] if size else []),
        ]
    )
    return mark_safe(f'<div class="{classes}">{"".join(parts)}</div>')  # noqa: S308 (our own markup, text escaped)


@functools.cache
def thumbnail_svg(slug: str) -> SafeString:
    illustration = ILLUSTRATIONS.get(slug)
    if illustration is None:
        return mark_safe("")
    return mark_safe(render.thumbnail(illustration, render.bounds(illustration)))  # noqa: S308
