from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from safety import gate
from safety.models import RedFlagScreening, site_rows_for

from . import throttles
from .forms import (
    SIGNUP_LINK_HOURS,
    ChoosePasswordForm,
    DeleteAccountForm,
    SignUpForm,
    signup_address,
)
from .models import User


@throttles.throttled(throttles.SIGNUP_PER_IP, throttles.SIGNUP_PER_ADDRESS, "email")
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up's first step: an address, and always "check your email" (see SignUpForm)."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    next_url = gate.next_url_from(request)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.send_mail(request, next_url)
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def signup_sent(request: HttpRequest) -> HttpResponse:
    # In development mail goes to the console: say where to find the link.
    context = {"show_console_hint": settings.DEBUG, "hours": SIGNUP_LINK_HOURS}
    return render(request, "accounts/signup_sent.html", context)


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
    next_url = gate.next_url_from(request)
    form = ChoosePasswordForm(email, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same link used a moment ago
            return _signup_link_problem(request, "taken")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Your account is ready.")
        return gate.continue_to(user, next_url)
    context = {"form": form, "email": email, "next": next_url}
    return render(request, "accounts/signup_complete.html", context)


def _signup_link_problem(request: HttpRequest, problem: str) -> HttpResponse:
    """A sign-up link that cannot be used: "expired", "invalid", or "taken" (log in)."""
    context = {"problem": problem, "hours": SIGNUP_LINK_HOURS}
    return render(request, "accounts/signup_link.html", context)


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
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
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


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): our page, status 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form that expired or came from elsewhere; nothing was saved."""
    return render(request, "403_csrf.html", status=403)
