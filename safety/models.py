"""What people tell us before training, and the rows every page reads.

Before a first guided session a person acknowledges the current `Disclaimer`
(a `DisclaimerAcknowledgement` per user and version, kept for good) and
answers the red-flag screen (a `RedFlagScreening` per time they answer). A
"yes" to a lasting fact (say, having had cancer) waits for a
`ClinicianClearance`. `SiteConfiguration` holds what a coach may change
without a deploy: the referral link and the emergency number.

These records are the truth; the gate (`safety.gate`) reads the columns on the
user row that `User.refresh_safety_state` computes from them, and every write
through these models or their querysets calls it. The user model is only ever
named here through `settings.AUTH_USER_MODEL` or `get_user_model()`: the
accounts app imports this one, never the other way round.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property


def current_site_version() -> int:
    """The site version a new user row starts at: the one the others hold (one query)."""
    latest = get_user_model().objects.aggregate(latest=models.Max("site_version"))["latest"]
    return latest or time.time_ns()  # no one yet: a version no process has seen


def bump_site_version(using=None) -> None:
    """After a write to the disclaimer or the site configuration: a new version on every user.

    This process also forgets what it kept, so a user object it loaded before
    the write (the writer's own request) sees the change too.
    """
    get_user_model().objects.using(using).update(site_version=time.time_ns())
    _forget_site_rows()
    transaction.on_commit(_forget_site_rows, using=using)


def _forget_site_rows() -> None:
    global _site_rows
    _site_rows = None


class SiteRows:
    """What every page reads, each read from the database when first asked for."""

    @cached_property
    def disclaimer(self) -> Disclaimer | None:
        """The current disclaimer, or None."""
        return Disclaimer.objects.current()

    @cached_property
    def configuration(self) -> SiteConfiguration:
        return SiteConfiguration.load()


# The rows for the latest site version this process has seen: (version, rows).
_site_rows: tuple[int, SiteRows] | None = None


def site_rows_for(user) -> SiteRows:
    """The current disclaimer and site configuration, as of `user`'s row.

    For a signed-in user, read from the database once per process and site
    version (their row carries it, and every signed-in request loads that row
    anyway); for anyone else, from the database (a query for each one asked for).
    """
    global _site_rows
    version = getattr(user, "site_version", None)
    kept = _site_rows
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    rows = SiteRows()
    if version is not None:
        _site_rows = (version, rows)
    return rows


class SiteRowQuerySet(models.QuerySet):
    """Bulk writes of a site row move the site version on too, as save() and delete() do."""

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            bump_site_version(using=self.db)
        return created

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            rows = super().update(**kwargs)
            bump_site_version(using=self.db)
        return rows

    update.alters_data = True

    def delete(self):
        with transaction.atomic(using=self.db):
            result = super().delete()
            bump_site_version(using=self.db)
        return result

    delete.alters_data = True
    delete.queryset_only = True


class SiteRow(models.Model):
    """A row every page reads (see `site_rows_for`): each write moves the site version on."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            bump_site_version(using=kwargs.get("using"))

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            result = super().delete(*args, **kwargs)
            bump_site_version(using=kwargs.get("using"))
        return result


class DisclaimerQuerySet(SiteRowQuerySet):
    def published(self) -> DisclaimerQuerySet:
        return self.filter(published=True)

    def current(self) -> Disclaimer | None:
        """The highest published version, or None (one query; `site_rows_for` keeps it)."""
        return self.published().order_by("-version").first()


def _next_disclaimer_version() -> int:
    latest = Disclaimer.objects.order_by("-version").values_list("version", flat=True).first()
    return (latest or 0) + 1


class Disclaimer(SiteRow):
    """What a user must read before training. A new wording is a new version, never an edit."""

    version = models.PositiveIntegerField(
        unique=True,
        default=_next_disclaimer_version,
        validators=[MinValueValidator(1)],
        help_text="The highest published version is the one users are asked to acknowledge.",
    )
    text = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    published = models.BooleanField(
        default=False,
        help_text="Publishing a higher version asks everyone to read and acknowledge it again.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DisclaimerQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Disclaimer, version {self.version}"


class SafetyRecordQuerySet(models.QuerySet):
    """Bulk writes of safety records refresh their users' gate state too.

    These bypass the models' save() and delete(); Django's other bulk path,
    bulk_update, ends in update(). Deleting a user takes their records
    through the collector, which skips all of this: the row goes with them.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.derive_fields()
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            _refresh_users({obj.user_id for obj in objs}, using=self.db)
        return created

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            pks, user_ids = self._pks_and_user_ids()
            rows = super().update(**self._with_derived(kwargs))
            if {"user", "user_id"} & kwargs.keys():  # moved: the new owners too
                user_ids |= set(
                    self.model._base_manager.using(self.db)
                    .filter(pk__in=pks)
                    .values_list("user_id", flat=True)
                )
            _refresh_users(user_ids, using=self.db)
        return rows

    update.alters_data = True

    def delete(self):
        with transaction.atomic(using=self.db):
            _, user_ids = self._pks_and_user_ids()
            result = super().delete()
            _refresh_users(user_ids, using=self.db)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def _with_derived(self, values: dict) -> dict:
        """An update's values, with the fields computed from them (none by default)."""
        return values

    def _pks_and_user_ids(self) -> tuple[list[int], set[int]]:
        rows = list(self.values_list("pk", "user_id"))
        return [pk for pk, _ in rows], {user_id for _, user_id in rows}


def _refresh_users(user_ids, using=None) -> None:
    for user in get_user_model().objects.using(using).filter(pk__in=user_ids):
        user.refresh_safety_state()


class SafetyRecord(models.Model):
    """A record the gate's state on the user row is computed from: each write refreshes it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.derive_fields()
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            # Through `self.user`: when that is the request's user object, the
            # same request sees the gate's new state.
            self.user.refresh_safety_state()

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            result = super().delete(*args, **kwargs)
            self.user.refresh_safety_state()
        return result

    def derive_fields(self) -> None:
        """Set the fields computed from others, before a write (none by default)."""


class DisclaimerAcknowledgement(SafetyRecord):
    """A user confirmed they read one version of the disclaimer, at this time."""

    # Deleting the account deletes what they acknowledged.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    # A version someone acknowledged is a record of what they read: keep it.
    disclaimer = models.ForeignKey(
        Disclaimer, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    objects = SafetyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-acknowledged_at"]
        # This constraint's name, and the screening index's, date from when these
        # models lived in accounts; they are only names, and renaming them would rebuild
        # the tables on SQLite for nothing.
        constraints = [
            # One acknowledgement per user and version: a double tap records one.
            models.UniqueConstraint(
                fields=["user", "disclaimer"], name="accounts_ack_unique_user_disclaimer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged version {self.disclaimer.version}"


class Urgency(models.TextChoices):
    """What a "yes" to a red flag asks of the person."""

    EMERGENCY = "emergency", "Go to an emergency department now"
    TODAY = "today", "See a doctor today"
    LASTING = "lasting", "Check with a doctor or physio before starting"


class RedFlag(models.TextChoices):
    """Signs that need a clinician, asked in plain words (after NICE guideline NG59).

    The current question set, QUESTIONS_VERSION, in the order it is asked:
    emergency signs, then today's, then the lasting facts. Each one's urgency
    is in URGENCY; the words of older sets are in QUESTION_LABELS.
    """

    BLADDER_BOWEL = (
        "bladder_bowel",
        "Have you had any new trouble with your bladder or bowels, such as not being able "
        "to pee or not being able to hold it in?",
    )
    SADDLE_NUMBNESS = (
        "saddle_numbness",
        "Is there numbness around your groin, genitals or bottom (the area that would "
        "touch a bicycle saddle), does it feel different when you wipe, or have you "
        "noticed new problems with sex?",
    )
    LEG_WEAKNESS = (
        "leg_weakness",
        "Is there weakness in one or both legs that is getting worse?",
    )
    BOTH_LEGS = (
        "both_legs",
        "Do you have numbness, or pins and needles, in both legs?",
    )
    FEVER_CHILLS = (
        "fever_chills",
        "Do you have a fever with chills or night sweats?",
    )
    RECENT_TRAUMA = (
        "recent_trauma",
        "Did the pain start after a recent fall or accident (even a minor one, if you take "
        "steroid tablets or have thin bones)?",
    )
    NIGHT_PAIN = (
        "night_pain",
        "Is the pain worse at night, and does it not ease when you rest or change position?",
    )
    CANCER = (
        "cancer",
        "Have you ever had cancer?",
    )
    WEIGHT_LOSS = (
        "weight_loss",
        "Have you lost weight recently without trying to?",
    )
    STEROIDS_THIN_BONES = (
        "steroids_thin_bones",
        "Do you take steroid tablets long-term, or have you been told you have thin bones "
        "(osteoporosis)?",
    )

    @property
    def urgency(self) -> Urgency:
        return URGENCY[self.value]


# What a "yes" to each question means, by answer key: the current set's and
# the keys older sets used, so old screenings are read the same way.
URGENCY: dict[str, Urgency] = {
    RedFlag.BLADDER_BOWEL.value: Urgency.EMERGENCY,
    RedFlag.SADDLE_NUMBNESS.value: Urgency.EMERGENCY,
    RedFlag.LEG_WEAKNESS.value: Urgency.EMERGENCY,
    RedFlag.BOTH_LEGS.value: Urgency.EMERGENCY,
    RedFlag.FEVER_CHILLS.value: Urgency.TODAY,
    RedFlag.RECENT_TRAUMA.value: Urgency.TODAY,
    RedFlag.NIGHT_PAIN.value: Urgency.TODAY,
    RedFlag.CANCER.value: Urgency.LASTING,
    RedFlag.WEIGHT_LOSS.value: Urgency.LASTING,
    RedFlag.STEROIDS_THIN_BONES.value: Urgency.LASTING,
    "fever_unwell": Urgency.TODAY,  # version 1's fever question
}
LASTING_FACTS = [flag for flag in RedFlag if flag.urgency == Urgency.LASTING]


def closes_today(key: str) -> bool:
    """A "yes" to this answer key closes guided sessions for the rest of the day.

    Every key but a lasting fact's, an unknown one included: when in doubt, stop.
    """
    return URGENCY.get(key) != Urgency.LASTING


# The question set people are asked now. Changing a question's words or adding
# one is a new version: everyone is asked the new set once (see the gate).
QUESTIONS_VERSION = 2
# Each version's questions, as they were asked, so an old screening is shown
# with the words its person answered.
QUESTION_LABELS: dict[int, dict[str, str]] = {
    1: {
        "bladder_bowel": "Have you had any new trouble with your bladder or bowels, such as "
        "not being able to pee or not being able to hold it in?",
        "saddle_numbness": "Is there numbness around your groin, genitals or bottom (the "
        "area that would touch a bicycle saddle)?",
        "leg_weakness": "Is there weakness in one or both legs that is getting worse?",
        "fever_unwell": "Do you have a fever, or do you feel generally unwell?",
        "recent_trauma": "Did the pain start after a recent fall or accident?",
        "night_pain": "Is the pain worse at night, and does it not ease when you rest or "
        "change position?",
    },
    2: {flag.value: flag.label for flag in RedFlag},
}


def question_labels(version: int) -> dict[str, str]:
    """The questions of `version`, by answer key (the current set's for an unknown one)."""
    return QUESTION_LABELS.get(version, QUESTION_LABELS[QUESTIONS_VERSION])


def yes_answers(answers: dict, version: int) -> list[tuple[str, str]]:
    """(key, question) for each yes in one screening's answers, as it was asked.

    In the order of the set `version`; a key that set does not name (written by
    hand, say) comes after, under its key, rather than being hidden.
    """
    labels = question_labels(version)
    asked = [(key, label) for key, label in labels.items() if answers.get(key)]
    unnamed = [(key, key) for key, yes in answers.items() if yes and key not in labels]
    return asked + unnamed


class RedFlagScreeningQuerySet(SafetyRecordQuerySet):
    def for_user(self, user) -> RedFlagScreeningQuerySet:
        return self.filter(user=user)

    def latest_first(self) -> RedFlagScreeningQuerySet:
        return self.order_by("-answered_at", "-pk")

    def bulk_update(self, objs, fields, *args, **kwargs):
        # any_yes and lasting_yes follow the answers, on the objects as in the table.
        objs, fields = list(objs), list(fields)
        for obj in objs:
            obj.derive_fields()
        if {"answers", "any_yes", "lasting_yes"} & set(fields):
            fields = [*dict.fromkeys([*fields, *RedFlagScreening.ANSWER_FIELDS])]
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True

    def _with_derived(self, values: dict) -> dict:
        answers = values.get("answers")
        if isinstance(answers, dict):
            return values | RedFlagScreening.derived_from(answers)
        given = {field for field in RedFlagScreening.ANSWER_FIELDS if field in values}
        if given and given != set(RedFlagScreening.ANSWER_FIELDS):
            # e.g. update(any_yes=False) with a yes still in the answers.
            raise TypeError("Update a screening's answers; any_yes is computed from them.")
        return values  # all, as bulk_update sends them once it derived each object

    def red_flags_on(self, day: date) -> RedFlagScreeningQuerySet:
        """Screenings with a "yes" that closes the day, answered on `day` (current time zone)."""
        return self.filter(any_yes=True, answered_at__date=day)

    def answered_yes(self) -> list[tuple[str, str]]:
        """(key, question) for every question answered yes in any of these, once, in order.

        Each in the words of the set it was answered in (yes_answers); keys in
        the current set's order, then retired keys. One query.
        """
        found: dict[str, str] = {}
        for answers, version in self.values_list("answers", "questions_version"):
            for key, label in yes_answers(answers, version):
                found.setdefault(key, label)
        order = [*URGENCY]
        return sorted(
            found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
        )


class RedFlagScreening(SafetyRecord):
    """One time a user answered the red-flag questions."""

    # Deleting the account deletes their answers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings"
    )
    answers = models.JSONField(help_text="Each question's key (see RedFlag) and true for yes.")
    any_yes = models.BooleanField(
        help_text="A yes to an emergency or today sign: no guided session today. "
        "(Lasting facts are in lasting_yes.)"
    )
    lasting_yes = models.BooleanField(
        default=False,
        help_text="A yes to a lasting fact (e.g. having had cancer): no guided session until "
        "a clinician's go-ahead is recorded.",
    )
    questions_version = models.PositiveIntegerField(
        default=QUESTIONS_VERSION, help_text="The question set answered (QUESTION_LABELS)."
    )
    answered_at = models.DateTimeField(default=timezone.now)

    objects = RedFlagScreeningQuerySet.as_manager()

    # The answers and the two fields derive_fields computes from them on every write.
    ANSWER_FIELDS = ("answers", "any_yes", "lasting_yes")

    class Meta:
        ordering = ["-answered_at"]
        indexes = [
            # A user's latest screenings: read when the gate's columns on the user
            # row are worked out again, on the account page and on a shared record.
            models.Index(fields=["user", "-answered_at"], name="accounts_screening_latest"),
        ]

    def __str__(self) -> str:
        outcome = "a red flag" if self.any_yes else "no red flags"
        return f"{self.user}: {outcome} on {self.answered_at:%Y-%m-%d}"

    @staticmethod
    def derived_from(answers: dict) -> dict[str, bool]:
        """any_yes and lasting_yes for these answers."""
        return {
            "any_yes": any(yes for key, yes in answers.items() if closes_today(key)),
            "lasting_yes": any(yes for key, yes in answers.items() if not closes_today(key)),
        }

    def derive_fields(self) -> None:
        for field, value in self.derived_from(self.answers).items():
            setattr(self, field, value)

    @property
    def flagged(self) -> list[str]:
        """The questions answered yes, in plain words, as they were asked."""
        return [label for _, label in yes_answers(self.answers, self.questions_version)]


class ClinicianClearance(SafetyRecord):
    """A person recorded that a doctor or physio said these exercises are fine for them.

    It covers the lasting facts they had answered yes to when they recorded it;
    a later "yes" to one needs a new clearance.
    """

    # Deleting the account deletes what they recorded.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clearances"
    )
    cleared_on = models.DateField(help_text="When the doctor or physio said so.")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = SafetyRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.user}: cleared by a clinician on {self.cleared_on:%Y-%m-%d}"


