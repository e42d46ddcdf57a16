"""Protocols made by the tests themselves: the product ships the seed's only.

Their words are placeholders on purpose ("Test move"): no cue or claim for
anyone to read as advice.
"""

from __future__ import annotations

from protocols.models import Circuit, Exercise, Protocol


def make_protocol(
    slug: str,
    *,
    status: str = Protocol.Status.PUBLISHED,
    circuits: int = 1,
    exercises: int = 2,
    rounds: int = 2,
    measure: str = "reps",
    reps: int = 5,
    per_side: str = "each_side",
    rest: int = 30,
    featured: bool = False,
) -> Protocol:
    """A protocol of `circuits` circuits of `exercises` exercises, each done `rounds` times."""
    protocol = Protocol.objects.create(
        name=f"Test protocol {slug}",
        slug=slug,
        summary=f"A protocol the tests made ({slug}).",
        status=status,
        is_featured=featured,
    )
    for number in range(1, circuits + 1):
        circuit = Circuit.objects.create(
            protocol=protocol,
            number=number,
            rounds=rounds,
            rest_between_rounds_seconds=rest,
            rest_after_seconds=rest,
        )
        Exercise.objects.bulk_create(
            Exercise(
                circuit=circuit,
                position=position,
                label=f"{number}{chr(96 + position)}",
                name=f"Test move {number}.{position}",
                slug=f"{slug}-move-{number}-{position}",
                measure=measure,
                reps=reps,
                per_side=per_side,
                cue="A test cue.",
                how_to="First line.\nSecond line.",
                common_mistake="A test mistake.",
                when_to_stop="A test stop rule.",
            )
            for position in range(1, exercises + 1)
        )
    return protocol


def with_exercises(protocol: Protocol) -> Protocol:
    return Protocol.objects.with_exercises().get(pk=protocol.pk)
