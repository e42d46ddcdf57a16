"""The one row a user that "progress at a glance" reads: `ProgressSummary`.

The arithmetic (streaks, weeks, the pain change) is in `sessions.progress`;
this module keeps its result current as the user's sessions change.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from ..progress import first_week_shown, runs


class ProgressSummary(models.Model):
    """What "progress at a glance" needs from a user's whole history, kept current.

    A page view reads this one row, so it costs the same for 10 sessions or
    10 000. `refresh_for` recomputes it (one grouped query over the history)
    whenever what it counts changes: a session's PROGRESS_FIELDS (it ends, is
    rated, is deleted), through `TrainingSession`'s save and delete and its
    queryset's bulk paths; and the rounds of a session that is over, through
    `CompletedRound`'s save and its queryset's bulk paths.
    """

    # Derived from the user's sessions; it goes with them.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_summary"
    )
    longest_streak = models.PositiveIntegerField(default=0)
    last_run_end = models.DateField(null=True, blank=True)
    last_run_days = models.PositiveIntegerField(default=0)
    recent_days = models.JSONField(
        default=dict, help_text="Sessions that count, per local day, over the last weeks shown."
    )
    pain_change_total = models.IntegerField(default=0)
    pain_change_sessions = models.PositiveIntegerField(default=0)
    per_protocol = models.JSONField(
        default=dict,
        blank=True,
        help_text="By protocol id: its name, sessions that count per recent local day, and "
        "its pain change, for history narrowed to one protocol (streaks count any).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "progress summaries"

    def __str__(self) -> str:
        return f"Progress of {self.user_id}"

    @classmethod
    def for_user(cls, user) -> ProgressSummary | None:
        return cls.objects.filter(user=user).first()

    def protocols(self) -> list[tuple[int, str]]:
        """(id, name) of each protocol the user has a session of that is over, by name."""
        return sorted(
            ((int(key), entry["name"]) for key, entry in self.per_protocol.items()),
            key=lambda item: (item[1].casefold(), item[0]),
        )

    @classmethod
    def refresh_for_users(cls, user_ids) -> None:
        for user_id in sorted(user_ids):
            cls.refresh_for(user_id)

    @classmethod
    def computed_for(cls, user_id: int) -> dict:
        """What the user's row should hold, from their sessions (one grouped query)."""
        # Here, not at the top: `session` imports this module, whose row it refreshes.
        from .session import TrainingSession

        horizon = first_week_shown(timezone.localdate())
        counted: dict[date, int] = {}
        pain_total = pain_sessions = 0
        per_protocol: dict[str, dict] = {}
        for row in TrainingSession.objects.filter(user_id=user_id).days_trained():
            day, key = row["local_date"], str(row["protocol_id"])
            mine = per_protocol.setdefault(
                key,
                {"name": "", "recent_days": {}, "pain_change_total": 0, "pain_change_sessions": 0},
            )
            mine["name"] = row["protocol_name_seen"]  # the latest day's name wins
            if row["counted"]:
                counted[day] = counted.get(day, 0) + row["counted"]
                if day >= horizon:
                    mine["recent_days"][day.isoformat()] = row["counted"]
            if row["pain_change_sessions"]:
                pain_total += row["pain_change_total"]
                pain_sessions += row["pain_change_sessions"]
                mine["pain_change_total"] += row["pain_change_total"]
                mine["pain_change_sessions"] += row["pain_change_sessions"]
        found = runs(counted)
        return {
            "longest_streak": found.longest,
            "last_run_end": found.last_end,
            "last_run_days": found.last_days,
            "recent_days": {
                day.isoformat(): count for day, count in counted.items() if day >= horizon
            },
            "pain_change_total": pain_total,
            "pain_change_sessions": pain_sessions,
            "per_protocol": per_protocol,
        }

    @classmethod
    def refresh_for(cls, user_id: int) -> None:
        """Recompute from the user's sessions (a few queries; time grows with the history).

        The row is locked first (on PostgreSQL; SQLite's write transactions
        queue anyway), so two refreshes at once cannot leave the older result.
        """
        with transaction.atomic():
            summary, _ = cls.objects.select_for_update().get_or_create(user_id=user_id)
            for name, value in cls.computed_for(user_id).items():
                setattr(summary, name, value)
            summary.save()

    def drift(self) -> dict[str, tuple]:
        """Fields whose stored value differs from the recomputed one: {name: (stored, computed)}."""
        return {
            name: (getattr(self, name), value)
            for name, value in self.computed_for(self.user_id).items()
            if getattr(self, name) != value
        }
