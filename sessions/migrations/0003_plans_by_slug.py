# Sessions name exercises by slug and circuits by number, and keep their own
# copy of each exercise's instructions: row ids change when the database moves
# (dumpdata/loaddata with natural keys), and admin may delete the rows.

from django.db import migrations, models



def plans_by_slug(apps, schema_editor):
    """Old plans held exercise and circuit ids: name exercises by slug instead.

    Sessions in progress also get a copy of their exercises' instructions, as
    those exercises read now. An exercise deleted meanwhile keeps a stand-in
    slug: the step still shows its name and reps, from the plan.
    """
    Exercise = apps.get_model("protocols", "Exercise")
    TrainingSession = apps.get_model("training_sessions", "TrainingSession")
    exercises = {exercise.pk: exercise for exercise in Exercise.objects.all()}
    for session in TrainingSession.objects.iterator(chunk_size=500):
        instructions = {}
        for entry in session.plan:
            if isinstance(entry.get("exercise"), str):
                continue  # already a slug
            exercise = exercises.get(entry["exercise"])
            entry["exercise"] = exercise.slug if exercise else f"exercise-{entry['exercise']}"
            entry.pop("circuit", None)
            if exercise is not None and session.status == "in_progress":
                instructions[exercise.slug] = {
                    "cue": exercise.cue,
                    "how_to_steps": [
                        line.strip() for line in exercise.how_to.splitlines() if line.strip()
                    ],
                    "common_mistake": exercise.common_mistake,
                    "when_to_stop": exercise.when_to_stop,
                }
        session.instructions = instructions
        session.save(update_fields=["plan", "instructions"])


def plans_by_id(apps, schema_editor):
    """Back to ids, for the exercises and circuits that still exist."""
    Circuit = apps.get_model("protocols", "Circuit")
    Exercise = apps.get_model("protocols", "Exercise")
    TrainingSession = apps.get_model("training_sessions", "TrainingSession")
    exercises = dict(Exercise.objects.values_list("slug", "pk"))
    circuits = {(c.protocol_id, c.number): c.pk for c in Circuit.objects.all()}
    for session in TrainingSession.objects.iterator(chunk_size=500):
        for entry in session.plan:
            entry["exercise"] = exercises.get(entry["exercise"], 0)
            entry["circuit"] = circuits.get((session.protocol_id, entry["circuit_number"]), 0)
        session.save(update_fields=["plan"])


class Migration(migrations.Migration):

    dependencies = [
        ("protocols", "0003_remove_protocol_updated_at"),
        ("training_sessions", "0002_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="instructions",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Each exercise's cue, how-to and stop rule by slug, as they were at the start.",
            ),
        ),
        migrations.RunPython(plans_by_slug, plans_by_id),
        migrations.RemoveConstraint(
            model_name="completedround",
            name="training_sessions_round_once",
        ),
        migrations.RemoveField(
            model_name="completedround",
            name="circuit",
        ),
        migrations.AddConstraint(
            model_name="completedround",
            constraint=models.UniqueConstraint(
                fields=("session", "circuit_number", "round_number"),
                name="training_sessions_round_once",
            ),
        ),
    ]
