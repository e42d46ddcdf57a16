"""The forms of the sharing pages: a new link, and what a shared record shows."""

from django import forms

from .models import ShareLink
from .models.sharing import LABEL_MAX_LENGTH


class ShareOptionsForm(forms.Form):
    """What a shared record shows: the name on it, and whether notes and safety answers."""

    display_name = forms.CharField(
        label="Name to show on it",
        max_length=LABEL_MAX_LENGTH,
        help_text="Your practitioner sees this name, never your email address.",
        error_messages={"required": "Type the name your practitioner knows you by."},
    )
    include_notes = forms.BooleanField(
        label="Include my notes", required=False, help_text="What you wrote after each session."
    )
    include_safety = forms.BooleanField(
        label="Include my safety-question answers",
        required=False,
        initial=True,
        help_text="Your answers to the safety questions, with their dates.",
    )

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Type the name your practitioner knows you by.")
        if "@" in name:
            raise forms.ValidationError("A name, please, not an email address.")
        return name


class ShareLinkForm(ShareOptionsForm):
    """A new share link: whom it is for and how long it lasts, then what it shows."""

    field_order = ["label", "expiry_days", "display_name", "include_notes", "include_safety"]

    label = forms.CharField(
        label="Who is it for?",
        max_length=LABEL_MAX_LENGTH,
        help_text='A label for your own list, e.g. "physio, March".',
        error_messages={"required": 'Give it a label, e.g. "physio, March".'},
    )
    expiry_days = forms.TypedChoiceField(
        label="The link works for",
        choices=ShareLink.Expiry.choices,
        coerce=int,
        initial=ShareLink.Expiry.MONTH,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose 7, 30 or 90 days."},
    )

    def clean_label(self) -> str:
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise forms.ValidationError('Give it a label, e.g. "physio, March".')
        return label
