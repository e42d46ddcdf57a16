"""Guide me's pacing (issue 15): a get-ready time per exercise, and tempos checked.

The seeded tempos were all the field's default of 3 s a rep except Hip CARs'
6 s. Only rows still at that old default move to their checked tempo: a
coach's own value, any other number, is left alone. A fresh database gets the
same tempos from the fixture: this runs before anything is seeded.

Why each tempo (one rep is one full movement there and back, as the product brief counts it):
- 1a thoracic sweep, 3 s: one arc over and back, breathing out on the way.
- 1b Hip CARs, 6 s (already): within the slow circle of about 5 to 10 s.
- 2a deadbug, 3 s: reach out and back.
- 2b rockback rotation, 3 s: elbow down, then up.
- 3a glute bridge, 3 s: lift, squeeze, lower.
- 3b hamstring lowering, 4 s: the seed's own cue is "lower slowly".
- 3c world's greatest stretch, 3 s: elbow down, reach up, hand down.
A slower tempo everywhere would take a guided session past the 25 minutes
the product promises, so only the movement whose cue is to go slowly is slowed.
"""

import django.core.validators
from django.db import migrations, models

OLD_DEFAULT = 3
TEMPOS = {"hamstring-lowering": 4}


def set_tempos(apps, schema_editor):
    Exercise = apps.get_model("protocols", "Exercise")
    for slug, seconds in TEMPOS.items():
        Exercise.objects.filter(slug=slug, seconds_per_rep=OLD_DEFAULT).update(
            seconds_per_rep=seconds
        )


class Migration(migrations.Migration):

    dependencies = [
        ('protocols', '0005_coach_media'),
    ]

    operations = [
        migrations.AddField(
            model_name='exercise',
            name='get_ready_seconds',
            field=models.PositiveSmallIntegerField(default=5, help_text='Time to get into position before Guide me counts the first rep.', validators=[django.core.validators.MaxValueValidator(30)], verbose_name='get ready (seconds)'),
        ),
        migrations.AlterField(
            model_name='exercise',
            name='seconds_per_rep',
            field=models.PositiveSmallIntegerField(default=3, help_text="The tempo of one full rep, there and back: Guide me counts at it, and the session's length is estimated from it.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)]),
        ),
        # Backwards leaves the tempos: a coach may have chosen 4 s since.
        migrations.RunPython(set_tempos, migrations.RunPython.noop),
    ]
