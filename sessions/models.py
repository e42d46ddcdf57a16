"""What a user did: their training sessions and the rounds they completed.

A session keeps its own copy of the plan it was started with (`plan`: one
entry per step, with the names and reps as they were), so a coach's edits in
admin never move a session in progress or rewrite history. A session moves
forward only through `complete_step` and `end_rest`, which advance
`steps_done` with a compare-and-set update: a repeated, stale or concurrent
request for the same step finds the position already moved and changes
nothing. A round is recorded when its last step is done, and the database
holds at most one row per (session, circuit, round).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from protocols.models import Circuit, PerSide, Protocol, Step

PAIN_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]
# At or above this, pain is "high": the product offers the red-flag screen
# again and shows the referral link.
HIGH_PAIN = 7
NOTES_MAX_LENGTH = 2000


def plan_from_steps(steps: list[Step]) -> list[dict]:
    """The JSON copy of a session's steps that the session keeps."""
    return [
        {
            "circuit": step.circuit.pk,
            "circuit_number": step.circuit.number,
            "rounds": step.circuit.rounds,
            "round": step.round_number,
            "exercise": step.exercise.pk,
            "label": step.exercise.label,
            "name": step.exercise.name,
            "prescription": step.exercise.prescription,
            "per_side": step.exercise.per_side,
            "ends_round": step.ends_round,
            "rest": step.rest_after_seconds,
        }
        for step in steps
    ]


@dataclass(frozen=True)
class PlannedStep:
    """One step of a session's plan, read back from its JSON copy."""

    number: int
    total: int
    circuit_id: int
    circuit_number: int
    rounds: int
    round_number: int
    exercise_id: int
    label: str
    name: str
    prescription: str
    per_side: str
    ends_round: bool
    rest: int

    @classmethod
    def from_plan(cls, plan: list[dict], number: int) -> PlannedStep:
        entry = plan[number - 1]
        return cls(
            number=number,
            total=len(plan),
            circuit_id=entry["circuit"],
            circuit_number=entry["circuit_number"],
            rounds=entry["rounds"],
            round_number=entry["round"],
            exercise_id=entry["exercise"],
            label=entry["label"],
            name=entry["name"],
            prescription=entry["prescription"],
            per_side=entry["per_side"],
            ends_round=entry["ends_round"],
            rest=entry["rest"],
        )

    @property
    def is_last(self) -> bool:
        return self.number == self.total

    @property
    def ends_circuit(self) -> bool:
        return self.ends_round and self.round_number == self.rounds

    @property
    def sides_in_words(self) -> str:
        """How to split the reps, in plain words, without inventing a side to start on."""
        return {
            PerSide.EACH_SIDE: "one side, then the other",
            PerSide.EACH_LEG: "one leg, then the other",
            PerSide.EACH_WAY_EACH_LEG: "one way, then the other, then change legs",
        }.get(self.per_side, "")


