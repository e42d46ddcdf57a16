"""A coach's own media for an exercise: ordered photos and one short demo video.

Only what `protocols.uploads` made is stored, under names that are new for
every upload (so they can be cached for a year): each photo as WebP
renditions (480 and 960 px wide), the video as uploaded (its type checked)
with a WebP poster. The uploaded photo itself is not kept: the renditions are
all that is shown, and a file that is never stored cannot leak its metadata.

Files are written and removed here, by `save` and `delete` and the querysets'
`delete`, never by signals. Old files go once the transaction commits, so a
rolled-back change still finds its files.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from protocols.uploads import Rendition

from .protocol import Exercise, Protocol

MEDIA_FOLDER = "coach"


def store(data: bytes, suffix: str) -> str:
    """Write `data` under a new random name; returns the name the storage chose."""
    return default_storage.save(f"{MEDIA_FOLDER}/{uuid.uuid4().hex}{suffix}", ContentFile(data))


def remove_after_commit(names: Iterable[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def refresh_protocols_of(exercise_ids: Iterable[int]) -> None:
    Protocol.objects.filter(circuits__exercises__in=set(exercise_ids)).refresh_has_coach_media()


class CoachFilesQuerySet(models.QuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete the rows, then their files (the admin's bulk delete comes here)."""
        doomed = list(self)
        result = super().delete()
        remove_after_commit(name for item in doomed for name in item.file_names)
        refresh_protocols_of(item.exercise_id for item in doomed)
        return result


class CoachFile(models.Model):
    """What a photo and the video share: their files' lifetime."""

    objects = CoachFilesQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        replaced = getattr(self, "_replaced_names", [])
        added = getattr(self, "_added_names", [])
        try:
            super().save(*args, **kwargs)
        except Exception:
            # Nothing refers to the files just written: remove them now, as the
            # transaction that would have run `on_commit` is rolling back.
            for name in added:
                default_storage.delete(name)
            raise
        remove_after_commit(replaced)
        self._replaced_names, self._added_names = [], []
        refresh_protocols_of([self.exercise_id])

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        names, exercise_id = self.file_names, self.exercise_id
        result = super().delete(*args, **kwargs)
        remove_after_commit(names)
        refresh_protocols_of([exercise_id])
        return result

    @property
    def file_names(self) -> list[str]:
        raise NotImplementedError

    def _replace(self, old_names: Iterable[str], new_names: Iterable[str]) -> None:
        """Note files written and the ones they replace: `save` removes the old ones
        once the new ones are recorded, or the new ones if recording fails."""
        self._replaced_names = [*getattr(self, "_replaced_names", []), *filter(None, old_names)]
        self._added_names = [*getattr(self, "_added_names", []), *new_names]


def _stored_renditions(renditions: list[Rendition]) -> list[dict]:
    return [
        {"name": store(r.data, f"-{r.width}w.webp"), "width": r.width, "height": r.height}
        for r in renditions
    ]


class ExercisePhoto(CoachFile):
    # PROTECT: deleting an exercise (or its circuit) would cascade past
    # `delete()` and leave the photo's files in storage; remove photos first.
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="photos")
    position = models.PositiveSmallIntegerField(default=1, help_text="Photos show in this order.")
    alt_text = models.CharField(
        max_length=250,
        help_text="What the photo shows, for someone who cannot see it: the position, "
        "what moves, and where.",
    )
    # [{"name": …, "width": …, "height": …}, …], narrowest first.
    renditions = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["exercise", "position", "pk"]
        # An exercise's photos in order: the exercise and step pages.
        indexes = [models.Index(fields=["exercise", "position"], name="protocols_photo_order")]
        verbose_name = "photo"

    def __str__(self) -> str:
        return f"Photo {self.position}: {self.alt_text[:60]}"

    def set_image(self, renditions: list[Rendition]) -> None:
        """Store new renditions; the old ones are removed when this photo is saved."""
        old_names = self.file_names
        self.renditions = _stored_renditions(renditions)
        self._replace(old_names, self.file_names)

    @property
    def file_names(self) -> list[str]:
        return [r["name"] for r in self.renditions]

    @property
    def largest(self) -> dict:
        return self.renditions[-1]

    @property
    def src(self) -> str:
        return default_storage.url(self.largest["name"])

    @property
    def srcset(self) -> str:
        return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in self.renditions)


class ExerciseVideo(CoachFile):
    # PROTECT, as for photos: a cascade would leave the video's files behind.
    exercise = models.OneToOneField(Exercise, on_delete=models.PROTECT, related_name="demo_video")
    description = models.CharField(
        max_length=250,
        help_text="What the video shows, in a sentence, for someone who cannot see it.",
    )
    video_name = models.CharField(max_length=200, editable=False)
    poster_name = models.CharField(max_length=200, editable=False)
    poster_width = models.PositiveIntegerField(default=0, editable=False)
    poster_height = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "demo video"

    def __str__(self) -> str:
        return f"Demo video of {self.exercise_id}"

    def set_video(self, upload: UploadedFile, extension: str) -> None:
        """Store the (checked) upload; the old file is removed when this video is saved."""
        old_name = self.video_name
        self.video_name = default_storage.save(
            f"{MEDIA_FOLDER}/{uuid.uuid4().hex}{extension}", upload
        )
        self._replace([old_name], [self.video_name])

    def set_poster(self, renditions: list[Rendition]) -> None:
        """Store the poster's rendition; the old one is removed when this video is saved."""
        (stored,) = _stored_renditions(renditions)
        self._replace([self.poster_name], [stored["name"]])
        self.poster_name = stored["name"]
        self.poster_width, self.poster_height = stored["width"], stored["height"]

    @property
    def file_names(self) -> list[str]:
        return [self.video_name, self.poster_name]

    @property
    def url(self) -> str:
        return default_storage.url(self.video_name)

    @property
    def content_type(self) -> str:
        return "video/webm" if self.video_name.endswith(".webm") else "video/mp4"

    @property
    def poster_url(self) -> str:
        return default_storage.url(self.poster_name)


@dataclass(frozen=True)
class CoachMedia:
    """What the exercise and step pages show of a coach's media: see _coach_media.html."""

    photos: list[ExercisePhoto]
    video: ExerciseVideo | None
    replaces_illustration: bool

    @classmethod
    def of(cls, exercise: Exercise) -> CoachMedia | None:
        """The exercise's media, or None. One query for the photos; the video is one
        more unless `exercise` came with `select_related("demo_video")`."""
        photos = list(exercise.photos.all())
        video = getattr(exercise, "demo_video", None)
        if not photos and video is None:
            return None
        return cls(photos, video, exercise.coach_media_replaces_illustration)

    @classmethod
    def for_slug(cls, slug: str) -> CoachMedia | None:
        """The media of the exercise with `slug` (two queries), or None."""
        exercise = Exercise.objects.select_related("demo_video").filter(slug=slug).first()
        return cls.of(exercise) if exercise else None
