"""Recompute every derived row from its record and report (or repair) any drift.

Three kinds of rows are derived, so that a page reads one row instead of a
whole history: each user's progress summary (from their sessions and rounds),
the safety gate's inputs on the user row (from their disclaimer
acknowledgements and safety-question answers), and each protocol's
`has_coach_media` (from its exercises' photos and videos). The models keep them in step
on every write through them (a protocol's flag when a photo or video changes,
or an exercise or circuit moves; media protect their exercise from deletion). A
queryset `update()` that moves an exercise or circuit, a raw SQL edit, a restore
of part of a backup or a bug could still leave them behind, and this command
finds out.

    python manage.py check_derived_data          # report; exit status 1 on drift
    python manage.py check_derived_data --fix    # and recompute what drifted
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from protocols.models import Protocol
from sessions.models import ProgressSummary


class Command(BaseCommand):
    help = (
        "Check progress summaries, the safety gate's inputs and protocols' coach-media flags "
        "against the record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Recompute the rows that drifted.")

    def handle(self, *args, fix: bool, **options):
        drifted = [*self._progress_drift(), *self._safety_drift(), *self._media_drift()]
        for owner, kind, fields in drifted:  # a user, or a protocol
            details = "; ".join(
                f"{name} is {stored!r}, should be {computed!r}"
                for name, (stored, computed) in fields.items()
            )
            self.stdout.write(f"{owner}: {kind}: {details}")
            if fix:
                if kind == "progress":
                    ProgressSummary.refresh_for(owner.pk)
                elif kind == "coach media":
                    Protocol.objects.filter(pk=owner.pk).refresh_has_coach_media()
                else:
                    owner.refresh_safety_state()
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

    def _media_drift(self):
        computed = Protocol.objects.with_computed_coach_media()
        for protocol in computed.exclude(has_coach_media=F("computed_has_coach_media")):
            stored = protocol.has_coach_media
            yield protocol, "coach media", {"has_coach_media": (stored, not stored)}
