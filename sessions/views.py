from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from protocols.models import CoachMedia, Protocol
from safety.gate import answered_safety_questions_before_today, safety_gate_required

from .forms import (
    GuideSettingsForm,
    ReflectionForm,
    RestForm,
    SkipForSessionForm,
    StartForm,
    StepForm,
)
from .models import HIGH_PAIN, GuideSound, TrainingPreferences, TrainingSession

NOTHING_TO_FOLLOW = (
    "There is no exercise to follow yet, so a session cannot start. Please try again later."
)


RETIRED = "{name} is retired: it can no longer be started. Your history keeps every session of it."
PREVIEW_OVER = "Preview over. Nothing was recorded: no session, no rounds, no progress."


def _get_session_for_user(request: HttpRequest, session_id: int, *related: str) -> TrainingSession:
    """The signed-in user's session (a staff preview too), with `related` joined in; anyone
    else's is a 404."""
    sessions = TrainingSession.all_objects.for_user(request.user)
    if related:  # select_related() with no names would join every relation
        sessions = sessions.select_related(*related)
    return get_object_or_404(sessions, pk=session_id)


@safety_gate_required
def start(request: HttpRequest) -> HttpResponse:
    """Start the featured protocol (with one published, the only one)."""
    return _start(request, Protocol.objects.with_exercises().featured())


@safety_gate_required
def start_protocol(request: HttpRequest, slug: str) -> HttpResponse:
    """Start this protocol (from its own page). A draft is a 404; a retired one says so."""
    protocol = get_object_or_404(
        Protocol.objects.with_exercises().exclude(status=Protocol.Status.DRAFT), slug=slug
    )
    if protocol.is_retired:
        messages.error(request, RETIRED.format(name=protocol.name))
        return redirect(protocol)
    return _start(request, protocol)


