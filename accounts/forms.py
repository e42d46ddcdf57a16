import logging
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import signing
from django.core.mail import send_mail
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from . import throttles
from .models import (
    LASTING_FACTS,
    QUESTIONS_VERSION,
    ClinicianClearance,
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
    User,
)

logger = logging.getLogger(__name__)

# A sign-up link is signed, not stored: it carries the address it was sent
# to, and proves the person reads that mailbox, for this long.
SIGNUP_LINK_MAX_AGE = timedelta(hours=24)
_SIGNUP_SALT = "accounts.signup"


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SignUpForm(forms.Form):
    """Sign-up's first step: an email address, to which we send a link.

    Whether or not the address has an account, the person is told to check
    their email, so the page tells nobody who has one: a new address gets the
    link to choose a password, an address in use a note saying how to log in.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send a link there to finish signing up. "
        "You log in with it; a forgotten password is reset through it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def send_mail(self, request: HttpRequest, next_url: str) -> None:
        """The link to finish signing up, or, if the address has an account, a note."""
        email = self.cleaned_data["email"]
        if User.objects.filter(email=email).exists():
            context = {
                "email": email,
                "login_url": request.build_absolute_uri(reverse("accounts:login")),
                "reset_url": request.build_absolute_uri(reverse("accounts:password_reset")),
            }
            send_capped_mail("accounts/signup_exists", email, context)
            return
        link = reverse("accounts:signup_complete", args=[signup_token(email)])
        link = request.build_absolute_uri(f"{link}?{urlencode({'next': next_url})}")
        hours = int(SIGNUP_LINK_MAX_AGE.total_seconds() // 3600)
        send_capped_mail("accounts/signup", email, {"link": link, "hours": hours})


def signup_token(email: str) -> str:
    """The signed part of a sign-up link for `email` (signup_address reads it)."""
    return signing.dumps(email, salt=_SIGNUP_SALT)


def signup_address(token: str) -> str:
    """The address a sign-up link was sent to; signing.BadSignature (or its
    subclass SignatureExpired) if the link was altered or is too old."""
    return signing.loads(token, salt=_SIGNUP_SALT, max_age=SIGNUP_LINK_MAX_AGE)


def send_capped_mail(template_prefix: str, email: str, context: dict) -> None:
    """Send `<prefix>_subject.txt` and `<prefix>_email.txt` to `email`, unless the
    address had its mails for the hour (accounts.throttles.MAILS_PER_ADDRESS)."""
    if not throttles.may_send_mail(email):
        return
    subject = "".join(render_to_string(f"{template_prefix}_subject.txt", context).splitlines())
    body = render_to_string(f"{template_prefix}_email.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except Exception:
        # As Django's password reset does: the page answers the same either way.
        logger.exception("Failed to send %s", template_prefix)


class ChoosePasswordForm(auth_forms.BaseUserCreationForm):
    """Sign-up's second step, from the link: a password twice, checked by
    AUTH_PASSWORD_VALIDATORS (against the address too); saving creates the account."""

    class Meta:
        model = User
        fields: list[str] = []

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, instance=User(email=email), **kwargs)
        self.fields["password1"].label = "Choose a password"
        self.fields["password2"].label = "Type the password again"

    def validate_password_for_user(self, user, password_field_name="password1"):  # noqa: S107 (a field name)
        # Say what is wrong with a password beside the field where it was chosen.
        super().validate_password_for_user(user, password_field_name)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with its mails counted against the address's hourly cap."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        if throttles.may_send_mail(to_email):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "That email address and password don't match an account. "
        "Check them and try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.widget.input_type = "email"
        # Django sets max_length after building the field, so nothing checks it.
        username.validators.append(MaxLengthValidator(username.max_length))


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The address django-axes counts failures by: as typed on the login form, lower-cased.

    django-axes calls this with the credentials given to `authenticate()`, or
    with none, and then the login form's POST.
    """
    source = credentials if credentials is not None else request.POST
    username = source.get("username")
    if not isinstance(username, str):
        return None
    # Axes stores at most 255 characters; the admin's login form sends any length.
    return username.strip().lower()[:255]


