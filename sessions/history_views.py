"""History: what a user did, how their back felt, and a record for their clinician.

Every page reads only the signed-in user's rows (`for_user`), so another
user's session is a 404 by construction; the calendar feed is the one page
without a sign-in, and its secret token is what it is looked up by.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .charts import PAIN_CHART_SESSIONS, history_charts
from .forms import PreferencesForm, PrintPeriodForm, ProtocolFilterForm
from .models import ProgressSummary, TrainingPreferences, TrainingSession
from .progress import Progress
from .time_zone import chosen_time_zone, remember_time_zone

SESSIONS_PER_PAGE = 20
# Rows fetched from the database at a time, and lines sent to the client at a time.
EXPORT_CHUNK_ROWS = 2000
CSV_LINES_PER_CHUNK = 200
# A cell a spreadsheet would read as a formula (or a command) starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _get_session_for_user(request: HttpRequest, session_id: int) -> TrainingSession:
    """The signed-in user's session, without its plan; anyone else's is a 404."""
    return get_object_or_404(
        TrainingSession.objects.for_user(request.user).for_history().select_related("protocol"),
        pk=session_id,
    )


@login_required
def history_list(request: HttpRequest) -> HttpResponse:
    """The sessions and progress at a glance, all of them or one protocol's (`?protocol=id`).

    The protocols to choose from, and each one's weeks and pain change, come
    from the one ProgressSummary row: narrowing costs no query more.
    """
    summary = ProgressSummary.for_user(request.user)
    narrow = ProtocolFilterForm(request.GET, protocols=summary.protocols() if summary else [])
    protocol_id = narrow.protocol_id()
    progress = Progress.from_summary(summary, timezone.localdate(), protocol_id)
    sessions = TrainingSession.objects.for_user(request.user).for_protocol(protocol_id)
    # get_page turns "abc", "-1" or "99999" into a page that exists.
    page = Paginator(sessions.for_history(), SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    recent = sessions.recent_pain(PAIN_CHART_SESSIONS)
    return render(
        request,
        "history/list.html",
        {
            "page": page,
            "progress": progress,
            "narrow": narrow,
            "protocol_id": protocol_id,
            "zone_chosen": bool(chosen_time_zone(request)),
            **history_charts(progress.weeks, recent[::-1]),
        },
    )


@login_required
def detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_user(request, session_id)
    return render(
        request, "history/detail.html", {"session": session, "rounds": session.rounds.all()}
    )


@login_required
def delete(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_user(request, session_id)
    if request.method == "POST":
        session.delete()  # and its rounds; progress is recomputed without it
        messages.success(request, "Session deleted, with every round recorded in it.")
        return redirect("history:list")
    return render(request, "history/delete.html", {"session": session})


def _spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes to this, and gets the line back to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows, zone) -> Iterator[str]:
    # The zone is passed in: the response streams after the view (and the
    # middleware's time zone) has returned.
    writer = csv.writer(_Echo())
    # A byte-order mark: Excel then reads the file as UTF-8, not as ANSI.
    header = ["date", "session", "status", "circuit", "round", "exercises", "skipped"]
    # The protocol comes last: the columns before it keep the places they always had.
    header += [f"completed at ({zone.key})", "pain before", "pain after", "notes", "protocol"]
    yield "\ufeff" + writer.writerow(header)
    status_names = dict(TrainingSession.Status.choices)
    lines = []
    for row in rows:
        (pk, started_at, protocol, status, before, after, notes, circuit, number, done_at, done) = (
            row
        )
        exercises = "; ".join(
            f"{e['label']} {e['name']} ({'skipped' if e.get('skipped') else e['prescription']})"
            for e in done or []
        )
        skipped = "; ".join(e["label"] for e in done or [] if e.get("skipped"))
        cells = [
            started_at.astimezone(zone).date().isoformat(),
            pk,
            status_names.get(status, status),
            circuit,
            number,
            exercises,
            skipped,
            f"{done_at.astimezone(zone):%Y-%m-%d %H:%M:%S}" if done_at else "",
            before,
            after,
            notes,
            protocol,
        ]
        lines.append(writer.writerow(["" if c is None else _spreadsheet_safe(c) for c in cells]))
        if len(lines) == CSV_LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    rows = TrainingSession.objects.for_user(request.user).export_rows(EXPORT_CHUNK_ROWS)
    response = StreamingHttpResponse(
        _csv_lines(rows, timezone.get_current_timezone()), content_type="text/csv; charset=utf-8"
    )
    filename = f"back-relief-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def print_summary(request: HttpRequest) -> HttpResponse:
    period = PrintPeriodForm(request.GET)
    weeks_back = period.weeks_back()
    today = timezone.localdate()
    progress = Progress.from_summary(ProgressSummary.for_user(request.user), today)
    mine = TrainingSession.objects.for_user(request.user)
    sessions = mine.for_history()
    since = None
    if weeks_back is not None:
        since = today - timedelta(weeks=weeks_back)
        sessions = sessions.filter(local_date__gt=since)
    return render(
        request,
        "history/print.html",
        {
            "sessions": sessions,
            "progress": progress,
            "since": since,
            "period": period,
            "today": today,
            "time_zone_name": timezone.get_current_timezone_name(),
            **history_charts(progress.weeks, mine.recent_pain(PAIN_CHART_SESSIONS)[::-1]),
        },
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Reminders (days, time) and time zone, and the calendar link they make."""
    prefs = TrainingPreferences.for_user(request.user)
    form = PreferencesForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        prefs = form.save()
        remember_time_zone(request, prefs.time_zone)
        messages.success(request, "Saved. Your calendar picks up the change when it next checks.")
        return redirect("history:settings")
    feed_url = webcal_url = None
    if prefs.pk:
        feed_url = request.build_absolute_uri(
            reverse("history:calendar_feed", args=[prefs.feed_token])
        )
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(
        request,
        "history/settings.html",
        {"form": form, "prefs": prefs, "feed_url": feed_url, "webcal_url": webcal_url},
    )


@require_POST
@login_required
def reset_feed(request: HttpRequest) -> HttpResponse:
    prefs = get_object_or_404(TrainingPreferences, user=request.user)
    prefs.reset_feed_token()
    messages.success(
        request,
        "New calendar link made. The old one no longer works: add the new one to your calendar.",
    )
    return redirect("history:settings")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private ICS feed: no sign-in (calendar apps have none), found by its secret."""
    prefs = get_object_or_404(TrainingPreferences, feed_token=token)
    start_url = request.build_absolute_uri(reverse("training_sessions:start"))
    response = HttpResponse(
        prefs.reminder_calendar(start_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="back-relief.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
