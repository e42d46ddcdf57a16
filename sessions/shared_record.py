"""The training record a person shares with a practitioner: one page, one PDF, one reading.

`shared_record` gathers what the shared page and its PDF show, in the
person's own time zone: the name they chose, the protocols they followed,
sessions a week over 12 weeks against their reminder plan, pain before and
after (the history's chart and its table), the last 20 sessions, and, only
if the link includes them, their notes and their safety answers with dates.
Never their email address.

It costs the same few queries for 10 sessions or 5 000: progress comes from
the person's one summary row, and the sessions from one indexed read of the
latest few. Everything is read when asked, so a deleted session or a
changed rating shows at once.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Max, Min
from django.utils import timezone

from .charts import PAIN_CHART_SESSIONS, history_charts
from .models import TrainingSession
from .progress import Progress

RECENT_SESSIONS = 20
SAFETY_SCREENINGS = 10


def _one_to_one(user, name: str):
    """The user's one-to-one row `name` as select_related loaded it (None if they have none).

    Without select_related this costs one query."""
    try:
        return getattr(user, name)
    except ObjectDoesNotExist:
        return None


def _weeks(progress: Progress, planned: int | None) -> list[dict]:
    return [
        {
            "start": week.start,
            "sessions": week.sessions,
            "met_plan": planned is not None and week.sessions >= planned,
        }
        for week in progress.weeks
    ]


def shared_record(user, *, display_name: str, include_notes: bool, include_safety: bool) -> dict:
    """The template context for the shared record of `user` (see the module's docstring).

    Call it inside the person's zone (`timezone.override(record_zone(user))`).
    """
    today = timezone.localdate()
    summary = _one_to_one(user, "progress_summary")
    prefs = _one_to_one(user, "training_preferences")
    progress = Progress.from_summary(summary, today)
    weekdays = prefs.weekdays if prefs else []
    planned = len(weekdays) or None

    sessions = TrainingSession.objects.for_user(user)
    protocols = list(
        sessions.order_by()
        .values("protocol_name")
        .annotate(count=Count("pk"), first=Min("local_date"), last=Max("local_date"))
        .order_by("-last", "protocol_name")
    )
    # The last 20 for the table and the last 30 that are over for the pain
    # chart, in one read: at most one session is in progress.
    latest = list(
        sessions.for_history()
        .defer("instructions", "skipping_exercises")
        .order_by("-started_at")[: PAIN_CHART_SESSIONS + 1]
    )
    recent = [session for session in latest if not session.is_in_progress][:PAIN_CHART_SESSIONS][
        ::-1
    ]  # oldest on the left
    weeks = progress.weeks
    context = {
        "display_name": display_name,
        "today": today,
        "generated_at": timezone.localtime(),
        "time_zone_name": timezone.get_current_timezone_name(),
        "progress": progress,
        "protocols": protocols,
        "planned_per_week": planned,
        "training_days": weekdays,
        "weeks": _weeks(progress, planned),
        "weeks_met": sum(1 for week in weeks if planned and week.sessions >= planned),
        **history_charts(weeks, recent, target=planned),
        "sessions": latest[:RECENT_SESSIONS],
        "include_notes": include_notes,
        "include_safety": include_safety,
        "whose": "their",
    }
    if include_safety:
        context["screenings"] = list(user.screenings.latest_first()[:SAFETY_SCREENINGS])
        # From the gate's columns on the user row (no query): the latest "yes" to a
        # lasting fact, even one older than the screenings listed, and the latest
        # clinician's go-ahead the person recorded.
        context["last_lasting_fact_at"] = user.last_lasting_fact_at
        context["last_clearance_at"] = user.last_clearance_at
    return context


def record_zone(user):
    """The person's own time zone, from the settings select_related loaded."""
    prefs = _one_to_one(user, "training_preferences")
    return prefs.zone if prefs else timezone.get_default_timezone()
