import logging
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core import signing
from django.core.mail import send_mail
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from . import throttles
from .models import User

logger = logging.getLogger(__name__)

# A sign-up link is signed, not stored: it carries the address it was sent
# to, and proves the person reads that mailbox, for this long.
SIGNUP_LINK_MAX_AGE = timedelta(hours=24)
SIGNUP_LINK_HOURS = int(SIGNUP_LINK_MAX_AGE.total_seconds() // 3600)  # as the pages say it
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
        send_capped_mail("accounts/signup", email, {"link": link, "hours": SIGNUP_LINK_HOURS})


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