@dataclass(frozen=True)
class SafetyStatus:
    """Where a user stands with the safety gate; see `safety_status`."""

    acknowledged_current_disclaimer: bool
    last_screening_any_yes: bool | None
    last_screening_at: datetime | None
    last_red_flag_at: datetime | None = None
    last_screening_questions_version: int | None = None
    last_lasting_fact_at: datetime | None = None
    last_clearance_at: datetime | None = None

    @property
    def has_screening(self) -> bool:
        return self.last_screening_at is not None

    @property
    def asks_new_questions(self) -> bool:
        """The latest screening answered an older question set than today's."""
        return self.has_screening and (
            (self.last_screening_questions_version or 1) < QUESTIONS_VERSION
        )

    @property
    def needs_clearance(self) -> bool:
        """A "yes" to a lasting fact that no clinician's go-ahead recorded since covers."""
        return self.last_lasting_fact_at is not None and (
            self.last_clearance_at is None or self.last_clearance_at < self.last_lasting_fact_at
        )

    @property
    def asks_lasting_facts(self) -> bool:
        """Whether the screening asks the lasting facts without being asked to.

        They are asked until one is answered yes; that "yes" is kept (never
        undone by a later "no"), and once a clinician's go-ahead is recorded
        they are asked again only when the person says something has changed.
        """
        return self.last_lasting_fact_at is None

    @property
    def red_flag_today(self) -> bool:
        """Any screening today had a yes, whatever was answered after it.

        "Today" is in the current time zone: the person's own on every page
        (ops.middleware.UserTimeZoneMiddleware), else the site's TIME_ZONE.
        """
        return self.last_red_flag_at is not None and (
            timezone.localdate(self.last_red_flag_at) == timezone.localdate()
        )

    @property
    def must_answer_again(self) -> bool:
        """A yes on an earlier day, and no screening on a later day since.

        A "no" given on the red flag's own day did not reopen that day, so it
        does not count as a fresh answer for the next one either.
        """
        return self.last_red_flag_at is not None and (
            timezone.localdate(self.last_screening_at) <= timezone.localdate(self.last_red_flag_at)
        )

    @property
    def try_again_on(self) -> date:
        """When someone stopped by a red flag today may answer the questions again."""
        return timezone.localdate() + timedelta(days=1)


