"""The safety gate's pages: the disclaimer, the red-flag questions, the urgent-care page,
a clinician's go-ahead; and the disclaimer for anyone to read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import gate
from .forms import AcknowledgeDisclaimerForm, ClinicianClearanceForm, RedFlagScreeningForm
from .models import LASTING_FACTS, URGENCY, RedFlagScreening, Urgency, safety_status, site_rows_for


def public_disclaimer(request: HttpRequest) -> HttpResponse:
    """The current disclaimer, for anyone (the footer's "Read the disclaimer")."""
    return render(
        request,
        "safety/public_disclaimer.html",
        {"disclaimer": site_rows_for(request.user).disclaimer},
    )


@login_required
def disclaimer(request: HttpRequest) -> HttpResponse:
    """Read the current disclaimer and confirm it; then on to `next` through the gate."""
    current = site_rows_for(request.user).disclaimer
    next_url = gate.next_url_from(request)
    acknowledgement = request.user.acknowledgements.filter(disclaimer=current).first()
    form = AcknowledgeDisclaimerForm(current, request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save(request.user)
        messages.success(request, "Thank you for reading the disclaimer.")
        return gate.continue_to(request.user, next_url)
    return render(
        request,
        "safety/disclaimer.html",
        {
            "disclaimer": current,
            "acknowledgement": acknowledgement,
            "form": form,
            "next": next_url,
        },
    )


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    """The red-flag questions. A yes that closes today: the urgent-care page; else on to `next`."""
    status = safety_status(request.user, site_rows_for(request.user).disclaimer)
    if request.method != "POST" and status.red_flag_today:
        # Answering again cannot reopen today, so the page does not invite it.
        return redirect("safety:screening_result")
    next_url = gate.next_url_from(request)
    # "Something has changed": the lasting facts again, after a clinician's go-ahead.
    changed = (request.POST.get("changed") or request.GET.get("changed")) == "1"
    ask_lasting = status.asks_lasting_facts or changed
    form = RedFlagScreeningForm(
        request.POST if request.method == "POST" else None, ask_lasting=ask_lasting
    )
    if form.is_valid():
        answers = form.save(request.user)
        if answers.any_yes:
            return redirect("safety:screening_result")
        if not answers.lasting_yes:
            messages.success(request, "Thank you. None of those signs today.")
        return gate.continue_to(request.user, next_url)
    questions = [(form[flag.value], flag) for flag in form.flags]
    return render(
        request,
        "safety/screening.html",
        {
            "form": form,
            "today_questions": [q for q in questions if q[1] not in LASTING_FACTS],
            "lasting_questions": [q for q in questions if q[1] in LASTING_FACTS],
            "changed": changed,
            # After a go-ahead the lasting facts are asked only if something changed.
            "offer_changed": not ask_lasting and not status.needs_clearance,
            "next": next_url,
        },
    )


@login_required
def screening_result(request: HttpRequest) -> HttpResponse:
    """The calm urgent-care page while a "yes" given today holds, led by its most urgent sign."""
    status = safety_status(request.user, site_rows_for(request.user).disclaimer)
    if not status.red_flag_today:
        if not status.has_screening or status.must_answer_again or status.asks_new_questions:
            return redirect("safety:screening")
        if status.needs_clearance:
            return redirect("safety:clearance")
        return redirect("accounts:account")
    today = RedFlagScreening.objects.for_user(request.user).red_flags_on(timezone.localdate())
    answered_yes = today.answered_yes()
    config = site_rows_for(request.user).configuration
    return render(
        request,
        "safety/screening_result.html",
        {
            "flagged": [label for _, label in answered_yes],
            "emergency": any(URGENCY.get(key) == Urgency.EMERGENCY for key, _ in answered_yes),
            "emergency_number": config.emergency_number,
            "emergency_tel": config.emergency_tel,
            "needs_clearance": status.needs_clearance,
            "try_again_on": status.try_again_on,
        },
    )


@login_required
def clearance(request: HttpRequest) -> HttpResponse:
    """After a "yes" to a lasting fact: check with a doctor or physio, then record it."""
    status = safety_status(request.user, site_rows_for(request.user).disclaimer)
    if not status.needs_clearance:
        return redirect("accounts:account")
    next_url = gate.next_url_from(request)
    answered_on = timezone.localdate(status.last_lasting_fact_at)
    form = ClinicianClearanceForm(answered_on, request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save(request.user)
        messages.success(
            request,
            "Thank you. Those questions will not stop a session now. The questions about how "
            "you are today still will, every time.",
        )
        return gate.continue_to(request.user, next_url)
    open_answers = RedFlagScreening.objects.for_user(request.user).filter(lasting_yes=True)
    if status.last_clearance_at is not None:
        open_answers = open_answers.filter(answered_at__gt=status.last_clearance_at)
    return render(
        request,
        "safety/clearance.html",
        {
            "form": form,
            "flagged": [
                label
                for key, label in open_answers.answered_yes()
                if URGENCY.get(key) == Urgency.LASTING
            ],
            "answered_on": answered_on,
            "next": next_url,
        },
    )
