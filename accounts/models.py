"""People and how they sign in.

A `User` signs in with an email address. The row also carries the gate's
inputs, computed from what they told us before training (the `safety` app's
records): `refresh_safety_state` keeps them in step, and `safety.gate` reads
them. This app imports `safety`; `safety` names the user model only through
`settings.AUTH_USER_MODEL` or `get_user_model()`.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models, transaction
from django.db.models.functions import Lower

from safety.models import (
    ClinicianClearance,
    DisclaimerAcknowledgement,
    RedFlagScreening,
    current_site_version,
)


class UserManager(DjangoUserManager):
    """People sign in with their email address; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Addresses are stored lower-cased (User.save), so the lower-cased input
        # matches exactly. Not `iexact`: PostgreSQL's UPPER() turns a dotless i
        # into I, so "al\u0131ce@…" would reach alice@…'s account there, with a
        # lockout count of its own (django-axes counts by the lower-cased input).
        return self.get(email=email.lower())


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    # The safety gate runs on every guided screen. Its inputs live here, on
    # the row every signed-in request loads anyway, so checking it costs no
    # query. The acknowledgement, screening and clearance tables remain the record;
    # `refresh_safety_state` recomputes these from them on every write that
    # goes through their models or querysets (`safety.models.SafetyRecord`).
    # Every version they acknowledged, ascending: the gate asks whether the
    # current one is among them, which stays true when a newer one is unpublished.
    acknowledged_disclaimer_versions = models.JSONField(default=list, blank=True, editable=False)
    last_screening_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_screening_any_yes = models.BooleanField(null=True, blank=True, editable=False)
    # The latest screening with a "yes" to an emergency or today sign, even if
    # "no" was answered after it: that closes guided sessions for the rest of the day.
    last_red_flag_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The question set the latest screening asked (QUESTIONS_VERSION): an older
    # one means the new set is asked once before the next session.
    last_screening_questions_version = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    # The latest screening with a "yes" to a lasting fact, and the latest time
    # the person recorded a clinician's go-ahead: sessions stay closed while the
    # first is later than the second.
    last_lasting_fact_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_clearance_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The version of the rows every page reads (the current disclaimer, the site
    # configuration). Every write to them moves it on, on every user row in the
    # same transaction (`safety.models.bump_site_version`), so `site_rows_for`
    # may keep those rows in the process under this key and still never serve
    # superseded ones, whichever process made the change.
    site_version = models.BigIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            # Addresses are stored lower-cased; this makes "Alice@x" and
            # "alice@x" one account even if a row slips past the manager.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        adding = self._state.adding and not self.site_version
        if adding:
            self.site_version = current_site_version()
        super().save(*args, **kwargs)
        if adding:
            # A write to the site rows that committed while this row was not yet
            # committed did not move it on: read the version again once it is.
            transaction.on_commit(self._catch_up_site_version, using=kwargs.get("using"))

    def _catch_up_site_version(self) -> None:
        latest = current_site_version()
        if latest != self.site_version:
            User.objects.filter(pk=self.pk, site_version=self.site_version).update(
                site_version=latest
            )
            self.site_version = latest

    def computed_safety_state(self) -> dict[str, Any]:
        """What the gate's columns on this row should hold, from the records (four queries).

        A dict of field name to value, for each of the gate columns. It only
        reads: neither the row nor this object changes. `refresh_safety_state` writes it; a
        drift check compares it with what is stored (see `safety_state_drift`).
        """
        screenings = RedFlagScreening.objects.for_user(self)
        latest = (
            screenings.latest_first()
            .values_list("answered_at", "any_yes", "questions_version")
            .first()
        )
        last_screening_at, last_screening_any_yes, questions_version = latest or (None,) * 3
        yeses = screenings.aggregate(
            red_flag=models.Max("answered_at", filter=models.Q(any_yes=True)),
            lasting_fact=models.Max("answered_at", filter=models.Q(lasting_yes=True)),
        )
        return {
            "acknowledged_disclaimer_versions": list(
                DisclaimerAcknowledgement.objects.filter(user=self)
                .order_by("disclaimer__version")
                .values_list("disclaimer__version", flat=True)
            ),
            "last_screening_at": last_screening_at,
            "last_screening_any_yes": last_screening_any_yes,
            "last_red_flag_at": yeses["red_flag"],
            "last_screening_questions_version": questions_version,
            "last_lasting_fact_at": yeses["lasting_fact"],
            "last_clearance_at": ClinicianClearance.objects.filter(user=self).aggregate(
                latest=models.Max("recorded_at")
            )["latest"],
        }

    def safety_state_drift(self) -> dict[str, tuple[Any, Any]]:
        """{field: (stored, computed)} for each gate column that disagrees with the records.

        Empty when the row is in step. Compares this object's values, so load
        it fresh from the database first. Reads only (four queries).
        """
        computed = self.computed_safety_state()
        return {
            field: (getattr(self, field), value)
            for field, value in computed.items()
            if getattr(self, field) != value
        }

    def refresh_safety_state(self) -> None:
        """Write the computed gate state to the row and to this object (five queries).

        The safety records' models and querysets (acknowledgements, screenings,
        clearances) call it on every write, so a request's own user object sees its change at once.
        """
        state = self.computed_safety_state()
        for field, value in state.items():
            setattr(self, field, value)
        User.objects.filter(pk=self.pk).update(**state)

    def delete_with_traces(self) -> None:
        """Delete the account, everything that belongs to it, and its sign-in records.

        Everything with a foreign key to the user goes with it (CASCADE): the
        safety records, training sessions, preferences, progress and share links.
        django-axes keeps sign-in attempts by email address, not by foreign key,
        so those are deleted here by address.
        """
        with transaction.atomic():
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                model.objects.filter(username__iexact=self.email).delete()
            self.delete()