def safety_status(user, disclaimer: Disclaimer | None) -> SafetyStatus:
    """What the gate needs to know about a user, read from the user row: no query."""
    return SafetyStatus(
        acknowledged_current_disclaimer=(
            disclaimer is not None and disclaimer.version in user.acknowledged_disclaimer_versions
        ),
        last_screening_any_yes=user.last_screening_any_yes,
        last_screening_at=user.last_screening_at,
        last_red_flag_at=user.last_red_flag_at,
        last_screening_questions_version=user.last_screening_questions_version,
        last_lasting_fact_at=user.last_lasting_fact_at,
        last_clearance_at=user.last_clearance_at,
    )


class SiteConfiguration(SiteRow):
    """One row of settings a coach edits in admin. Blank fields use the environment's values."""

    referral_url = models.URLField(
        "referral link",
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where “Find a skilled practitioner” leads. Blank: the REFERRAL_URL setting.",
    )
    referral_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The directory's name, e.g. ClinicalAthlete. Blank: the REFERRAL_NAME setting.",
    )
    emergency_number = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ]*$",
                "Digits only, with spaces if you like and a + in front for a country code.",
            )
        ],
        help_text="Shown, as a number to tap, when someone answers yes to an emergency sign "
        "(e.g. 999, 911, 112). Blank: the page says “call your local emergency number”.",
    )

    objects = SiteRowQuerySet.as_manager()

    class Meta:
        verbose_name = "site configuration"
        verbose_name_plural = "site configuration"

    def __str__(self) -> str:
        return "Site configuration"

    def save(self, *args, **kwargs):
        self.pk = 1  # there is only one
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> SiteConfiguration:
        """The configuration (one query; `site_rows_for` keeps it); a blank one if none yet."""
        return cls.objects.filter(pk=1).first() or cls()

    @property
    def emergency_tel(self) -> str:
        """The emergency number as a tel: link's target, or "" when none is set."""
        return f"tel:{self.emergency_number.replace(' ', '')}" if self.emergency_number else ""

    @property
    def referral(self) -> tuple[str, str]:
        """(url, name): the admin's value where set, else the setting from the environment."""
        return (
            self.referral_url or settings.REFERRAL_URL,
            self.referral_name or settings.REFERRAL_NAME,
        )
