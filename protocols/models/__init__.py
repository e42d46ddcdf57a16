"""The protocols app's models: what to do (`protocol`) and a coach's media for it (`media`)."""

from .media import CoachMedia, ExercisePhoto, ExerciseVideo
from .protocol import (
    Circuit,
    Exercise,
    ExerciseNotes,
    Overview,
    PerSide,
    Protocol,
    Step,
    build_steps,
    estimate_seconds,
)

__all__ = [
    "Circuit",
    "CoachMedia",
    "Exercise",
    "ExerciseNotes",
    "ExercisePhoto",
    "ExerciseVideo",
    "Overview",
    "PerSide",
    "Protocol",
    "Step",
    "build_steps",
    "estimate_seconds",
]
