"""A session's plan: the copy of its protocol's steps it keeps, and each step read back.

`plan_from_steps` and `instructions_from_steps` make the JSON a new session
stores (see `session`); `PlannedStep` reads one entry back, with the
defaults that plans saved before a field existed need.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocols.models import ExerciseNotes, PerSide, Step
from protocols.pacing import (
    DEFAULT_GET_READY_SECONDS,
    DEFAULT_SECONDS_PER_REP,
    Measure,
    Prompt,
    pacing_of,
)


def rounds_in_plan(plan: list[dict]) -> int:
    return sum(1 for entry in plan if entry["ends_round"])


def round_ends(plan: list[dict]) -> list[PlannedStep]:
    """The step that ends each round, in order: the Done that records the round."""
    return [
        PlannedStep.from_plan(plan, number)
        for number, entry in enumerate(plan, start=1)
        if entry["ends_round"]
    ]


def plan_from_steps(steps: list[Step]) -> list[dict]:
    """The JSON copy of a session's steps that the session keeps."""
    return [
        {
            "circuit_number": step.circuit.number,
            "rounds": step.circuit.rounds,
            "round": step.round_number,
            "exercise": step.exercise.slug,
            "label": step.exercise.label,
            "name": step.exercise.name,
            "subtitle": step.exercise.subtitle,
            "prescription": step.exercise.prescription,
            "per_side": step.exercise.per_side,
            # What Guide me paces the set from: the session's copy, not the live exercise.
            # For a timed hold ("measure": "seconds") "reps" is the hold's seconds.
            "measure": step.exercise.measure,
            "reps": step.exercise.reps,
            "seconds_per_rep": step.exercise.seconds_per_rep,
            "get_ready_seconds": step.exercise.get_ready_seconds,
            "ends_round": step.ends_round,
            "rest": step.rest_after_seconds,
        }
        for step in steps
    ]


def instructions_from_steps(steps: list[Step]) -> dict[str, dict]:
    """The JSON copy of each exercise's instructions, by slug, that the session keeps."""
    return {step.exercise.slug: ExerciseNotes.of(step.exercise).as_json() for step in steps}


@dataclass(frozen=True)
class PlannedStep:
    """One step of a session's plan, read back from its JSON copy."""

    number: int
    total: int
    circuit_number: int
    rounds: int
    round_number: int
    exercise_slug: str
    label: str
    name: str
    subtitle: str
    prescription: str
    per_side: str
    ends_round: bool
    rest: int
    reps: int
    seconds_per_rep: int
    get_ready_seconds: int
    measure: str = Measure.REPS

    @classmethod
    def from_plan(cls, plan: list[dict], number: int) -> PlannedStep:
        entry = plan[number - 1]
        return cls(
            number=number,
            total=len(plan),
            circuit_number=entry["circuit_number"],
            rounds=entry["rounds"],
            round_number=entry["round"],
            exercise_slug=entry["exercise"],
            label=entry["label"],
            name=entry["name"],
            subtitle=entry.get("subtitle", ""),  # plans from before subtitles
            prescription=entry["prescription"],
            per_side=entry["per_side"],
            ends_round=entry["ends_round"],
            rest=entry["rest"],
            # Plans from before Guide me: the reps are the prescription's first word.
            reps=entry.get("reps") or _reps_in(entry["prescription"]),
            seconds_per_rep=entry.get("seconds_per_rep", DEFAULT_SECONDS_PER_REP),
            get_ready_seconds=entry.get("get_ready_seconds", DEFAULT_GET_READY_SECONDS),
            measure=entry.get("measure", Measure.REPS),  # plans from before timed holds
        )

    @property
    def is_hold(self) -> bool:
        """A timed hold: `reps` is its seconds, and the step screen counts it down."""
        return self.measure == Measure.SECONDS

    @property
    def hold_sides(self) -> int:
        """How many holds the set has: one a side, or one for an exercise done once."""
        return 1 if self.per_side == PerSide.ONCE else 2

    @property
    def is_last(self) -> bool:
        return self.number == self.total

    @property
    def ends_circuit(self) -> bool:
        return self.ends_round and self.round_number == self.rounds

    @property
    def sides_in_words(self) -> str:
        """How to split the reps, in plain words: the person's easier side first."""
        return {
            PerSide.EACH_SIDE: "your easier side first, then the other",
            PerSide.EACH_LEG: "your easier leg first, then the other",
            PerSide.EACH_WAY_EACH_LEG: "forwards, then backwards, then the other leg",
        }.get(self.per_side, "")

    def pacing(self) -> list[Prompt]:
        """The prompts Guide me plays for this step (see `protocols.pacing`)."""
        return pacing_of(self)


def _reps_in(prescription: str) -> int:
    """The number that starts "5 reps each side"; 1 if the words were ever anything else."""
    first = prescription.split(maxsplit=1)[0] if prescription else ""
    return int(first) if first.isdigit() and int(first) > 0 else 1