@safety_gate_required
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff walk a protocol (a draft, most often) as a person would; nothing is recorded."""
    if not request.user.is_staff:
        raise Http404("No such protocol.")
    protocol = get_object_or_404(Protocol.objects.with_exercises(), slug=slug)
    return _start(request, protocol, preview=True)


def _start(request: HttpRequest, protocol: Protocol | None, preview: bool = False) -> HttpResponse:
    if not preview:
        in_progress = (
            TrainingSession.objects.for_user(request.user)
            .in_progress()
            .select_related("protocol")
            .first()
        )
        if in_progress:
            # Still one session at a time: resume it, or end it and come back.
            if request.method == "POST":
                return redirect(in_progress)
            return render(
                request, "sessions/start.html", {"in_progress": in_progress, "wanted": protocol}
            )
    overview = protocol.overview() if protocol else None
    if overview is None or not overview.step_count:
        messages.error(request, NOTHING_TO_FOLLOW)
        return redirect(protocol if preview else "protocols:home")
    form = StartForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        pain_before = form.cleaned_data["pain_before"]
        if preview:
            # Nothing recorded: no safety questions asked on a high score either.
            session = TrainingSession.start_preview(request.user, protocol, pain_before)
            return redirect(session)
        nothing_to_go_on = pain_before is None and not form.cleaned_data["nothing_new"]
        if nothing_to_go_on and answered_safety_questions_before_today(request.user):
            # No pain score: one tap to say whether anything has changed.
            return render(request, "sessions/anything_new.html", {"next": request.path})
        session = TrainingSession.start(request.user, protocol, pain_before)
        if pain_before is not None and pain_before >= HIGH_PAIN:
            # High pain: the safety questions first, then on into the session.
            return redirect(_screening_url(next_url=session.get_absolute_url()))
        return redirect(session)
    return render(
        request,
        "sessions/start.html",
        {
            "form": form,
            "overview": overview,
            "protocol": protocol,
            "preview": preview,
            # With one published protocol the page names none and offers no choice.
            "name_protocol": getattr(protocol, "published_total", 2) > 1,
        },
    )


def _end_preview(request: HttpRequest, session: TrainingSession) -> HttpResponse:
    """A preview leaves nothing behind: the session and its rounds go."""
    protocol = session.protocol
    session.delete()
    messages.info(request, PREVIEW_OVER)
    return redirect(protocol)


# Compressed, as the offline page is: the step screen carries its drawing, the
# set's pacing plan and Guide me's controls, and its first load has a budget
# (docs/benchmarks-pages.md). BREACH needs a secret and text an attacker
# makes the page echo in one response: these screens echo nothing from the
# request, their CSRF tokens are masked anew on every response, and Django's
# gzip adds random padding to each response (its BREACH mitigation since 4.2).
@gzip_page
@safety_gate_required
def session_screen(request: HttpRequest, session_id: int) -> HttpResponse:
    """Whatever comes now in a session: a step, a rest, or its summary."""
    # The protocol in the same query: its `has_coach_media` says whether to look for media.
    session = _get_session_for_user(request, session_id, "protocol")
    if not session.is_in_progress:
        return redirect("training_sessions:summary", session.pk)
    if session.skipping_exercises:
        session.pass_over_skipped()
        if not session.is_in_progress:
            return redirect("training_sessions:finish", session.pk)
    # Guide me's sound, speed and carry-on: the person's own, on every device.
    guide = TrainingPreferences.for_user(request.user).guide_settings()
    guide["saveUrl"] = reverse("training_sessions:guide_settings")
    if session.resting:
        return render(
            request,
            "sessions/rest.html",
            {
                "session": session,
                "done": session.last_step,
                "up_next": session.current_step,
                "just_skipped": session.just_skipped,
                "guide": guide,
            },
        )
    step = session.current_step
    if step is None:
        # Every step is done but the session never finished (a plan with no
        # steps, from before starting one was refused): close it, keep its rounds.
        session.end_early()
        return redirect("training_sessions:finish", session.pk)
    return render(
        request,
        "sessions/step.html",
        {
            "session": session,
            "step": step,
            "exercise": session.instructions_for(step),
            "up_next_text": session.up_next(step),
            "just_skipped": session.just_skipped,
            # The coach's current photos and video (not a copy kept with the
            # session); looked for only when the protocol has some: two queries.
            "coach_media": CoachMedia.for_slug(step.exercise_slug)
            if session.protocol.has_coach_media
            else None,
            # Guide me plays this; the page carries it as data, not as a script.
            "pacing": [prompt.as_json() for prompt in step.pacing()],
            "guide": guide,
            "guide_sound_choices": GuideSound.choices,
        },
    )


@require_POST
@login_required
def guide_settings(request: HttpRequest) -> HttpResponse:
    """Guide me saves a change of sound, speed or carry-on here as it is made (fetch)."""
    form = GuideSettingsForm(request.POST, instance=TrainingPreferences.for_user(request.user))
    if not form.is_valid():
        message = "That guide setting could not be saved; please choose from the options shown."
        return JsonResponse({"error": message}, status=400)
    form.save()
    return HttpResponse(status=204)


@require_POST
@login_required
def complete_step(request: HttpRequest, session_id: int) -> HttpResponse:
    return _move_on(request, session_id, skipped=False)


@require_POST
@login_required
def skip_step(request: HttpRequest, session_id: int) -> HttpResponse:
    """ "This hurts: skip it": recorded as skipped, then on exactly as Done."""
    return _move_on(request, session_id, skipped=True)


@require_POST
@login_required
def skip_exercise(request: HttpRequest, session_id: int) -> HttpResponse:
    """Pass over an exercise for the rest of this session (the screen does the passing)."""
    session = _get_session_for_user(request, session_id)
    form = SkipForSessionForm(request.POST)
    if form.is_valid():
        session.skip_for_rest_of_session(form.cleaned_data["exercise"])
    return redirect(session)


def _move_on(request: HttpRequest, session_id: int, skipped: bool) -> HttpResponse:
    session = _get_session_for_user(request, session_id)
    form = StepForm(request.POST)
    step = session.current_step
    accepted = (
        session.is_in_progress
        and not session.resting
        and form.is_valid()
        and form.names(step)
        and session.complete_step(step.number, skipped=skipped)
    )
    if accepted and not session.is_in_progress:
        return redirect("training_sessions:finish", session.pk)
    # Whatever comes now; a repeated, stale or tampered tap has changed nothing.
    return redirect(session)


@require_POST
@login_required
def end_rest(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_user(request, session_id)
    form = RestForm(request.POST)
    if form.is_valid():
        session.end_rest(form.cleaned_data["after_step"])
    return redirect(session)


@login_required
def end_early(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_user(request, session_id)
    if not session.is_in_progress:
        return redirect("training_sessions:summary", session.pk)
    if request.method == "POST":
        if session.preview:
            return _end_preview(request, session)
        session.end_early()
        messages.info(request, "Session ended. Every round you finished is saved.")
        finish_url = reverse("training_sessions:finish", args=[session.pk])
        if request.POST.get("then") == "safety_questions":
            # Stopped for numbness, tingling or spreading pain: the questions first.
            return redirect(_screening_url(next_url=finish_url))
        return redirect(finish_url)
    return render(request, "sessions/end.html", {"session": session})


@login_required
def finish(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_user(request, session_id, "protocol")
    if session.is_in_progress:
        return redirect(session)
    if session.preview:
        return _end_preview(request, session)
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        if form.is_valid():
            session.reflect(form.cleaned_data["pain_after"], form.cleaned_data["notes"])
            return redirect("training_sessions:summary", session.pk)
    else:
        form = ReflectionForm(initial={"pain_after": session.pain_after, "notes": session.notes})
    return render(request, "sessions/finish.html", {"session": session, "form": form})


@login_required
def summary(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _get_session_for_user(request, session_id, "protocol")
    if session.is_in_progress:
        return redirect(session)
    if session.preview:
        return _end_preview(request, session)
    return render(
        request,
        "sessions/summary.html",
        {
            "session": session,
            "rounds_done": session.rounds.count(),
            "screening_url": _screening_url(next_url=request.get_full_path()),
        },
    )


def _screening_url(next_url: str) -> str:
    return f"{reverse('safety:screening')}?{urlencode({'next': next_url})}"
