from django.contrib import admin

from .models import Circuit, Exercise, Protocol


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
    ]
    show_change_link = True


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
    fields = [*ExerciseInline.fields[:2], ("circuit",), *ExerciseInline.fields[2:]]
