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

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from protocols.pacing import DEFAULT_GET_READY_SECONDS, PerSide, Prompt, pacing_plan, total_seconds


class ProtocolQuerySet(models.QuerySet):
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

        Called by the photo and video models when they change: see `Protocol.has_coach_media`.
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
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="Shown on the landing and protocol pages.")
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

    def get_absolute_url(self) -> str:
        return reverse("protocols:protocol", args=[self.slug])

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
        validators=[MinValueValidator(1)], help_text="Circuits are done in this order: 1, 2, 3…"
    )
    focus = models.CharField(max_length=200, blank=True, help_text="What this circuit works on.")
    rounds = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
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
    position = models.PositiveSmallIntegerField(help_text="Order within the circuit: 1, 2, 3…")
    label = models.CharField(max_length=4, help_text="As the protocol numbers it, e.g. 1a.")
    name = models.CharField(max_length=120)
    subtitle = models.CharField(
        max_length=120,
        blank=True,
        help_text="A plain line shown and spoken with the name, e.g. what the exercise is not.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    reps = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="Reps per round."
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

    def get_absolute_url(self) -> str:
        return reverse("protocols:exercise", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def prescription(self) -> str:
        """The reps of one round in plain words: "5 reps each side"."""
        return f"{self.reps} reps {self.get_per_side_display()}"

    @property
    def how_to_steps(self) -> list[str]:
        return [line.strip() for line in self.how_to.splitlines() if line.strip()]

    def pacing(self) -> list[Prompt]:
        """The prompts of one guided set of this exercise (see `protocols.pacing`)."""
        return pacing_plan(
            reps=self.reps,
            per_side=self.per_side,
            seconds_per_rep=self.seconds_per_rep,
            get_ready_seconds=self.get_ready_seconds,
            name=", ".join(filter(None, [self.name, self.subtitle])),
        )


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
