from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration_in_words(value: timedelta | None) -> str:
    """A session's length as a person says it: "23 min", "1 h 5 min", "40 s"."""
    if value is None:
        return ""
    seconds = max(0, int(value.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
