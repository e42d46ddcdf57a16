"""What a user did: their training sessions and the rounds they completed.

A session keeps its own copy of the plan it was started with (`plan`: one
entry per step, with the names and reps as they were; `instructions`: each
exercise's cue, how-to and stop rule), so a coach's edits in admin never move
a session in progress or rewrite history, and nothing a session shows depends
on protocol rows that admin may delete. The plan names exercises by slug and
circuits by number, which survive a move between databases; row ids do not. A session moves
forward only through `complete_step` and `end_rest`, which advance
`steps_done` with a compare-and-set update: a repeated, stale or concurrent
request for the same step finds the position already moved and changes
nothing. A step is done or, when it hurts, skipped: a skip moves on the
same way and is recorded in `skipped`. A round is recorded when its last step
is done or skipped, and the database holds at most one row per (session,
circuit, round).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from protocols.models import ExerciseNotes, Protocol

from .plan import PlannedStep, instructions_from_steps, plan_from_steps, rounds_in_plan
from .progress import ProgressSummary

PAIN_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]
# At or above this, pain is "high": the product offers the red-flag screen
# again and shows the referral link.
HIGH_PAIN = 7
NOTES_MAX_LENGTH = 2000

# What ProgressSummary is computed from: a change to any of these, by any
# path, refreshes the users' summaries.
PROGRESS_FIELDS = frozenset(
    {"user", "user_id", "status", "local_date", "pain_before", "pain_after"}
)


class TrainingSessionQuerySet(models.QuerySet):
    """Bulk writes keep each affected user's ProgressSummary in step, as single ones do.

    `delete()`, `bulk_create()` and any `update()` of a field in
    PROGRESS_FIELDS refresh the summaries of the users they touched, so no
    ORM path (a view, admin's bulk delete, a shell or a management command)
    leaves a streak behind. `check_derived_data` reports anything else.
    """

    def delete(self):
        user_ids = self._recorded_user_ids()
        with transaction.atomic():
            result = super().delete()
            ProgressSummary.refresh_for_users(user_ids)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            ProgressSummary.refresh_for_users(
                {session.user_id for session in created if not session.preview}
            )
        return created

    def update(self, **fields):
        if PROGRESS_FIELDS.isdisjoint(fields):
            return super().update(**fields)
        with transaction.atomic():
            user_ids = self._recorded_user_ids()
            updated = super().update(**fields)
            if "user" in fields or "user_id" in fields:  # moved to another user
                new_user = fields.get("user_id", fields.get("user"))
                user_ids.add(getattr(new_user, "pk", new_user))
            ProgressSummary.refresh_for_users(user_ids)
        return updated

    def _recorded_user_ids(self) -> set[int]:
        """Whose progress these rows count in: a staff preview counts in nobody's."""
        return set(self.filter(preview=False).values_list("user_id", flat=True))

    def for_user(self, user) -> TrainingSessionQuerySet:
        return self.filter(user=user)

    def for_protocol(self, protocol_id: int | None) -> TrainingSessionQuerySet:
        """Narrowed to one protocol's sessions, or all of them for None."""
        return self if protocol_id is None else self.filter(protocol_id=protocol_id)

    def in_progress(self) -> TrainingSessionQuerySet:
        return self.filter(status=TrainingSession.Status.IN_PROGRESS)

    def over(self) -> TrainingSessionQuerySet:
        """Finished or ended early: no longer in progress."""
        return self.exclude(status=TrainingSession.Status.IN_PROGRESS)

    def for_history(self) -> TrainingSessionQuerySet:
        """Without the plan (the heavy column), with `rounds_done` counted per row.

        The count is a subquery, not a JOIN and GROUP BY, so a page of 20
        costs 20 index look-ups however many sessions the user has.
        """
        rounds = (
            CompletedRound.objects.filter(session=OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.defer("plan").annotate(rounds_done=Coalesce(Subquery(rounds), 0))

    def recent_pain(self, count: int) -> list[TrainingSession]:
        """The last `count` sessions that are over, newest first, with their pain only."""
        return list(
            self.over()
            .only("started_at", "pain_before", "pain_after")
            .order_by("-started_at")[:count]
        )

    def export_rows(self, chunk_size: int):
        """A row per completed round (or one per session without any), oldest first, streamed.

        The LEFT JOIN that a reverse relation in values_list makes keeps the
        sessions that ended before their first round.
        """
        return (
            self.order_by("started_at", "pk", "rounds__completed_at", "rounds__pk")
            .values_list(
                "pk",
                "started_at",
                "protocol_name",
                "status",
                "pain_before",
                "pain_after",
                "notes",
                "rounds__circuit_number",
                "rounds__round_number",
                "rounds__completed_at",
                "rounds__exercises",
            )
            .iterator(chunk_size=chunk_size)
        )

    def days_trained(self):
        """One row a local day and protocol: the sessions that count, and their pain change.

        A session counts (towards streaks and weekly totals) once it is over
        and has at least one round. Reads the user's whole history: it feeds
        ProgressSummary when something changes, never a page view.
        """
        counts = Exists(CompletedRound.objects.filter(session=OuterRef("pk"))) & ~Q(
            status=TrainingSession.Status.IN_PROGRESS
        )
        pain_change = F("pain_after") - F("pain_before")
        return (
            self.order_by("local_date", "protocol_id")
            .values("local_date", "protocol_id")
            .annotate(
                protocol_name_seen=Max("protocol_name"),
                counted=Count("pk", filter=counts),
                pain_change_total=Sum(pain_change),
                pain_change_sessions=Count(pain_change),
            )
        )


class RecordedManager(models.Manager.from_queryset(TrainingSessionQuerySet)):
    """Sessions that are part of someone's record: every one but a staff preview."""

    def get_queryset(self) -> TrainingSessionQuerySet:
        return super().get_queryset().filter(preview=False)


AllSessionsManager = models.Manager.from_queryset(TrainingSessionQuerySet)


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        FINISHED = "finished", "Finished"
        ENDED_EARLY = "ended_early", "Ended early"

    # Deleting an account deletes its sessions: the data is theirs.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_sessions"
    )
    # A protocol someone has trained with cannot be deleted from under them.
    protocol = models.ForeignKey(
        Protocol, on_delete=models.PROTECT, related_name="training_sessions"
    )
    protocol_name = models.CharField(max_length=120)
    status = models.CharField(max_length=20, choices=Status, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    # The calendar day it started on, in the user's time zone at the time:
    # streaks and weekly counts read this one small column, never the times.
    local_date = models.DateField(default=timezone.localdate)
    finished_at = models.DateTimeField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PAIN_VALIDATORS
    )
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_VALIDATORS)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    plan = models.JSONField(help_text="The steps as they were when the session started.")
    instructions = models.JSONField(
        default=dict,
        blank=True,
        help_text="Each exercise's cue, how-to and stop rule by slug, as they were at the start.",
    )
    steps_done = models.PositiveSmallIntegerField(default=0)
    # How many rounds the plan has. The plan never changes once started, so
    # this copy never drifts, and history lists need not load the plan.
    total_rounds = models.PositiveSmallIntegerField(default=0)
    resting = models.BooleanField(
        default=False, help_text="Between the step just done and the next one, resting."
    )
    last_step_at = models.DateTimeField(null=True, blank=True)
    skipped = models.JSONField(
        default=list,
        blank=True,
        help_text="Steps skipped because they hurt: step, exercise slug, label, name, time.",
    )
    skipping_exercises = models.JSONField(
        default=list,
        blank=True,
        help_text="Exercise slugs passed over (as skipped) for the rest of this session.",
    )

    # A member of staff walking a protocol's screens before people see it:
    # never shown or counted anywhere (the default manager leaves it out), and
    # deleted when the preview ends. See `start_preview`.
    preview = models.BooleanField(default=False, editable=False)

    # The default manager, so admin, history, progress, exports and checks
    # never see a preview; the session screens use `all_objects`.
    objects = RecordedManager()
    all_objects = AllSessionsManager()

    class Meta:
        ordering = ["-started_at"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="in_progress", preview=False),
                name="training_sessions_one_in_progress_per_user",
            ),
            models.CheckConstraint(
                condition=Q(pain_before__lte=10) & Q(pain_after__lte=10),
                name="training_sessions_pain_0_to_10",
            ),
        ]
        indexes = [
            # Partial (not preview), as every query of the default manager is: a
            # user's sessions are found, counted and paged in order through them,
            # without a sort; a preview, found only by its id, needs none.
            # History: a user's sessions, newest first (and the pain chart's last 30).
            models.Index(
                fields=["user", "-started_at"],
                name="training_session_history",
                condition=Q(preview=False),
            ),
            # Progress: a user's sessions grouped by local day (streaks, weeks).
            models.Index(
                fields=["user", "local_date"],
                name="training_session_days",
                condition=Q(preview=False),
            ),
            # History narrowed to one protocol.
            models.Index(
                fields=["user", "protocol", "-started_at"],
                name="training_session_by_protocol",
                condition=Q(preview=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_name} on {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        """Save, and refresh the user's progress if this changes what it counts."""
        update_fields = kwargs.get("update_fields")
        counts = (
            not self.preview
            and not (self._state.adding and self.is_in_progress)
            and (update_fields is None or not PROGRESS_FIELDS.isdisjoint(update_fields))
        )
        with transaction.atomic():
            super().save(*args, **kwargs)
            if counts:
                ProgressSummary.refresh_for(self.user_id)

    def get_absolute_url(self) -> str:
        return reverse("training_sessions:session", args=[self.pk])

    def delete(self, *args, **kwargs):
        """Delete it and its rounds, and take it out of the user's progress."""
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            if not self.preview:
                ProgressSummary.refresh_for(self.user_id)
        return result

    @classmethod
    def start(cls, user, protocol: Protocol, pain_before: int | None) -> TrainingSession:
        """Start a session on a `with_exercises()` protocol, or return the one in progress.

        A protocol without an active exercise raises `Protocol.NothingToDo`.
        """
        copy = cls._copy_of(protocol)
        now = timezone.now()
        try:
            with transaction.atomic():
                return cls.objects.create(
                    user=user,
                    pain_before=pain_before,
                    started_at=now,
                    # The active zone is the user's (ops.middleware.UserTimeZoneMiddleware).
                    local_date=timezone.localdate(now),
                    **copy,
                )
        except IntegrityError:
            # A second tab or a double tap started one a moment ago: use it.
            return cls.objects.for_user(user).in_progress().get()

    @classmethod
    def start_preview(cls, user, protocol: Protocol, pain_before: int | None) -> TrainingSession:
        """A staff preview of a `with_exercises()` protocol: the same screens, no record.

        Any earlier preview of the same person's goes first: one at a time.
        Raises `Protocol.NothingToDo` like `start`.
        """
        copy = cls._copy_of(protocol)
        with transaction.atomic():
            cls.all_objects.filter(user=user, preview=True).delete()
            return cls.all_objects.create(user=user, pain_before=pain_before, preview=True, **copy)

    @staticmethod
    def _copy_of(protocol: Protocol) -> dict:
        """The protocol as a new session keeps it: its plan and instructions as they are now."""
        steps = protocol.steps()
        if not steps:
            raise Protocol.NothingToDo(f"{protocol} has no active exercise.")
        plan = plan_from_steps(steps)
        return {
            "protocol": protocol,
            "protocol_name": protocol.name,
            "plan": plan,
            "instructions": instructions_from_steps(steps),
            "total_rounds": rounds_in_plan(plan),
        }

    def get_history_url(self) -> str:
        return reverse("history:detail", args=[self.pk])

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def total_steps(self) -> int:
        return len(self.plan)

    @property
    def current_step(self) -> PlannedStep | None:
        """The step to do now (None once every step is done)."""
        if self.steps_done >= self.total_steps:
            return None
        return PlannedStep.from_plan(self.plan, self.steps_done + 1)

    def instructions_for(self, step: PlannedStep) -> ExerciseNotes | None:
        """The cue, how-to and stop rule of `step`'s exercise, as they were at the start."""
        notes = self.instructions.get(step.exercise_slug)
        return ExerciseNotes.from_json(notes) if notes else None

    @property
    def last_step(self) -> PlannedStep | None:
        """The step most recently done: during a rest, the one being rested after."""
        if self.steps_done == 0:
            return None
        return PlannedStep.from_plan(self.plan, self.steps_done)

    def up_next(self, step: PlannedStep) -> str:
        """What follows `step`, in words: "Rest 30 s, then circuit 2", "1b Hip CARs"…"""
        if step.is_last:
            return "That's the last one. Then you're done."
        following = PlannedStep.from_plan(self.plan, step.number + 1)
        upcoming = f"{following.label} {following.name}"
        if step.ends_circuit:
            upcoming = f"circuit {following.circuit_number}, {upcoming}"
        elif step.ends_round:
            upcoming = f"round {following.round_number} of {following.rounds}, {upcoming}"
        if step.rest:
            return f"Rest {step.rest} s, then {upcoming}"
        return upcoming[0].upper() + upcoming[1:]

    @property
    def rest_seconds_left(self) -> int:
        step = self.last_step
        if not self.resting or step is None or self.last_step_at is None:
            return 0
        elapsed = (timezone.now() - self.last_step_at).total_seconds()
        return max(0, round(step.rest - elapsed))

    @property
    def duration(self) -> timedelta | None:
        return (self.finished_at - self.started_at) if self.finished_at else None

    @property
    def go_gently(self) -> bool:
        """Started in high pain (and through the safety questions): say so before step 1."""
        return (
            self.steps_done == 0 and self.pain_before is not None and self.pain_before >= HIGH_PAIN
        )

    @property
    def needs_referral(self) -> bool:
        """Pain after is high, or worse than before: point to a practitioner."""
        if self.pain_after is None:
            return False
        if self.pain_after >= HIGH_PAIN:
            return True
        return self.pain_before is not None and self.pain_after > self.pain_before

    @property
    def just_skipped(self) -> dict | None:
        """The skip of the step just left behind, if it was skipped (no query)."""
        if self.skipped and self.skipped[-1]["step"] == self.steps_done:
            return self.skipped[-1]
        return None

    def complete_step(
        self, number: int, *, skipped: bool = False, passed_over: bool = False
    ) -> bool:
        """Mark step `number` done (or skipped) if it is the current step; False if it is not.

        The position moves with one conditional UPDATE, so of two requests
        for the same step exactly one wins, on SQLite and PostgreSQL alike;
        a skip is appended only by the request that won, while the UPDATE's
        row lock is held, so it is recorded exactly once. The last step then
        finishes the session, once its round is recorded.
        """
        if not 1 <= number <= self.total_steps:
            return False
        step = PlannedStep.from_plan(self.plan, number)
        now = timezone.now()
        fields: dict = {
            "steps_done": number,
            "resting": step.rest > 0 and not step.is_last,
            "last_step_at": now,
        }
        with transaction.atomic():
            moved = (
                TrainingSession.all_objects.filter(
                    pk=self.pk,
                    status=self.Status.IN_PROGRESS,
                    steps_done=number - 1,
                    resting=False,
                ).update(**fields)
                == 1
            )
            if moved and (skipped or step.ends_round):
                # Read after the win: the row is ours until commit, so this is current.
                skipped_steps = self._skipped_now()
                if skipped:
                    skipped_steps.append(self._skip_entry(step, now, passed_over))
                    TrainingSession.all_objects.filter(pk=self.pk).update(skipped=skipped_steps)
                    fields["skipped"] = skipped_steps
                if step.ends_round:
                    self.record_round(step, now, {entry["step"] for entry in skipped_steps})
            if moved and step.is_last:
                finished = {"status": self.Status.FINISHED, "finished_at": now}
                TrainingSession.all_objects.filter(pk=self.pk).update(**finished)  # progress too
                fields |= finished
        if moved:
            for name, value in fields.items():
                setattr(self, name, value)
        return moved

    def pass_over_skipped(self) -> None:
        """Skip, one by one, the steps now due whose exercise is skipped for this session.

        Each goes through `complete_step`, so a pass-over is recorded exactly
        once however many tabs show the screen. It stops at a rest.
        """
        for _ in range(self.total_steps):
            step = self.current_step
            if not (
                self.is_in_progress
                and not self.resting
                and step is not None
                and step.exercise_slug in self.skipping_exercises
            ):
                return
            if not self.complete_step(step.number, skipped=True, passed_over=True):
                self.refresh_from_db()  # another tab moved first: look again

    def skip_for_rest_of_session(self, exercise_slug: str) -> bool:
        """Pass over `exercise_slug`'s later steps in this session; False if nothing changed."""
        if exercise_slug not in {entry["exercise"] for entry in self.plan}:
            return False
        with transaction.atomic():
            # Locked for the read-modify-write (SQLite's immediate transactions serialise it).
            current = (
                TrainingSession.all_objects.select_for_update()
                .filter(pk=self.pk, status=self.Status.IN_PROGRESS)
                .values_list("skipping_exercises", flat=True)
                .first()
            )
            if current is None or exercise_slug in current:
                return False
            self.skipping_exercises = [*current, exercise_slug]
            TrainingSession.all_objects.filter(pk=self.pk).update(
                skipping_exercises=self.skipping_exercises
            )
        return True

    def end_rest(self, after_step: int) -> bool:
        """Finish the rest that follows step `after_step`; False if that is not now."""
        moved = (
            TrainingSession.all_objects.filter(
                pk=self.pk, status=self.Status.IN_PROGRESS, steps_done=after_step, resting=True
            ).update(resting=False)
            == 1
        )
        if moved:
            self.resting = False
        return moved

    def end_early(self) -> bool:
        """End the session now; the rounds done so far stay recorded (progress counts them)."""
        now = timezone.now()
        moved = (
            TrainingSession.all_objects.filter(pk=self.pk, status=self.Status.IN_PROGRESS).update(
                status=self.Status.ENDED_EARLY, finished_at=now, resting=False
            )
            == 1
        )
        if moved:
            self.status, self.finished_at, self.resting = self.Status.ENDED_EARLY, now, False
        return moved

    def reflect(self, pain_after: int | None, notes: str) -> None:
        """Record how the back felt afterwards (the average pain change moves with it)."""
        self.pain_after, self.notes = pain_after, notes
        self.save(update_fields=["pain_after", "notes"])

    def _skipped_now(self) -> list[dict]:
        return list(
            TrainingSession.all_objects.filter(pk=self.pk).values_list("skipped", flat=True).get()
        )

    @staticmethod
    def _skip_entry(step: PlannedStep, when, passed_over: bool) -> dict:
        entry = {
            "step": step.number,
            "exercise": step.exercise_slug,
            "label": step.label,
            "name": step.name,
            "circuit": step.circuit_number,
            "round": step.round_number,
            "at": when.isoformat(),
        }
        if passed_over:
            entry["passed_over"] = True
        return entry

    def round_ended_by(
        self, step: PlannedStep, when, skipped_steps: Collection[int] = ()
    ) -> CompletedRound:
        """The round `step` ends, as it is recorded (unsaved): its exercises as the plan has
        them, those in `skipped_steps` marked skipped."""
        first = step.number - sum(
            1
            for entry in self.plan[: step.number - 1]
            if entry["circuit_number"] == step.circuit_number
            and entry["round"] == step.round_number
        )
        exercises = []
        for number, entry in enumerate(self.plan[first - 1 : step.number], start=first):
            done = {k: entry[k] for k in ("label", "name", "prescription")}
            if number in skipped_steps:
                done["skipped"] = True
            exercises.append(done)
        return CompletedRound(
            session=self,
            circuit_number=step.circuit_number,
            round_number=step.round_number,
            exercises=exercises,
            completed_at=when,
        )

    def record_round(self, step: PlannedStep, when, skipped_steps: Collection[int] = ()) -> None:
        """Record the round `step` ends, once: a second call for it changes nothing."""
        try:
            with transaction.atomic():
                self.round_ended_by(step, when, skipped_steps).save()
        except IntegrityError:
            # Already recorded: the unique constraint is the final word.
            pass


class CompletedRoundQuerySet(models.QuerySet):
    """Rounds written or deleted in bulk for sessions that are over move their progress on.

    (A session counts towards streaks once it is over with at least one round.)
    """

    def delete(self):
        user_ids = set(
            self.exclude(session__status=TrainingSession.Status.IN_PROGRESS)
            .exclude(session__preview=True)
            .values_list("session__user_id", flat=True)
        )
        with transaction.atomic():
            result = super().delete()
            ProgressSummary.refresh_for_users(user_ids)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            session_ids = {completed.session_id for completed in created}
            ProgressSummary.refresh_for_users(
                set(
                    TrainingSession.objects.filter(pk__in=session_ids)
                    .over()
                    .values_list("user_id", flat=True)
                )
            )
        return created


class CompletedRound(models.Model):
    # A round is part of its session's record: it goes with the session.
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="rounds")
    # The circuit as the session's plan numbers it. Not a foreign key: admin
    # may delete or renumber circuits, and history must not change with them.
    circuit_number = models.PositiveSmallIntegerField()
    round_number = models.PositiveSmallIntegerField()
    exercises = models.JSONField(help_text="What was done in this round, as it was then.")
    completed_at = models.DateTimeField(default=timezone.now)

    objects = CompletedRoundQuerySet.as_manager()

    class Meta:
        ordering = ["completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "circuit_number", "round_number"],
                name="training_sessions_round_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Circuit {self.circuit_number}, round {self.round_number}"

    def save(self, *args, **kwargs):
        """Save; a round added to a session that is over moves its progress on."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            if not self.session.is_in_progress:
                ProgressSummary.refresh_for(self.session.user_id)

    def delete(self, *args, **kwargs):
        """Delete; a round taken from a session that is over moves its progress back."""
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            if not self.session.is_in_progress:
                ProgressSummary.refresh_for(self.session.user_id)
        return result

    @property
    def skipped_exercises(self) -> list[dict]:
        return [exercise for exercise in self.exercises if exercise.get("skipped")]

    @property
    def all_skipped(self) -> bool:
        """Every exercise skipped: recorded as a round, and history says so."""
        return len(self.skipped_exercises) == len(self.exercises)