class DeleteAccountForm(forms.Form):
    """Asks for the current password before deleting the account for good."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    @sensitive_variables("password")  # kept out of the admins' error report
    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That isn't your current password. Nothing was deleted.", code="wrong_password"
            )
        return password


class AcknowledgeDisclaimerForm(forms.Form):
    # The version the user was shown: if an admin publishes another meanwhile,
    # they are asked to read that one instead of acknowledging it unseen.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    understood = forms.BooleanField(
        label="I have read this. I understand it is not medical advice, and that with serious "
        "or worsening pain I should see a qualified provider.",
        error_messages={"required": "Tick the box to confirm you have read the disclaimer."},
    )

    def __init__(self, disclaimer: Disclaimer | None, *args, **kwargs):
        self.disclaimer = disclaimer
        super().__init__(*args, **kwargs)
        if disclaimer is not None:
            self.fields["version"].initial = disclaimer.version

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.disclaimer is None:
            raise forms.ValidationError("There is no disclaimer to confirm yet.", code="none")
        if cleaned_data.get("version") != self.disclaimer.version:
            raise forms.ValidationError(
                "The disclaimer was updated while you were reading it. "
                "Please read this version and confirm again.",
                code="stale_version",
            )
        return cleaned_data

    def save(self, user: User) -> DisclaimerAcknowledgement:
        """Record the acknowledgement once, however often the form is sent."""
        acknowledgement, _ = DisclaimerAcknowledgement.objects.get_or_create(
            user=user, disclaimer=self.disclaimer
        )
        return acknowledgement


YES_NO = [("yes", "Yes"), ("no", "No")]


class RedFlagScreeningForm(forms.Form):
    """One required yes/no question per red flag: nothing is assumed to be a no.

    The lasting facts are asked only when `ask_lasting` (see
    SafetyStatus.asks_lasting_facts); their answers are then left out.
    """

    def __init__(self, *args, ask_lasting: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.flags = [flag for flag in RedFlag if ask_lasting or flag not in LASTING_FACTS]
        for flag in self.flags:
            self.fields[flag.value] = forms.ChoiceField(
                label=flag.label,
                choices=YES_NO,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={
                    "required": "Please answer yes or no.",
                    "invalid_choice": "Please answer yes or no.",
                },
            )

    def save(self, user: User) -> RedFlagScreening:
        answers = {flag.value: self.cleaned_data[flag.value] == "yes" for flag in self.flags}
        return RedFlagScreening.objects.create(
            user=user, answers=answers, questions_version=QUESTIONS_VERSION
        )


class ClinicianClearanceForm(forms.Form):
    """A doctor or physio said these exercises are fine, and when (not before the answer)."""

    confirmed = forms.BooleanField(
        label="A doctor or physio has said these exercises are fine for me.",
        error_messages={"required": "Tick the box only if a doctor or physio has said so."},
    )
    cleared_on = forms.DateField(
        label="When did they say so?",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Please give the date they said so.",
            "invalid": "Please give a date, for example 2026-12-03.",
        },
    )

    def __init__(self, answered_on: date, *args, **kwargs):
        self.answered_on = answered_on
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["cleared_on"].widget.attrs.update(
            {"min": answered_on.isoformat(), "max": today.isoformat()}
        )
        self.fields["cleared_on"].initial = today

    def clean_cleared_on(self) -> date:
        cleared_on = self.cleaned_data["cleared_on"]
        if cleared_on > timezone.localdate():
            raise forms.ValidationError(
                "That date is in the future. Please give the day they said so.", code="future"
            )
        if cleared_on < self.answered_on:
            raise forms.ValidationError(
                f"Please give a date from {self.answered_on:%-d %B %Y}, when you answered "
                "the questions, or later.",
                code="before_answer",
            )
        return cleared_on

    def save(self, user: User) -> ClinicianClearance:
        return ClinicianClearance.objects.create(
            user=user, cleared_on=self.cleaned_data["cleared_on"]
        )
