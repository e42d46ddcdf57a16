from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .forms import ExercisePhotoForm, ExerciseVideoForm
from .models import Circuit, Exercise, ExercisePhoto, ExerciseVideo, Protocol


class CircuitInline(admin.TabularInline):
    model = Circuit
    extra = 0
    ordering = ["number"]
    fields = ["number", "focus", "rounds", "rest_between_rounds_seconds", "rest_after_seconds"]
    show_change_link = True


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CircuitInline]


class ExerciseInline(admin.StackedInline):
    model = Exercise
    extra = 0
    ordering = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        ("position", "label", "is_active"),
        ("name", "slug"),
        "subtitle",
        ("reps", "per_side", "seconds_per_rep", "get_ready_seconds", "rest_after_seconds"),
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
    list_display = ["label", "name", "circuit", "reps", "per_side", "is_active"]
    list_display_links = ["label", "name"]
    list_filter = ["is_active", "circuit__protocol", "circuit"]
    list_select_related = ["circuit__protocol"]
    search_fields = ["name", "label", "cue", "how_to"]
    ordering = ["circuit__protocol", "circuit__number", "position"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [*ExerciseInline.fields[:2], ("circuit",), *ExerciseInline.fields[2:-1]]
    fields += ["coach_media_replaces_illustration"]
    inlines = [ExercisePhotoInline, ExerciseVideoInline]