class TrainingSessionQuerySet(models.QuerySet):
    def for_user(self, user) -> TrainingSessionQuerySet:
        return self.filter(user=user)

    def in_progress(self) -> TrainingSessionQuerySet:
        return self.filter(status=TrainingSession.Status.IN_PROGRESS)


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
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="+")
    protocol_name = models.CharField(max_length=120)
    status = models.CharField(max_length=20, choices=Status, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PAIN_VALIDATORS
    )
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_VALIDATORS)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    plan = models.JSONField(help_text="The steps as they were when the session started.")
    steps_done = models.PositiveSmallIntegerField(default=0)
    resting = models.BooleanField(
        default=False, help_text="Between the step just done and the next one, resting."
    )
    last_step_at = models.DateTimeField(null=True, blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="in_progress"),
                name="training_sessions_one_in_progress_per_user",
            ),
            models.CheckConstraint(
                condition=Q(pain_before__lte=10) & Q(pain_after__lte=10),
                name="training_sessions_pain_0_to_10",
            ),
        ]
        indexes = [
            # History: a user's sessions, newest first.
            models.Index(fields=["user", "-started_at"], name="training_session_history"),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_name} on {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("training_sessions:session", args=[self.pk])

    @classmethod
    def start(cls, user, protocol: Protocol, pain_before: int | None) -> TrainingSession:
        """Start a session on a `with_exercises()` protocol, or return the one in progress."""
        try:
            with transaction.atomic():
                return cls.objects.create(
                    user=user,
                    protocol=protocol,
                    protocol_name=protocol.name,
                    pain_before=pain_before,
                    plan=plan_from_steps(protocol.steps()),
                )
        except IntegrityError:
            # A second tab or a double tap started one a moment ago: use it.
            return cls.objects.for_user(user).in_progress().get()

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def total_steps(self) -> int:
        return len(self.plan)

    @property
    def total_rounds(self) -> int:
        return sum(1 for entry in self.plan if entry["ends_round"])

    @property
    def current_step(self) -> PlannedStep | None:
        """The step to do now (None once every step is done)."""
        if self.steps_done >= self.total_steps:
            return None
        return PlannedStep.from_plan(self.plan, self.steps_done + 1)

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
    def needs_referral(self) -> bool:
        """Pain after is high, or worse than before: point to a practitioner."""
        if self.pain_after is None:
            return False
        if self.pain_after >= HIGH_PAIN:
            return True
        return self.pain_before is not None and self.pain_after > self.pain_before

    def complete_step(self, number: int) -> bool:
        """Mark step `number` done if it is the current step; False if it is not.

        The position moves with one conditional UPDATE, so of two requests
        for the same step exactly one wins, on SQLite and PostgreSQL alike.
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
        if step.is_last:
            fields |= {"status": self.Status.FINISHED, "finished_at": now}
        with transaction.atomic():
            moved = (
                TrainingSession.objects.filter(
                    pk=self.pk,
                    status=self.Status.IN_PROGRESS,
                    steps_done=number - 1,
                    resting=False,
                ).update(**fields)
                == 1
            )
            if moved and step.ends_round:
                self._record_round(step, now)
        if moved:
            for name, value in fields.items():
                setattr(self, name, value)
        return moved

    def end_rest(self, after_step: int) -> bool:
        """Finish the rest that follows step `after_step`; False if that is not now."""
        moved = (
            TrainingSession.objects.filter(
                pk=self.pk, status=self.Status.IN_PROGRESS, steps_done=after_step, resting=True
            ).update(resting=False)
            == 1
        )
        if moved:
            self.resting = False
        return moved

    def end_early(self) -> bool:
        now = timezone.now()
        moved = (
            TrainingSession.objects.filter(pk=self.pk, status=self.Status.IN_PROGRESS).update(
                status=self.Status.ENDED_EARLY, finished_at=now, resting=False
            )
            == 1
        )
        if moved:
            self.status, self.finished_at, self.resting = self.Status.ENDED_EARLY, now, False
        return moved

    def _record_round(self, step: PlannedStep, when) -> None:
        first = step.number - sum(
            1
            for entry in self.plan[: step.number - 1]
            if entry["circuit"] == step.circuit_id and entry["round"] == step.round_number
        )
        exercises = [
            {"label": entry["label"], "name": entry["name"], "prescription": entry["prescription"]}
            for entry in self.plan[first - 1 : step.number]
        ]
        try:
            with transaction.atomic():
                CompletedRound.objects.create(
                    session=self,
                    circuit_id=step.circuit_id,
                    circuit_number=step.circuit_number,
                    round_number=step.round_number,
                    exercises=exercises,
                    completed_at=when,
                )
        except IntegrityError:
            # Already recorded: the unique constraint is the final word.
            pass


class CompletedRound(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="rounds")
    # History keeps its circuit: a circuit with recorded rounds cannot be deleted.
    circuit = models.ForeignKey(Circuit, on_delete=models.PROTECT, related_name="+")
    circuit_number = models.PositiveSmallIntegerField()
    round_number = models.PositiveSmallIntegerField()
    exercises = models.JSONField(help_text="What was done in this round, as it was then.")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "circuit", "round_number"],
                name="training_sessions_round_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Circuit {self.circuit_number}, round {self.round_number}"
