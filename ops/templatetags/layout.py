"""Links and asset URLs for the shared layout, worked out once per process.

Every page's head, menu and footer name the same URLs and static files.
Reversing and looking them up again on every request was about 40 % of the
step page's rendering (bench/profile_step.py). `{% link %}` is `{% url %}`
and `{% asset %}` is `{% static %}` for a constant argument, memoized. The
answers cannot change while a process runs (the URLconf is loaded once and
static names are fixed by collectstatic); a settings change, as tests make,
clears them.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag
def link(name: str) -> str:
    """`{% url name %}` for a URL without arguments."""
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
