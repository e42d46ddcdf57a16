from django.contrib import admin, messages
from django.db import models, transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify

from .forms import ExercisePhotoForm, ExerciseVideoForm
from .models import Circuit, Exercise, ExercisePhoto, ExerciseVideo, Protocol
from .models.protocol import MAX_CIRCUITS, MAX_EXERCISES_PER_CIRCUIT, NOTHING_TO_PUBLISH


class CircuitInline(admin.TabularInline):
    model = Circuit
    extra = 0
    max_num = MAX_CIRCUITS
    ordering = ["number"]
    fields = ["number", "focus", "rounds", "rest_between_rounds_seconds", "rest_after_seconds"]
    show_change_link = True


def _unique_slug(model, base: str, taken: set[str]) -> str:
    """`base`-copy, `base`-copy-2, … : the first that no row (and no slug in `taken`) has."""
    stem = slugify(f"{base[:100]}-copy")
    candidate, number = stem, 1
    while candidate in taken or model.objects.filter(slug=candidate).exists():
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate)
    return candidate


def duplicate(protocol: Protocol) -> Protocol:
    """A new draft with copies of the protocol's circuits and exercises, under new slugs.

    A coach's photos and video stay with the original (files are not copied);
    the built-in drawings are keyed by the seed's slugs, so the copy has none.
    """
    taken: set[str] = set()
    with transaction.atomic():
        copy = Protocol.objects.create(
            name=f"{protocol.name} (copy)"[:120],
            slug=_unique_slug(Protocol, protocol.slug, taken),
            summary=protocol.summary,
            status=Protocol.Status.DRAFT,
            is_featured=False,
        )
        for circuit in protocol.circuits.order_by("number"):
            exercises = list(circuit.exercises.order_by("position"))
            circuit.pk, circuit.protocol = None, copy
            circuit._state.adding = True
            circuit.save()
            for exercise in exercises:
                exercise.pk, exercise.circuit = None, circuit
                exercise._state.adding = True
                exercise.slug = _unique_slug(Exercise, exercise.slug, taken)
                exercise.save()
    return copy


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "is_featured", "session_count"]
    list_filter = ["status"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "summary", "status", "is_featured"]
    inlines = [CircuitInline]
    actions = ["duplicate_protocols", "publish", "retire"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sessions_count=models.Count(
                    "training_sessions", filter=models.Q(training_sessions__preview=False)
                )
            )
        )

    @admin.display(description="sessions", ordering="sessions_count")
    def session_count(self, protocol: Protocol) -> int:
        """Everyone's sessions with it, finished, ended early or in progress (no previews)."""
        return protocol.sessions_count

    @admin.action(description="Duplicate protocol (a new draft, with new slugs)")
    def duplicate_protocols(self, request, queryset):
        for protocol in queryset.order_by("pk"):
            copy = duplicate(protocol)
            url = reverse("admin:protocols_protocol_change", args=[copy.pk])
            self.message_user(
                request,
                format_html(
                    'Copied {} into the draft <a href="{}">{}</a>: its exercises have new '
                    "slugs; photos and videos were not copied.",
                    protocol.name,
                    url,
                    copy.name,
                ),
                messages.SUCCESS,
            )

    @admin.action(description="Publish (people can find and start it)")
    def publish(self, request, queryset):
        for protocol in queryset.order_by("pk"):
            if not protocol.has_active_exercise():
                self.message_user(request, f"{protocol.name}: {NOTHING_TO_PUBLISH}", messages.ERROR)
                continue
            protocol.status = Protocol.Status.PUBLISHED
            protocol.save(update_fields=["status"])
            self.message_user(request, f"{protocol.name} is published.", messages.SUCCESS)

    @admin.action(description="Retire (no longer started; history keeps it)")
    def retire(self, request, queryset):
        count = queryset.update(status=Protocol.Status.RETIRED)
        self.message_user(request, f"{count} protocol{'s' if count != 1 else ''} retired.")


class ExerciseInline(admin.StackedInline):
    model = Exercise
    extra = 0
    max_num = MAX_EXERCISES_PER_CIRCUIT
    ordering = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        ("position", "label", "is_active"),
        ("name", "slug"),
        "subtitle",
        ("measure", "reps", "per_side"),
        ("seconds_per_rep", "get_ready_seconds", "rest_after_seconds"),
        "cue",
        "how_to",
        "easier",
        "common_mistake",
        "when_to_stop",
        ("coach_media_replaces_illustration", "coach_media"),
    ]
    readonly_fields = ["coach_media"]
    show_change_link = True

    @admin.display(description="Photos and video")
    def coach_media(self, exercise: Exercise) -> str:
        """Admin cannot nest inlines: a link to the exercise's own page, where they are edited."""
        if exercise.pk is None:
            return "Save the exercise, then add photos and a video on its own page."
        photos = exercise.photos.count()
        video = ExerciseVideo.objects.filter(exercise=exercise).exists()
        summary = f"{photos} photo{'s' if photos != 1 else ''}" + (", a video" if video else "")
        url = reverse("admin:protocols_exercise_change", args=[exercise.pk])
        return format_html('{} · <a href="{}">add or change them</a>', summary, url)


class ExercisePhotoInline(admin.TabularInline):
    model = ExercisePhoto
    form = ExercisePhotoForm
    extra = 1
    ordering = ["position", "pk"]
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="Now")
    def preview(self, photo: ExercisePhoto) -> str:
        if not photo.renditions:
            return "—"
        small = photo.renditions[0]
        return format_html(
            '<img src="{}" alt="{}" width="120" height="{}">',
            photo.src,
            photo.alt_text,
            round(120 * small["height"] / small["width"]),
        )


class ExerciseVideoInline(admin.StackedInline):
    model = ExerciseVideo
    form = ExerciseVideoForm
    extra = 0
    max_num = 1
    fields = ["current", "video", "poster", "description"]
    readonly_fields = ["current"]

    @admin.display(description="Now")
    def current(self, video: ExerciseVideo) -> str:
        if not video.video_name:
            return "—"
        return format_html('<a href="{}">{}</a>', video.url, video.video_name.rsplit("/", 1)[-1])


@admin.register(Circuit)
class CircuitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "protocol", "focus", "rounds", "rest_between_rounds_seconds"]
    list_filter = ["protocol"]
    list_select_related = ["protocol"]
    inlines = [ExerciseInline]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["label", "name", "circuit", "prescription", "is_active"]
    list_display_links = ["label", "name"]
    list_filter = ["is_active", "circuit__protocol", "circuit"]
    list_select_related = ["circuit__protocol"]
    search_fields = ["name", "label", "cue", "how_to"]
    ordering = ["circuit__protocol", "circuit__number", "position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [*ExerciseInline.fields[:2], ("circuit",), *ExerciseInline.fields[2:-1]]
    fields += ["coach_media_replaces_illustration"]
    inlines = [ExercisePhotoInline, ExerciseVideoInline]
