import functools
import zoneinfo

from django import forms
from django.conf import settings

from .models import NOTES_MAX_LENGTH, TrainingPreferences, Weekday

PAIN_CHOICES = [(number, str(number)) for number in range(11)]
PAIN_ERROR = "Choose a number from 0 (no pain) to 10 (the worst pain you can imagine)."


def pain_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": PAIN_ERROR},
    )


class StartForm(forms.Form):
    pain_before = pain_field("How much does your back hurt right now?")
    # Sent by "Nothing new" on the one-tap question that follows a skipped
    # pain score (sessions/anything_new.html).
    nothing_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReflectionForm(forms.Form):
    pain_after = pain_field("How much does your back hurt now?")
    notes = forms.CharField(
        label="How did it feel?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: anything you want to remember, or to tell your practitioner.",
    )

    def clean_notes(self) -> str:
        notes = self.cleaned_data["notes"].strip()
        if len(notes) > NOTES_MAX_LENGTH:
            raise forms.ValidationError(
                f"Please keep notes under {NOTES_MAX_LENGTH:,} characters "
                f"(these are {len(notes):,}). Nothing has been saved yet."
            )
        return notes


class StepForm(forms.Form):
    """The step a Done button completes, named in full so stale taps can be told apart."""

    step = forms.IntegerField(min_value=1, max_value=1000)
    circuit = forms.IntegerField(min_value=1, max_value=1000)
    round = forms.IntegerField(min_value=1, max_value=100)
    exercise = forms.SlugField(max_length=120)

    def names(self, step) -> bool:
        """Whether the submitted fields name exactly this planned step (None: no step)."""
        data = self.cleaned_data
        return step is not None and (
            data["step"],
            data["circuit"],
            data["round"],
            data["exercise"],
        ) == (step.number, step.circuit_number, step.round_number, step.exercise_slug)


class SkipForSessionForm(forms.Form):
    """The exercise to pass over for the rest of a session."""

    exercise = forms.SlugField(max_length=120)


class RestForm(forms.Form):
    after_step = forms.IntegerField(min_value=1, max_value=1000)


# --- History: preferences and the printed summary -------------------------------------

# The system's own zone and a placeholder are in the tz database's list but are
# no place anyone lives.
NOT_PLACES = {"localtime", "Factory", "posixrules"}


@functools.cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - NOT_PLACES)


@functools.cache
def time_zone_choices() -> list:
    """Grouped by region for the select: ("Europe", [("Europe/London", "Europe/London"), …]).

    UTC comes first; the form puts the blank choice (the site's own zone) above it.
    """
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(known_time_zones()):
        region, _, place = name.partition("/")
        if place and region not in {"Etc", "SystemV"}:
            regions.setdefault(region, []).append((name, name.replace("_", " ")))
    return [
        ("UTC", "UTC"),
        *((region, places) for region, places in sorted(regions.items())),
    ]


class GuideSettingsForm(forms.ModelForm):
    """Guide me's sound, speed and whether it carries on: saved from the player as it plays."""

    class Meta:
        model = TrainingPreferences
        fields = ["guide_sound", "guide_speed", "guide_carries_on"]
        labels = {"guide_sound": "Sound", "guide_speed": "Speed"}
        widgets = {
            "guide_sound": forms.RadioSelect,
            "guide_speed": forms.Select(attrs={"class": "form-select"}),
            "guide_carries_on": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class PreferencesForm(forms.ModelForm):
    time_zone = forms.CharField(
        label="Your time zone",
        required=False,
        help_text="Dates, times and streaks follow it, and so do your reminders.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    training_days = forms.TypedMultipleChoiceField(
        label="Days you mean to train",
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose days from Monday to Sunday."},
    )
    reminder_time = forms.TimeField(
        label="Reminder time",
        help_text="Your calendar reminds you at this time on those days.",
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M"),
        error_messages={
            "required": "Choose a time for the reminder, such as 07:30.",
            "invalid": "Enter a time such as 07:30 (hours 00 to 23, minutes 00 to 59).",
        },
    )

    class Meta:
        model = TrainingPreferences
        fields = [
            "time_zone",
            "training_days",
            "reminder_time",
            *GuideSettingsForm.Meta.fields,
        ]
        widgets = GuideSettingsForm.Meta.widgets
        labels = GuideSettingsForm.Meta.labels

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Unchosen, times are shown in the site's zone (TrainingPreferences.zone).
        choices = [("", f"Not chosen: {settings.TIME_ZONE}"), *time_zone_choices()]
        chosen = self.instance.time_zone
        if chosen and chosen != "UTC" and chosen.partition("/")[0] not in dict(choices[2:]):
            # An old-style name (say "GB") the list leaves out: keep it selectable.
            choices = [*choices, (chosen, chosen)]
        self.fields["time_zone"].widget.choices = choices
        # A form from before Guide me (or a bookmarked copy) leaves its settings as they are.
        self.fields["guide_sound"].required = self.fields["guide_speed"].required = False
        if not chosen:
            # static/js/timezone.js fills in the browser's zone, for the user to save.
            self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name and name not in known_time_zones():
            raise forms.ValidationError(
                "Choose your time zone from the list (for example Europe/London)."
            )
        return name

    def clean_training_days(self) -> list[int]:
        return sorted(set(self.cleaned_data["training_days"]))

    def clean_guide_sound(self) -> str:
        return self.cleaned_data["guide_sound"] or self.instance.guide_sound

    def clean_guide_speed(self) -> int:
        return self.cleaned_data["guide_speed"] or self.instance.guide_speed


class PrintPeriodForm(forms.Form):
    """Which sessions the printed summary lists; anything unexpected means all of them."""

    PERIODS = {"4": 4, "12": 12, "all": None}

    weeks = forms.ChoiceField(
        choices=[("4", "Last 4 weeks"), ("12", "Last 12 weeks"), ("all", "Everything")],
        required=False,
    )

    def weeks_back(self) -> int | None:
        """How many weeks to list, or None for everything."""
        if self.is_valid() and self.cleaned_data["weeks"]:
            return self.PERIODS[self.cleaned_data["weeks"]]
        return None


class ProtocolFilterForm(forms.Form):
    """History narrowed to one protocol (`?protocol=<id>`), among those the person has used.

    Anything else (no protocol, one they never used, "abc") means every
    protocol; `problem` then says why, for the page to show.
    """

    protocol = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, data, protocols: list[tuple[int, str]]):
        super().__init__(data)
        self.protocols = protocols
        self.fields["protocol"].choices = [("", "All protocols"), *protocols]

    @property
    def offered(self) -> bool:
        """Worth showing: the person has sessions of more than one protocol."""
        return len(self.protocols) > 1

    def protocol_id(self) -> int | None:
        if self.is_valid():
            return self.cleaned_data["protocol"]
        return None

    @property
    def problem(self) -> str:
        if not self.data.get("protocol") or self.is_valid():
            return ""
        return "That protocol is not in your history, so every session is shown."

    def chosen_name(self) -> str:
        chosen = self.protocol_id()
        return next((name for pk, name in self.protocols if pk == chosen), "")
