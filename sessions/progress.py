"""Progress at a glance: streaks, sessions a week, and how pain changed.

A day counts when a session that is over (finished or ended early) and has
at least one round started on it, in the user's time zone (the session's
`local_date`).

Reading a whole history on every page view would cost time in proportion to
its length, so what needs the whole history is summed up in one row a user
(`ProgressSummary`), recomputed whenever a session ends, is rated or is
deleted; this module's pure functions do the arithmetic for both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

WEEKS_SHOWN = 12
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Runs:
    """Runs of consecutive days: the longest, and the latest (where it ends, how long)."""

    longest: int
    last_end: date | None
    last_days: int

    def current(self, today: date) -> int:
        """The latest run, if it reaches today or yesterday.

        A streak is not broken until a whole day goes by without training:
        at breakfast, yesterday's session still counts.
        """
        if self.last_end is None or self.last_end < today - ONE_DAY:
            return 0
        return self.last_days


def runs(days: Iterable[date]) -> Runs:
    """The runs in `days` (any order; a day trained twice counts once)."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        longest = max(longest, run)
        previous = day
    return Runs(longest, previous, run)


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks run Monday to Sunday, as in ISO 8601)."""
    return day - timedelta(days=day.weekday())


def first_week_shown(today: date) -> date:
    return week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)


@dataclass(frozen=True)
class WeekCount:
    start: date
    sessions: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


def weekly_counts(sessions_per_day: Mapping[date, int], today: date) -> list[WeekCount]:
    """Sessions in each of the last WEEKS_SHOWN weeks, oldest first, this week last."""
    first = first_week_shown(today)
    starts = [first + timedelta(weeks=number) for number in range(WEEKS_SHOWN)]
    totals = dict.fromkeys(starts, 0)
    for day, count in sessions_per_day.items():
        start = week_start(day)
        if start in totals:
            totals[start] += count
    return [WeekCount(start, totals[start]) for start in starts]


@dataclass(frozen=True)
class Progress:
    current_streak: int
    longest_streak: int
    weeks: list[WeekCount]
    average_pain_change: float | None
    sessions_with_pain: int

    @property
    def this_week(self) -> int:
        return self.weeks[-1].sessions

    @classmethod
    def from_summary(cls, summary, today: date, protocol_id: int | None = None) -> Progress:
        """From a user's ProgressSummary (or None: nothing counted yet), as of `today`.

        With `protocol_id`, the weeks and the pain change are that protocol's;
        streaks always count any protocol (a day trained is a day trained).
        """
        if summary is None:
            return cls(0, 0, weekly_counts({}, today), None, 0)
        source = {
            "recent_days": summary.recent_days,
            "pain_change_total": summary.pain_change_total,
            "pain_change_sessions": summary.pain_change_sessions,
        }
        if protocol_id is not None:
            empty = {"recent_days": {}, "pain_change_total": 0, "pain_change_sessions": 0}
            source = (summary.per_protocol or {}).get(str(protocol_id), empty)
        recent = {date.fromisoformat(day): count for day, count in source["recent_days"].items()}
        found = Runs(summary.longest_streak, summary.last_run_end, summary.last_run_days)
        pain_sessions = source["pain_change_sessions"]
        return cls(
            current_streak=found.current(today),
            longest_streak=found.longest,
            weeks=weekly_counts(recent, today),
            average_pain_change=(
                round(source["pain_change_total"] / pain_sessions, 1) if pain_sessions else None
            ),
            sessions_with_pain=pain_sessions,
        )
