"""Recompute every derived row from its record and report (or repair) any drift.

Two kinds of rows are derived, so that a page reads one row instead of a
whole history: each user's progress summary (from their sessions and rounds)
and the safety gate's inputs on the user row (from their disclaimer
acknowledgements and safety-question answers). The models keep them in step
through every ORM path; a raw SQL edit, a restore of part of a backup or a
bug could still leave them behind, and this command finds out.

    python manage.py check_derived_data          # report; exit status 1 on drift
    python manage.py check_derived_data --fix    # and recompute what drifted
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sessions.models import ProgressSummary


class Command(BaseCommand):
    help = "Check progress summaries and the safety gate's inputs against the record."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Recompute the rows that drifted.")

    def handle(self, *args, fix: bool, **options):
        drifted = [*self._progress_drift(), *self._safety_drift()]
        for user, kind, fields in drifted:
            details = "; ".join(
                f"{name} is {stored!r}, should be {computed!r}"
                for name, (stored, computed) in fields.items()
            )
            self.stdout.write(f"{user}: {kind}: {details}")
            if fix:
                if kind == "progress":
                    ProgressSummary.refresh_for(user.pk)
                else:
                    user.refresh_safety_state()
        if not drifted:
            self.stdout.write(self.style.SUCCESS("Every derived row matches its record."))
        elif fix:
            self.stdout.write(self.style.SUCCESS(f"Recomputed {len(drifted)} drifted row(s)."))
        else:
            raise CommandError(f"{len(drifted)} derived row(s) drifted: run with --fix.")

    def _progress_drift(self):
        summaries = {s.user_id: s for s in ProgressSummary.objects.all()}
        for user in get_user_model().objects.filter(training_sessions__isnull=False).distinct():
            summary = summaries.get(user.pk) or ProgressSummary(user=user)
            fields = summary.drift()
            if fields:
                yield user, "progress", fields

    def _safety_drift(self):
        for user in get_user_model().objects.iterator():
            fields = user.safety_state_drift()
            if fields:
                yield user, "safety gate", fields
