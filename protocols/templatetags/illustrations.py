from django import template
from django.utils.safestring import SafeString

from protocols import illustrations

register = template.Library()


@register.simple_tag
def illustration(slug: str, size: str = "") -> SafeString:
    """The built-in picture of a seeded exercise, by slug; nothing for any other."""
    return illustrations.illustration_svg(slug or "", size)


@register.simple_tag
def illustration_thumbnail(slug: str) -> SafeString:
    return illustrations.thumbnail_svg(slug or "")
