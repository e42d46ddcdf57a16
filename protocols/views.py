from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safety.models import site_rows_for

from .models import CoachMedia, Exercise, Protocol


def home(request: HttpRequest) -> HttpResponse:
    """The featured protocol, and a link to the others if there are any."""
    protocol = Protocol.objects.with_exercises().featured()
    context = _protocol_context(protocol) | {"disclaimer": site_rows_for(request.user).disclaimer}
    return render(request, "protocols/home.html", context)


def featured(request: HttpRequest) -> HttpResponse:
    """A redirect to the featured protocol's page (the home page if none is published)."""
    protocol = Protocol.objects.featured()
    return redirect(protocol or "protocols:home")


def protocol_list(request: HttpRequest) -> HttpResponse:
    """Every published protocol, the featured one first (three queries however many)."""
    protocols = list(Protocol.objects.with_exercises().published().default_first())
    return render(
        request,
        "protocols/protocol_list.html",
        {"protocols": [(protocol, protocol.overview()) for protocol in protocols]},
    )


def protocol_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A published or retired protocol for anyone; a draft for staff only (a 404 for others)."""
    protocol = get_object_or_404(
        Protocol.objects.with_exercises().readable_by(request.user), slug=slug
    )
    return render(request, "protocols/protocol_detail.html", _protocol_context(protocol))


def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(
        Exercise.objects.select_related("circuit__protocol", "demo_video"), slug=slug
    )
    if exercise.circuit.protocol.is_draft and not request.user.is_staff:
        raise Http404("No such exercise.")  # a draft's exercises are as unseen as the draft
    neighbours = list(
        Exercise.objects.filter(circuit__protocol=exercise.circuit.protocol_id, is_active=True)
        .order_by("circuit__number", "position")
        .only("slug", "label", "name")
    )
    previous_exercise = next_exercise = None
    if exercise in neighbours:
        index = neighbours.index(exercise)
        previous_exercise = neighbours[index - 1] if index > 0 else None
        next_exercise = neighbours[index + 1] if index + 1 < len(neighbours) else None
    return render(
        request,
        "protocols/exercise_detail.html",
        {
            "exercise": exercise,
            "protocol": exercise.circuit.protocol,
            "previous_exercise": previous_exercise,
            "next_exercise": next_exercise,
            # Only a protocol with uploads spends the query on photos.
            "coach_media": CoachMedia.of(exercise)
            if exercise.circuit.protocol.has_coach_media
            else None,
        },
    )


def _protocol_context(protocol: Protocol | None) -> dict:
    if protocol is None:
        return {"protocol": None}
    return {"protocol": protocol, "overview": protocol.overview()}
