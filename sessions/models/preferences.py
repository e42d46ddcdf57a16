"""When a user means to train, in their own time zone, and how Guide me sounds to them.

`TrainingPreferences` also makes the private calendar feed of reminders.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta

import icalendar
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Weekday(models.IntegerChoices):
    """Python's numbering (Monday is 0), with iCalendar's two-letter codes."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"

    @property
    def ical(self) -> str:
        return self.name[:2]


# How long the reminder's calendar event lasts: a session takes about this.
REMINDER_MINUTES = 25


class GuideSound(models.TextChoices):
    """What Guide me sounds like; vibration and the words on screen come with every choice."""

    SPEECH = "speech", "Spoken words and counting"
    TONES = "tones", "Tones only"
    OFF = "off", "No sound"


class GuideSpeed(models.IntegerChoices):
    """How fast Guide me plays a set, in per cent of the exercise's own tempo."""

    SLOWER = 75, "0.75× (slower)"
    NORMAL = 100, "1× (the exercise's own tempo)"
    FASTER = 125, "1.25×"
    FASTEST = 150, "1.5× (faster)"


class TrainingPreferences(models.Model):
    """When a user means to train, their time zone, and their private calendar feed.

    No row until the user first saves their settings: until then the
    defaults below apply (the server's zone, which is UTC unless configured).
    """

    # The preferences are the user's; they go with the account.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_preferences"
    )
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="An IANA name, e.g. Europe/London; blank: not chosen."
    )
    training_days = models.JSONField(
        default=list, blank=True, help_text="Weekday numbers, Monday 0 … Sunday 6."
    )
    reminder_time = models.TimeField(default=time(18, 0))
    # The secret in the calendar feed's URL. Stored as is: the settings page
    # shows the link again whenever the user wants to add it to a calendar, and
    # the feed reveals only when they plan to train (no pain, no notes).
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    # Guide me: kept here, not in the browser, so they follow the person to another device.
    guide_sound = models.CharField(
        "Guide me's sound", max_length=10, choices=GuideSound, default=GuideSound.SPEECH
    )
    guide_speed = models.PositiveSmallIntegerField(
        "Guide me's speed", choices=GuideSpeed, default=GuideSpeed.NORMAL
    )
    guide_carries_on = models.BooleanField(
        "Carry on by myself",
        default=True,
        help_text="When a guided set ends, record it and go on to the rest and the next "
        "exercise. Off: the guide waits for you to tap Done.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "training preferences"
        constraints = [
            models.CheckConstraint(
                condition=Q(guide_speed__in=GuideSpeed.values),
                name="training_preferences_guide_speed_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Training preferences of {self.user}"

    @classmethod
    def for_user(cls, user) -> TrainingPreferences:
        """The user's preferences, or unsaved defaults (one query)."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def guide_settings(self) -> dict:
        """What the step screen's player starts with (plain data for `json_script`)."""
        return {
            "sound": self.guide_sound,
            "speed": self.guide_speed / 100,
            "carriesOn": self.guide_carries_on,
            "speeds": [value / 100 for value in GuideSpeed.values],
        }

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def weekdays(self) -> list[Weekday]:
        return [Weekday(number) for number in sorted(set(self.training_days))]

    def reset_feed_token(self) -> None:
        """A new secret: the old feed URL stops working at once."""
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token", "updated_at"])

    def first_reminder(self, today: date) -> datetime | None:
        """The first training day on or after `today`, at the reminder time, in the user's zone."""
        if not self.training_days:
            return None
        days_ahead = min((number - today.weekday()) % 7 for number in self.training_days)
        return datetime.combine(today + timedelta(days=days_ahead), self.reminder_time, self.zone)

    def reminder_calendar(self, start_url: str) -> bytes:
        """The ICS feed: one weekly event on the chosen days, with an alarm.

        It says when to train and links to the app; nothing about how anyone's
        back felt is in it.
        """
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Back Relief//Training reminders//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", "Back Relief")
        calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
        first = self.first_reminder(timezone.localdate(self.updated_at, self.zone))
        if first is not None:
            event = icalendar.Event()
            event.add("uid", f"training-reminder-{self.pk}@back-relief")
            event.add("dtstamp", self.updated_at)
            event.add("summary", "Back Relief: time for your back exercises")
            event.add("description", f"Start your session: {start_url}")
            event.add("url", start_url)
            event.add("dtstart", first)
            event.add("duration", timedelta(minutes=REMINDER_MINUTES))
            event.add("rrule", {"freq": "weekly", "byday": [day.ical for day in self.weekdays]})
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", "Time for your back exercises")
            alarm.add("trigger", timedelta(0))
            event.add_component(alarm)
            calendar.add_component(event)
            # The zone's rules from the first reminder on (up to icalendar's 2038).
            calendar.add_missing_timezones(first_date=first.date())
        return calendar.to_ical()
