from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import safety, throttles
from .forms import (
    AcknowledgeDisclaimerForm,
    ChoosePasswordForm,
    ClinicianClearanceForm,
    DeleteAccountForm,
    RedFlagScreeningForm,
    SignUpForm,
    signup_address,
)
from .models import (
    LASTING_FACTS,
    URGENCY,
    RedFlagScreening,
    Urgency,
    User,
    safety_status,
    site_rows_for,
)


@throttles.throttled(throttles.SIGNUP_PER_IP, throttles.SIGNUP_PER_ADDRESS, "email")
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up's first step: an address, and always "check your email" (see SignUpForm)."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    next_url = safety.next_url_from(request)
    form = SignUpForm(_posted(request))
    if form.is_valid():
        form.send_mail(request, next_url)
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def signup_sent(request: HttpRequest) -> HttpResponse:
    # In development mail goes to the console: say where to find the link.
    return render(request, "accounts/signup_sent.html", {"show_console_hint": settings.DEBUG})


# A server error mails the request's POST data to ADMINS: never the passwords.
@sensitive_post_parameters("password1", "password2")
def signup_complete(request: HttpRequest, token: str) -> HttpResponse:
    """From the emailed link: choose a password; the account is made and signed in."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    try:
        email = signup_address(token)
    except signing.SignatureExpired:
        return _signup_link_problem(request, "expired")
    except signing.BadSignature:
        return _signup_link_problem(request, "invalid")
    if User.objects.filter(email=email).exists():  # used, or signed up meanwhile
        return _signup_link_problem(request, "taken")
    next_url = safety.next_url_from(request)
    form = ChoosePasswordForm(email, _posted(request))
    if form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same link used a moment ago
            return _signup_link_problem(request, "taken")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Your account is ready.")
        return safety.continue_to(user, next_url)
    context = {"form": form, "email": email, "next": next_url}
    return render(request, "accounts/signup_complete.html", context)


def _signup_link_problem(request: HttpRequest, problem: str) -> HttpResponse:
    """A sign-up link that cannot be used: "expired", "invalid", or "taken" (log in)."""
    return render(request, "accounts/signup_link.html", {"problem": problem})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have logged out.")
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # On a shared phone, Back must not show the last person's pages.
    response["Clear-Site-Data"] = '"cache"'
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    disclaimer = site_rows_for(request.user).disclaimer
    return render(
        request,
        "accounts/account.html",
        {
            "disclaimer": disclaimer,
            "acknowledgement": user.acknowledgements.filter(disclaimer=disclaimer).first(),
            "screening": RedFlagScreening.objects.for_user(user).latest_first().first(),
        },
    )


@sensitive_post_parameters("password")
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, _posted(request))
    if form.is_valid():
        try:
            request.user.delete_with_traces()  # one transaction: all of it or nothing
        except DatabaseError:
            # Rolled back, so the account is whole: they stay signed in to try again.
            form.add_error(None, "Nothing was deleted; please try again.")
        else:
            logout(request)
            messages.success(
                request, "Your account and everything recorded with it have been deleted."
            )
            return redirect("protocols:home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
def disclaimer(request: HttpRequest) -> HttpResponse:
    """Read the current disclaimer and confirm it; then on to `next` through the gate."""
    current = site_rows_for(request.user).disclaimer
    next_url = safety.next_url_from(request)
    acknowledgement = request.user.acknowledgements.filter(disclaimer=current).first()
    form = AcknowledgeDisclaimerForm(current, _posted(request))
    if form.is_valid():
        form.save(request.user)
        messages.success(request, "Thank you for reading the disclaimer.")
        return safety.continue_to(request.user, next_url)
    return render(
        request,
        "accounts/disclaimer.html",
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
        return redirect("accounts:screening_result")
    next_url = safety.next_url_from(request)
    # "Something has changed": the lasting facts again, after a clinician's go-ahead.
    changed = (request.POST.get("changed") or request.GET.get("changed")) == "1"
    ask_lasting = status.asks_lasting_facts or changed
    form = RedFlagScreeningForm(_posted(request), ask_lasting=ask_lasting)
    if form.is_valid():
        answers = form.save(request.user)
        if answers.any_yes:
            return redirect("accounts:screening_result")
        if not answers.lasting_yes:
            messages.success(request, "Thank you. None of those signs today.")
        return safety.continue_to(request.user, next_url)
    questions = [(form[flag.value], flag) for flag in form.flags]
    return render(
        request,
        "accounts/screening.html",
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
            return redirect("accounts:screening")
        if status.needs_clearance:
            return redirect("accounts:clearance")
        return redirect("accounts:account")
    today = RedFlagScreening.objects.for_user(request.user).red_flags_on(timezone.localdate())
    answered_yes = today.answered_yes()
    config = site_rows_for(request.user).configuration
    return render(
        request,
        "accounts/screening_result.html",
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
    next_url = safety.next_url_from(request)
    answered_on = timezone.localdate(status.last_lasting_fact_at)
    form = ClinicianClearanceForm(answered_on, _posted(request))
    if form.is_valid():
        form.save(request.user)
        messages.success(
            request,
            "Thank you. Those questions will not stop a session now. The questions about how "
            "you are today still will, every time.",
        )
        return safety.continue_to(request.user, next_url)
    open_answers = RedFlagScreening.objects.for_user(request.user).filter(lasting_yes=True)
    if status.last_clearance_at is not None:
        open_answers = open_answers.filter(answered_at__gt=status.last_clearance_at)
    return render(
        request,
        "accounts/clearance.html",
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


def _posted(request: HttpRequest):
    """The form data of a POST (even an empty one, which must show errors), else None."""
    return request.POST if request.method == "POST" else None


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): our page, status 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form that expired or came from elsewhere; nothing was saved."""
    return render(request, "403_csrf.html", status=403)
