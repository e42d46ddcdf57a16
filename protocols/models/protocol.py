"""What to do: a protocol is circuits of exercises, each circuit done for rounds.

Coaches edit all of this in Django admin. A training session (the `sessions`
app) keeps its own copy of everything it shows and records, so editing,
retiring (``is_active``) or deleting an exercise or a circuit changes new
sessions only; a protocol anyone has trained with cannot be deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse

from protocols.pacing import (
    DEFAULT_GET_READY_SECONDS,
    Measure,
    PerSide,
    Prompt,
    pacing_of,
    total_seconds,
)

# What a coach may build: the shapes the screens, the estimate and
# the tests are checked for.
MAX_CIRCUITS = 10
MAX_EXERCISES_PER_CIRCUIT = 10
MAX_ROUNDS = 10
MAX_REPS = 100
MAX_HOLD_SECONDS = 600
NOTHING_TO_PUBLISH = (
    "A protocol with no active exercise cannot be published: keep it a draft, add a circuit "
    "and at least one active exercise, then publish it."
)


class ProtocolQuerySet(models.QuerySet):
    def published(self) -> ProtocolQuerySet:
        """The ones people can find and start."""
        return self.filter(status=Protocol.Status.PUBLISHED)

    def readable_by(self, user) -> ProtocolQuerySet:
        """What `user` may read: published and retired ones (history links to those); staff
        read drafts too, to preview them."""
        if user.is_staff:
            return self.all()
        return self.exclude(status=Protocol.Status.DRAFT)

    def default_first(self) -> ProtocolQuerySet:
        """The featured one first, then the others by name."""
        return self.order_by("-is_featured", "name", "pk")

    def featured(self) -> Protocol | None:
        """The featured default: the featured protocol if it is published, else the first
        published one; with `published_total` annotated (a window count, no extra query)."""
        return (
            self.published()
            .annotate(published_total=models.Window(models.Count("pk")))
            .order_by("-is_featured", "pk")
            .first()
        )

    def with_exercises(self) -> ProtocolQuerySet:
        """Prefetch circuits and their active exercises, in order (two queries)."""
        return self.prefetch_related(
            models.Prefetch("circuits", queryset=Circuit.objects.order_by("number")),
            models.Prefetch(
                "circuits__exercises",
                queryset=Exercise.objects.filter(is_active=True).order_by("position"),
                to_attr="active_exercises",
            ),
        )

    def refresh_has_coach_media(self) -> int:
        """Set `has_coach_media` from what is stored now (one UPDATE).

        Called by the photo and video models when they change, and by a circuit or an
        exercise that moves to another protocol: see `Protocol.has_coach_media`.
        """
        return self.update(has_coach_media=_has_coach_media())

    def with_computed_coach_media(self) -> ProtocolQuerySet:
        """Annotate `computed_has_coach_media`, what `has_coach_media` should be."""
        return self.annotate(computed_has_coach_media=_has_coach_media())


def _has_coach_media() -> models.Exists:
    return models.Exists(
        Exercise.objects.filter(circuit__protocol=models.OuterRef("pk")).filter(
            models.Q(photos__isnull=False) | models.Q(demo_video__isnull=False)
        )
    )


class ProtocolManager(models.Manager.from_queryset(ProtocolQuerySet)):
    def get_by_natural_key(self, slug: str) -> Protocol:
        return self.get(slug=slug)


class Protocol(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="Shown on the landing and protocol pages.")
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Draft: only staff see it, and can preview it. Published: listed, and people "
        "can start it. Retired: no longer started; history still shows it.",
    )
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="The one the landing page and Start a session offer. Ticking it here "
        "unticks it on any other protocol.",
    )
    # Derived: whether any of its exercises has a coach's photo or video. The
    # step screen reads it with the session (no query) and looks for media
    # only when it is set, so a protocol without uploads costs nothing more.
    has_coach_media = models.BooleanField(default=False, editable=False)

    objects = ProtocolManager()

    class NothingToDo(Exception):
        """The protocol has no active exercise, so there is no session to start."""

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Save; a protocol featured here is the only featured one."""
        with transaction.atomic():
            if self.is_featured:
                Protocol.objects.filter(is_featured=True).exclude(pk=self.pk).update(
                    is_featured=False
                )
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("protocols:protocol", args=[self.slug])

    def clean(self) -> None:
        if self.status == self.Status.PUBLISHED and not self.has_active_exercise():
            raise ValidationError({"status": NOTHING_TO_PUBLISH})

    def has_active_exercise(self) -> bool:
        if self.pk is None:
            return False
        return Exercise.objects.filter(circuit__protocol=self, is_active=True).exists()

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED

    def get_start_url(self) -> str:
        return reverse("training_sessions:start_protocol", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def steps(self) -> list[Step]:
        """The whole session, step by step. Use on a `with_exercises()` protocol."""
        return build_steps(self.circuits.all())

    def overview(self) -> Overview:
        """What the landing, protocol and start pages say about it. Use on `with_exercises()`."""
        steps = self.steps()
        circuits = [c for c in self.circuits.all() if _active_exercises(c)]
        return Overview(
            circuits=circuits,
            exercise_count=sum(len(_active_exercises(c)) for c in circuits),
            step_count=len(steps),
            round_count=sum(c.rounds for c in circuits),
            # Round to five minutes: it is an estimate, and reads as one.
            estimated_minutes=max(5, round(estimate_seconds(steps) / 300) * 5),
            rest_between_rounds=_seconds_in_words(c.rest_between_rounds_seconds for c in circuits),
            rest_between_circuits=_seconds_in_words(c.rest_after_seconds for c in circuits[:-1]),
        )


class CircuitManager(models.Manager):
    def get_by_natural_key(self, protocol_slug: str, number: int) -> Circuit:
        return self.get(protocol__slug=protocol_slug, number=number)


class Circuit(models.Model):
    # Deleting a protocol takes its circuits with it; sessions PROTECT their
    # protocol, so only a protocol nobody has trained with can be deleted.
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="circuits")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CIRCUITS)],
        help_text=f"Circuits are done in this order: 1, 2, 3… ({MAX_CIRCUITS} at most).",
    )
    focus = models.CharField(max_length=200, blank=True, help_text="What this circuit works on.")
    rounds = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(MAX_ROUNDS)]
    )
    rest_between_rounds_seconds = models.PositiveSmallIntegerField(
        "rest between rounds (seconds)", default=30, validators=[MaxValueValidator(600)]
    )
    rest_after_seconds = models.PositiveSmallIntegerField(
        "rest before the next circuit (seconds)", default=60, validators=[MaxValueValidator(600)]
    )

    objects = CircuitManager()

    class Meta:
        ordering = ["protocol", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "number"], name="protocols_circuit_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Circuit {self.number}"

    def save(self, *args, **kwargs) -> None:
        """Save; moved to another protocol, both protocols' `has_coach_media` follow."""
        with transaction.atomic():
            was_in = None  # where it was stored, if it was
            if self.pk is not None:
                was_in = (
                    Circuit.objects.filter(pk=self.pk).values_list("protocol", flat=True).first()
                )
            super().save(*args, **kwargs)
            if was_in is not None and was_in != self.protocol_id:
                Protocol.objects.filter(pk__in=[was_in, self.protocol_id]).refresh_has_coach_media()

    def natural_key(self) -> tuple:
        return (*self.protocol.natural_key(), self.number)

    natural_key.dependencies = ["protocols.protocol"]


class ExerciseManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> Exercise:
        return self.get(slug=slug)


class Exercise(models.Model):
    # Deleting a circuit takes its exercises. Sessions keep their own copy of
    # what they show, so neither affects a session in progress or history.
    circuit = models.ForeignKey(Circuit, on_delete=models.CASCADE, related_name="exercises")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXERCISES_PER_CIRCUIT)],
        help_text=f"Order within the circuit: 1, 2, 3… ({MAX_EXERCISES_PER_CIRCUIT} at most).",
    )
    label = models.CharField(max_length=4, help_text="As the protocol numbers it, e.g. 1a.")
    name = models.CharField(max_length=120)
    subtitle = models.CharField(
        max_length=120,
        blank=True,
        help_text="A plain line shown and spoken with the name, e.g. what the exercise is not.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    measure = models.CharField(
        max_length=10,
        choices=Measure,
        default=Measure.REPS,
        help_text="Reps, or a timed hold of so many seconds.",
    )
    reps = models.PositiveSmallIntegerField(
        "reps or seconds",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOLD_SECONDS)],
        help_text=f"Per round: the reps (at most {MAX_REPS}), or for a timed hold its seconds "
        f"(at most {MAX_HOLD_SECONDS}).",
    )
    per_side = models.CharField(max_length=20, choices=PerSide, default=PerSide.EACH_SIDE)
    cue = models.CharField(max_length=300, help_text="The one thing to keep in mind.")
    how_to = models.TextField(help_text="One short step per line.")
    easier = models.TextField(
        blank=True, help_text="An easier version, shown with the how-to. Optional."
    )
    common_mistake = models.TextField()
    when_to_stop = models.TextField()
    seconds_per_rep = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The tempo of one full rep, there and back: Guide me counts at it, "
        "and the session's length is estimated from it.",
    )
    get_ready_seconds = models.PositiveSmallIntegerField(
        "get ready (seconds)",
        default=DEFAULT_GET_READY_SECONDS,
        validators=[MaxValueValidator(30)],
        help_text="Time to get into position before Guide me counts the first rep.",
    )
    rest_after_seconds = models.PositiveSmallIntegerField(
        "rest after (seconds)",
        default=0,
        validators=[MaxValueValidator(600)],
        help_text="Rest before the next exercise of the same round; 0 moves straight on.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Untick to retire an exercise: it leaves new sessions, history keeps it.",
    )
    coach_media_replaces_illustration = models.BooleanField(
        "coach's media replace the built-in illustration",
        default=False,
        help_text="Tick to show only your photos and video, without the built-in drawing.",
    )

    objects = ExerciseManager()

    class Meta:
        ordering = ["circuit", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["circuit", "position"], name="protocols_exercise_unique_position"
            ),
            models.UniqueConstraint(
                fields=["circuit", "label"], name="protocols_exercise_unique_label"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.name}"

    def save(self, *args, **kwargs) -> None:
        """Save; moved to another circuit, both protocols' `has_coach_media` follow."""
        with transaction.atomic():
            was_in = None  # where it was stored, if it was
            if self.pk is not None:
                was_in = (
                    Exercise.objects.filter(pk=self.pk).values_list("circuit", flat=True).first()
                )
            super().save(*args, **kwargs)
            if was_in is not None and was_in != self.circuit_id:
                Protocol.objects.filter(
                    circuits__in=[was_in, self.circuit_id]
                ).refresh_has_coach_media()

    def get_absolute_url(self) -> str:
        return reverse("protocols:exercise", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        if self.measure == Measure.REPS and self.reps is not None and self.reps > MAX_REPS:
            raise ValidationError({"reps": f"At most {MAX_REPS} reps a round."})
        if self.measure == Measure.SECONDS and self.per_side == PerSide.EACH_WAY_EACH_LEG:
            raise ValidationError(
                {"per_side": "A timed hold has no direction: choose each side, each leg or once."}
            )

    @property
    def prescription(self) -> str:
        """One round in plain words: "5 reps each side", "30 seconds each side", "10 reps"."""
        return prescription(self.reps, self.measure, self.per_side)

    @property
    def how_to_steps(self) -> list[str]:
        return [line.strip() for line in self.how_to.splitlines() if line.strip()]

    def pacing(self) -> list[Prompt]:
        """The prompts of one guided set of this exercise (see `protocols.pacing`)."""
        return pacing_of(self)


def prescription(amount: int, measure: str, per_side: str) -> str:
    """ "5 reps each side", "1 rep each leg", "30 seconds each side", "45 seconds"."""
    unit = "second" if measure == Measure.SECONDS else "rep"
    words = f"{amount} {unit}{'' if amount == 1 else 's'}"
    try:
        sides = PerSide(per_side)
    except ValueError:
        return words
    return words if sides is PerSide.ONCE else f"{words} {sides.label}"


@dataclass(frozen=True)
class ExerciseNotes:
    """What the step screen shows of an exercise beyond its name and reps."""

    cue: str
    how_to_steps: list[str]
    common_mistake: str
    when_to_stop: str
    easier: str = ""

    @classmethod
    def of(cls, exercise: Exercise) -> ExerciseNotes:
        return cls(
            cue=exercise.cue,
            how_to_steps=exercise.how_to_steps,
            common_mistake=exercise.common_mistake,
            when_to_stop=exercise.when_to_stop,
            easier=exercise.easier,
        )

    @classmethod
    def from_json(cls, data: dict) -> ExerciseNotes:
        """Read back a session's copy; copies from before a field existed lack it."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Step:
    """One screen of a guided session: an exercise in a given round of a circuit."""

    number: int
    circuit: Circuit
    round_number: int
    exercise: Exercise
    ends_round: bool
    rest_after_seconds: int


def build_steps(circuits: Iterable[Circuit]) -> list[Step]:
    """Lay out a session: each circuit's exercises in order, for each of its rounds.

    Rests fall after an exercise with its own rest, between the rounds of a
    circuit, and between circuits; never after the last step. Circuits without
    active exercises are left out. Expects circuits from `with_exercises()`.
    """
    circuits = [c for c in circuits if _active_exercises(c)]
    steps: list[Step] = []
    for circuit_index, circuit in enumerate(circuits):
        exercises = _active_exercises(circuit)
        last_circuit = circuit_index == len(circuits) - 1
        for round_number in range(1, circuit.rounds + 1):
            last_round = round_number == circuit.rounds
            for exercise_index, exercise in enumerate(exercises):
                ends_round = exercise_index == len(exercises) - 1
                if not ends_round:
                    rest = exercise.rest_after_seconds
                elif not last_round:
                    rest = circuit.rest_between_rounds_seconds
                elif not last_circuit:
                    rest = circuit.rest_after_seconds
                else:
                    rest = 0
                steps.append(
                    Step(len(steps) + 1, circuit, round_number, exercise, ends_round, rest)
                )
    return steps


def estimate_seconds(steps: Iterable[Step]) -> int:
    """How long a session takes: each set as Guide me paces it, and the rests.

    A guided set includes its get-ready and change-of-side time, which is
    the time to get into position, so nothing more is added per step.
    """
    return sum(total_seconds(step.exercise.pacing()) + step.rest_after_seconds for step in steps)


@dataclass(frozen=True)
class Overview:
    """A protocol at a glance: see `Protocol.overview`."""

    circuits: list[Circuit]
    exercise_count: int
    step_count: int
    round_count: int
    estimated_minutes: int
    rest_between_rounds: str  # "30 seconds", "30 to 45 seconds", or "" for none
    rest_between_circuits: str


def _seconds_in_words(values: Iterable[int]) -> str:
    seen = sorted(set(values))
    if not seen or seen == [0]:
        return ""
    if len(seen) == 1:
        return f"{seen[0]} seconds"
    return f"{seen[0]} to {seen[-1]} seconds"


def _active_exercises(circuit: Circuit) -> list[Exercise]:
    if hasattr(circuit, "active_exercises"):
        return circuit.active_exercises
    return list(circuit.exercises.filter(is_active=True).order_by("position"))
