"""The forms of the safety gate: the disclaimer, the red-flag questions, a clinician's go-ahead."""

from datetime import date

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from .models import (
    LASTING_FACTS,
    QUESTIONS_VERSION,
    ClinicianClearance,
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
)


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

    def save(self, user: AbstractBaseUser) -> DisclaimerAcknowledgement:
        """Record the acknowledgement once, however often the form is sent."""
        acknowledgement, _ = DisclaimerAcknowledgement.objects.get_or_create(
            user=user, disclaimer=self.disclaimer
        )
        return acknowledgement


YES_NO = [("yes", "Yes"), ("no", "No")]


class RedFlagScreeningForm(forms.Form):
    """One required yes/no question per red flag: nothing is assumed to be a no.

    The lasting facts are asked only when `ask_lasting` (see
    SafetyStatus.asks_lasting_facts); otherwise they are left out.
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

    def save(self, user: AbstractBaseUser) -> RedFlagScreening:
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

    def save(self, user: AbstractBaseUser) -> ClinicianClearance:
        return ClinicianClearance.objects.create(
            user=user, cleared_on=self.cleaned_data["cleared_on"]
        )
