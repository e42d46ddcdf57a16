"""The pacing plan of one set: the ordered prompts a guide plays, as plain data.

Pure functions of an exercise's numbers (reps, per side, tempo, get-ready
time), so the server builds the plan, a unit test reads it, and the step
screen's JavaScript only plays it. It lives in `protocols` beside `PerSide`
because the estimate of a session's length (`protocols.models`) is computed
from it too, and `protocols` must not import `sessions`.

A timed hold (`Measure.SECONDS`) is one "hold" prompt a side, as long as
the hold; an exercise done once (`PerSide.ONCE`) has no side at all.

Sides are "first" and "other", never left and right: the person starts with
their easier side, which only they know. The words say so once,
in the get-ready prompt.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db import models

# Roll over, change hands or change legs: the time the guide waits between
# the two sides of a set.
CHANGE_SIDE_SECONDS = 3
# Hip CARs: the knee is down after the last forwards circle, so reversing
# needs only a breath before the first backwards one.
CHANGE_DIRECTION_SECONDS = 2
DEFAULT_GET_READY_SECONDS = 5
# The model field's default before tempos were checked against each movement;
# a session plan from before then, without its own tempo, is paced at it.
DEFAULT_SECONDS_PER_REP = 3


class PerSide(models.TextChoices):
    """How the reps of one round are repeated (pacing_plan lays out the sets)."""

    EACH_SIDE = "each_side", "each side"
    EACH_LEG = "each_leg", "each leg"
    EACH_WAY_EACH_LEG = "each_way_each_leg", "each way on each leg"
    ONCE = "once", "once (not by side)"


class Measure(models.TextChoices):
    """What the number of an exercise counts: reps, or the seconds of a timed hold."""

    REPS = "reps", "reps"
    SECONDS = "seconds", "seconds (a timed hold)"


@dataclass(frozen=True)
class Prompt:
    """One thing the guide says and shows, for `seconds`."""

    kind: str  # "get_ready" | "rep" | "hold" | "change_direction" | "change_side" | "done"
    text: str
    seconds: int
    side: str | None = None  # "first" | "other"
    direction: str | None = None  # "forwards" | "backwards", Hip CARs only
    rep: int | None = None
    of: int | None = None
    # The words the guide speaks, shorter than `text`: a rep is its number.
    say: str = ""

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


def pacing_of(exercise) -> list[Prompt]:
    """The prompts of one guided set of `exercise`: an `Exercise`, or a session's copy
    of one (`PlannedStep`), which carry the same fields. The get-ready names it
    with its subtitle, which for 3b is the one safety distinction in the names."""
    return pacing_plan(
        reps=exercise.reps,
        per_side=exercise.per_side,
        seconds_per_rep=exercise.seconds_per_rep,
        get_ready_seconds=exercise.get_ready_seconds,
        measure=exercise.measure,
        name=", ".join(filter(None, [exercise.name, exercise.subtitle])),
    )


def pacing_plan(
    *,
    reps: int,
    per_side: str,
    seconds_per_rep: int,
    get_ready_seconds: int,
    measure: str = Measure.REPS,
    name: str = "",
    change_side_seconds: int = CHANGE_SIDE_SECONDS,
    change_direction_seconds: int = CHANGE_DIRECTION_SECONDS,
) -> list[Prompt]:
    """The prompts of one set, in order, ending with "done".

    For a timed hold `reps` is its seconds: one "hold" prompt that long a side
    (a hold has no direction, so "each way on each leg" holds each leg once).

    `name` is what the get-ready prompt says first: the exercise's name and
    subtitle ("Hamstring Lowering, lying on your back, not the kneeling
    Nordic curl"), so the person hears which movement before they start.
    """
    try:
        per_side = PerSide(per_side)
    except ValueError:  # a choice retired since the plan was copied
        per_side = PerSide.EACH_SIDE
    hold = measure == Measure.SECONDS
    if per_side is PerSide.ONCE:
        return _one_sided_plan(reps, hold, seconds_per_rep, get_ready_seconds, name)
    part = "side" if per_side is PerSide.EACH_SIDE else "leg"
    by_direction = per_side is PerSide.EACH_WAY_EACH_LEG and not hold
    directions = ["forwards", "backwards"] if by_direction else [None]
    prompts: list[Prompt] = []
    for side in ("first", "other"):
        for direction in directions:
            way = f", {direction}" if direction else ""
            if side == "first" and direction == directions[0]:
                kind, seconds = "get_ready", get_ready_seconds
                text = f"First {part} (your easier one){way} — get ready"
                say = f"First {part}, your easier one{way}. Get ready."
                if name:
                    say = f"{name}. {say}"
            elif direction == directions[0]:
                kind, seconds = "change_side", change_side_seconds
                text = f"Change {part}s: other {part}{way}"
                say = f"Change {part}s. Other {part}{way}."
            else:
                kind, seconds = "change_direction", change_direction_seconds
                text = f"Same {part}, now {direction}"
                say = f"{text}."
            prompts.append(Prompt(kind, text, seconds, side, direction, say=say))
            if hold:
                text = f"{side.capitalize()} {part} · hold {reps} s"
                prompts.append(Prompt("hold", text, reps, side, say=f"Hold, {reps} seconds."))
                continue
            prompts.extend(
                Prompt(
                    "rep",
                    f"{side.capitalize()} {part}{way} · rep {rep} of {reps}",
                    seconds_per_rep,
                    side,
                    direction,
                    rep,
                    reps,
                    say=str(rep),
                )
                for rep in range(1, reps + 1)
            )
    prompts.append(Prompt("done", "Done", 0, say="Done."))
    return prompts


def _one_sided_plan(
    reps: int, hold: bool, seconds_per_rep: int, get_ready_seconds: int, name: str
) -> list[Prompt]:
    """An exercise done once, not by side: get ready, the reps (or the hold), done."""
    say = f"{name}. Get ready." if name else "Get ready."
    prompts = [Prompt("get_ready", "Get ready", get_ready_seconds, say=say)]
    if hold:
        prompts.append(Prompt("hold", f"Hold {reps} s", reps, say=f"Hold, {reps} seconds."))
    else:
        prompts.extend(
            Prompt("rep", f"Rep {rep} of {reps}", seconds_per_rep, rep=rep, of=reps, say=str(rep))
            for rep in range(1, reps + 1)
        )
    prompts.append(Prompt("done", "Done", 0, say="Done."))
    return prompts


def total_seconds(prompts: list[Prompt]) -> int:
    """How long a guided set takes at its own tempo."""
    return sum(prompt.seconds for prompt in prompts)
