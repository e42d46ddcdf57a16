"""Every template's links and static file URLs: `{% link %}` and `{% asset %}`.

`{% link name arg … %}` is `{% url name arg … %}` (`as var` too) and
`{% asset path %}` is `{% static path %}`; templates use these, never the
built-in tags (tests/test_layout_tags.py checks). The answer for a URL name
without arguments, and for a static path, is worked out once per process:
every page's head, menu and footer name the same ones, and looking them up
again on every request is a share of the step page that pays for the tags
(docs/benchmarks.md).
They cannot change while a process runs (the URLconf is loaded once, static
names are fixed by collectstatic); a settings change, as tests make, clears
them. A URL with arguments (a session's, a token's) is reversed each time:
those differ from person to person, so keeping them would only grow.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag
def link(name: str, *args, **kwargs) -> str:
    """`{% url name … %}`."""
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return _reverse(name, get_script_prefix())


@register.simple_tag
def asset(path: str) -> str:
    """`{% static path %}`."""
    return _static(path)


@functools.lru_cache(maxsize=128)
def _reverse(name: str, script_prefix: str) -> str:
    return reverse(name)  # the prefix is part of the key: reverse() prepends it


@functools.lru_cache(maxsize=128)
def _static(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _reverse.cache_clear()
    _static.cache_clear()
