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


@register.filter
def pain_change_in_words(value: float | None) -> str:
    """After minus before, as a person reads it: "2 points less", "0.5 points more"."""
    if value is None:
        return "\N{EN DASH}"
    if value == 0:
        return "no change"
    amount = f"{abs(value):g}"
    points = "1 point" if amount == "1" else f"{amount} points"
    return f"{points} less" if value < 0 else f"{points} more"


@register.filter
def days(value: int) -> str:
    return f"{value} day" if value == 1 else f"{value} days"
