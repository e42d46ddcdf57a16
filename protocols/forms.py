"""Admin forms for a coach's media: each upload checked in `clean_<field>` (protocols.uploads).

A refused file is an error on its field and nothing is stored: files are only
written by `save`, after every form on the page is valid.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .models import ExercisePhoto, ExerciseVideo
from .uploads import POSTER_WIDTHS, photo_renditions, video_extension

IMAGE_TYPES = "image/jpeg,image/png,image/webp"
PHOTO_HELP = (
    "JPEG, PNG or WebP, at most 10 MB and 40 megapixels. It is stored as phone-sized WebP "
    "copies, turned the right way up, with the camera's details (EXIF, location) removed."
)


class ExercisePhotoForm(forms.ModelForm):
    image = forms.FileField(
        label="Photo",
        required=False,
        help_text=PHOTO_HELP + " Choose a new file to replace the photo.",
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )

    class Meta:
        model = ExercisePhoto
        fields = ["image", "alt_text", "position"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload is None:
            if not self.instance.renditions:
                raise ValidationError("Choose a photo to upload.")
            return None
        self.renditions = photo_renditions(upload)
        return upload

    def save(self, commit: bool = True) -> ExercisePhoto:
        if self.cleaned_data.get("image"):
            self.instance.set_image(self.renditions)
        return super().save(commit)


class ExerciseVideoForm(forms.ModelForm):
    video = forms.FileField(
        required=False,
        help_text="MP4 or WebM, at most 50 MB: a short demonstration. It never plays by itself "
        "and starts muted. Choose a new file to replace the video.",
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm"}),
    )
    poster = forms.FileField(
        label="Poster image",
        required=False,
        help_text="Shown before the video plays: a still of the starting position. " + PHOTO_HELP,
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )

    class Meta:
        model = ExerciseVideo
        fields = ["video", "poster", "description"]

    def clean_video(self):
        upload = self.cleaned_data.get("video")
        if upload is None:
            if not self.instance.video_name:
                raise ValidationError("Choose a video to upload.")
            return None
        self.extension = video_extension(upload)
        return upload

    def clean_poster(self):
        upload = self.cleaned_data.get("poster")
        if upload is None:
            if not self.instance.poster_name:
                raise ValidationError("Choose a poster image: the video shows it until it plays.")
            return None
        self.poster_renditions = photo_renditions(upload, POSTER_WIDTHS)
        return upload

    def save(self, commit: bool = True) -> ExerciseVideo:
        if self.cleaned_data.get("video"):
            self.instance.set_video(self.cleaned_data["video"], self.extension)
        if self.cleaned_data.get("poster"):
            self.instance.set_poster(self.poster_renditions)
        return super().save(commit)
