from django import forms

from .models import NOTES_MAX_LENGTH

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
    circuit = forms.IntegerField(min_value=1)
    round = forms.IntegerField(min_value=1, max_value=100)
    exercise = forms.IntegerField(min_value=1)

    def names(self, step) -> bool:
        """Whether the submitted fields name exactly this planned step."""
        data = self.cleaned_data
        return (data["step"], data["circuit"], data["round"], data["exercise"]) == (
            step.number,
            step.circuit_id,
            step.round_number,
            step.exercise_id,
        )


class RestForm(forms.Form):
    after_step = forms.IntegerField(min_value=1, max_value=1000)
