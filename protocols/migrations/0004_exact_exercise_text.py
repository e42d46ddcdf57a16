"""Exercise text made exact, and 3b's plain subtitle (issue 13).

Rows a coach has edited are left alone: a row is updated only while every
one of its texts is still word for word what the seed shipped (OLD below).
A fresh database gets the new text from the fixture instead: this migration
runs before anything is seeded, so it finds nothing to change there.
"""

from django.db import migrations, models

OLD_SUMMARY = ('Seven exercises in three short circuits. They get your upper back and hips moving and '
 'your glutes and core working, so your lower back no longer has to cover for them. Do '
 'each circuit three times before moving on to the next.')

NEW_SUMMARY = ('Seven exercises in three short circuits, designed to get your upper back and hips '
 'moving and your glutes and core working, so that your lower back has less to make up '
 'for. Do each circuit three times before moving on to the next.')

OLD = {'side-lying-thoracic-sweep': {'cue': 'Keep your knees together on the floor and let '
                                      'your eyes follow your hand.',
                               'how_to': 'Lie on one side with your hips and knees bent '
                                         'to about 90°, knees stacked. A pillow under '
                                         'your head is fine.\n'
                                         'Reach both arms straight out in front of you.\n'
                                         'Sweep your top arm up over your head and round '
                                         'behind you in a wide arc, eyes following your '
                                         'hand.\n'
                                         'Keep your knees together on the floor, so the '
                                         'turn comes from your upper back.\n'
                                         'Sweep back the same way to the start. After '
                                         'your reps, roll over and do the other side.',
                               'common_mistake': 'Letting the top knee lift or slide '
                                                 'back. Then your lower back twists '
                                                 'instead of your upper back.',
                               'when_to_stop': 'Stop if you feel sharp, shooting or '
                                               'spreading pain, numbness or tingling, or '
                                               'pain that builds as you go. Moving '
                                               'gently within a mild, familiar ache is '
                                               'fine.'},
 'hip-cars': {'cue': 'Make the biggest, slowest circle your hip can while your pelvis '
                     'and trunk stay still.',
              'how_to': 'Stand tall and hold a wall or the back of a chair.\n'
                        'Lift one knee up in front of you.\n'
                        'Take the knee out to the side, rotate it back and round behind '
                        'you, then bring it down.\n'
                        'Keep your pelvis and trunk still: only the hip moves.\n'
                        'Do your circles one way, then the same number the other way, '
                        'then change legs.\n'
                        'You can also do them on hands and knees.',
              'common_mistake': 'Leaning or twisting your trunk to make the circle look '
                                'bigger. A smaller circle from the hip alone is the '
                                'point.',
              'when_to_stop': 'Stop if you feel sharp, shooting or spreading pain, '
                              'numbness or tingling, or pain that builds as you go. '
                              'Moving gently within a mild, familiar ache is fine.'},
 'cross-tension-deadbugs': {'cue': 'Hand and knee keep pressing into each other, lower '
                                   'back stays on the floor, breathe out as you reach.',
                            'how_to': 'Lie on your back with your hips and knees bent to '
                                      '90°.\n'
                                      'Press one hand into the opposite knee and push '
                                      'that knee back into your hand. This is the cross '
                                      'tension: hold it.\n'
                                      'Reach your other arm and other leg out long and '
                                      'slow, breathing out as you reach.\n'
                                      'Keep your lower back on the floor the whole time, '
                                      'then bring the arm and leg back.\n'
                                      'After your reps, switch: the other hand on the '
                                      'other knee.',
                            'common_mistake': 'Reaching so far that your lower back '
                                              'lifts off the floor. Reach only as far as '
                                              'you can keep it down.',
                            'when_to_stop': 'Stop if you feel sharp, shooting or '
                                            'spreading pain, numbness or tingling, or '
                                            'pain that builds as you go. Moving gently '
                                            'within a mild, familiar ache is fine.'},
 'rockback-t-spine-rotations': {'cue': 'Keep your hips back towards your heels and let '
                                       'your eyes follow your elbow.',
                                'how_to': 'Start on your hands and knees.\n'
                                          'Sit your hips back towards your heels. This '
                                          'locks your lower back so it stays out of the '
                                          'movement.\n'
                                          'Put one hand behind your head.\n'
                                          'Turn that elbow down towards your other arm, '
                                          'then up towards the ceiling, eyes following.\n'
                                          'After your reps, change hands and do the '
                                          'other side.',
                                'common_mistake': 'Letting your hips drift forward off '
                                                  'your heels, so the lower back does '
                                                  'the turning.',
                                'when_to_stop': 'Stop if you feel sharp, shooting or '
                                                'spreading pain, numbness or tingling, '
                                                'or pain that builds as you go. Moving '
                                                'gently within a mild, familiar ache is '
                                                'fine.'},
 'single-leg-glute-bridge': {'cue': 'Find the glute and brace your core.',
                             'how_to': 'Lie on your back with one knee bent and that '
                                       'foot flat on the floor. Keep the other leg '
                                       'straight, or hug it in.\n'
                                       'Brace your core and push through your heel to '
                                       'lift your hips until knee, hip and shoulder line '
                                       'up.\n'
                                       'Squeeze the glute at the top, ribs down, without '
                                       'arching your back.\n'
                                       'Lower slowly. After your reps, change legs.',
                             'common_mistake': 'Arching your lower back to get the hips '
                                               'higher. Keep your ribs down and stop '
                                               'where knee, hip and shoulder line up.',
                             'when_to_stop': 'Stop if you feel sharp, shooting or '
                                             'spreading pain, numbness or tingling, or '
                                             'pain that builds as you go. Moving gently '
                                             'within a mild, familiar ache is fine.'},
 'hamstring-lowering': {'cue': 'Keep your core tight, lower slowly, and breathe out big.',
                        'how_to': 'Lie on your back with both legs straight up towards '
                                  'the ceiling.\n'
                                  'Keep one leg up and slowly lower the other towards '
                                  'the floor, knee straight, breathing out as it goes.\n'
                                  'Keep your lower back flat and your core tight all the '
                                  'way down.\n'
                                  'Bring the leg back up. After your reps, change legs.',
                        'common_mistake': 'Letting the leg drop quickly or your lower '
                                          'back lift. Lower only as far as you can keep '
                                          'your back flat.',
                        'when_to_stop': 'Stop if you feel sharp, shooting or spreading '
                                        'pain, numbness or tingling, or pain that builds '
                                        'as you go. Moving gently within a mild, '
                                        'familiar ache is fine.'},
 'worlds-greatest-stretch': {'cue': 'Turn and reach to the ceiling, eyes following your '
                                    'hand.',
                             'how_to': 'Step one foot forward into a long lunge and put '
                                       'your hands on the floor inside your front foot.\n'
                                       'Drop the elbow on the front-leg side down '
                                       'towards the instep of that foot.\n'
                                       'Turn and reach that same arm up to the ceiling, '
                                       'eyes following your hand.\n'
                                       'Bring the hand back down, step back, and do the '
                                       'other side.',
                             'common_mistake': 'Taking too short a step, which leaves no '
                                               'room to drop the elbow. Step into a long '
                                               'lunge.',
                             'when_to_stop': 'Stop if you feel sharp, shooting or '
                                             'spreading pain, numbness or tingling, or '
                                             'pain that builds as you go. Moving gently '
                                             'within a mild, familiar ache is fine.'}}

NEW = {'side-lying-thoracic-sweep': {'how_to': 'Lie on one side with your hips and knees bent '
                                         'to about 90°, knees stacked. A pillow under '
                                         'your head is fine.\n'
                                         'Reach both arms straight out in front of you.\n'
                                         'Breathing out, sweep your top arm up over your '
                                         'head and round behind you in a wide arc, eyes '
                                         'following your hand. Go only as far as is '
                                         'comfortable.\n'
                                         'Keep your knees together on the floor, so the '
                                         'turn comes from your upper back.\n'
                                         'Sweep back the same way to the start: that is '
                                         'one rep.\n'
                                         'Do all your reps on this side, then roll over '
                                         'and do the other side.'},
 'hip-cars': {'how_to': 'Stand tall and hold a wall or the back of a chair. Keep your '
                        'standing knee soft.\n'
                        'Lift one knee up in front of you.\n'
                        'Take the knee out to the side, rotate it back and round behind '
                        'you, then bring it down. One slow circle, about 5 to 10 '
                        'seconds, is one rep.\n'
                        'Keep your pelvis and trunk still: only the hip moves. Breathe '
                        'out as the knee opens out to the side, and go only as far as is '
                        'comfortable.\n'
                        '“Each way” means each direction: do your circles forwards, then '
                        'the same number backwards (the same path in reverse), then '
                        'change legs.\n'
                        'You can also do them on hands and knees.'},
 'cross-tension-deadbugs': {'how_to': 'Lie on your back with your hips and knees bent to '
                                      '90°, knees over your hips, and both arms pointing '
                                      'to the ceiling.\n'
                                      'Press one hand into the opposite knee and push '
                                      'that knee back into your hand. This is the cross '
                                      'tension: hold it.\n'
                                      'Breathing out, reach your free arm back over your '
                                      'head and straighten the opposite leg, long and '
                                      'slow, until it hovers just above the floor.\n'
                                      'Keep your lower back on the floor the whole time: '
                                      'reach only as far as you can keep it there.\n'
                                      'Bring the arm and leg back: that is one rep.\n'
                                      'Do all your reps, then switch: the other hand on '
                                      'the other knee.'},
 'rockback-t-spine-rotations': {'how_to': 'Start on your hands and knees.\n'
                                          'Sit your hips back towards your heels. This '
                                          'keeps your lower back still, so the turn '
                                          'comes from your upper back (the T-spine, '
                                          'short for thoracic spine).\n'
                                          'Rest one hand behind your head, without '
                                          'pulling on your neck.\n'
                                          'Turn that elbow down towards your other arm, '
                                          'then, breathing out, up towards the ceiling, '
                                          'eyes following. Go only as far as is '
                                          'comfortable.\n'
                                          'Down and up is one rep. Do all your reps, '
                                          'then change hands and do the other side.'},
 'single-leg-glute-bridge': {'how_to': 'Lie on your back with one knee bent and that '
                                       'foot flat on the floor. Lift the other leg '
                                       'straight off the floor, or hug that knee in.\n'
                                       'Brace your core: tighten the muscles around your '
                                       'middle as if ready for a gentle push, and keep '
                                       'breathing.\n'
                                       'Push through your heel and lift your hips until '
                                       'knee, hip and shoulder line up, or as far as is '
                                       'comfortable. Keep your hips level.\n'
                                       'Squeeze the glute (the big muscle of your '
                                       'bottom) at the top, ribs down, without arching '
                                       'your back.\n'
                                       'Lower slowly: up and down is one rep. Do all '
                                       'your reps, then change legs.',
                             'common_mistake': 'Arching your lower back to get the hips '
                                               'higher, or letting one hip drop. Keep '
                                               'your ribs down, your hips level, and '
                                               'stop where knee, hip and shoulder line '
                                               'up.'},
 'hamstring-lowering': {'subtitle': 'lying on your back, not the kneeling Nordic curl',
                        'how_to': 'Lie on your back with both legs straight up towards '
                                  'the ceiling.\n'
                                  'Keep one leg up and, breathing out, slowly lower the '
                                  'other towards the floor, knee straight.\n'
                                  'Keep your lower back flat and your core tight: lower '
                                  'only as far as is comfortable and you can keep your '
                                  'back flat.\n'
                                  'Bring the leg back up: down and up is one rep. Do all '
                                  'your reps, then change legs.',
                        'easier': 'Bend the knee of the leg you hold up a little, or '
                                  'rest that leg against a door frame.'},
 'worlds-greatest-stretch': {'how_to': 'Step one foot forward into a long lunge; your '
                                       'back knee may rest on the floor. Put your hands '
                                       'on the floor inside your front foot.\n'
                                       'Drop the elbow on the front-leg side down '
                                       'towards the instep of that foot.\n'
                                       'Breathing out, turn and reach that same arm up '
                                       'to the ceiling, eyes following your hand. Go '
                                       'only as far as is comfortable.\n'
                                       'Bring the hand back down: that is one rep.\n'
                                       'Do all your reps on this side, then step back '
                                       'and change legs.'}}


def _unedited(exercise, old) -> bool:
    return exercise.subtitle == "" and exercise.easier == "" and all(
        getattr(exercise, field) == value for field, value in old.items()
    )


def make_exact(apps, schema_editor):
    Exercise = apps.get_model("protocols", "Exercise")
    Protocol = apps.get_model("protocols", "Protocol")
    Protocol.objects.filter(slug="lower-back-relief", summary=OLD_SUMMARY).update(
        summary=NEW_SUMMARY
    )
    for exercise in Exercise.objects.filter(slug__in=OLD):
        if _unedited(exercise, OLD[exercise.slug]):
            for field, value in NEW[exercise.slug].items():
                setattr(exercise, field, value)
            exercise.save()


def back_to_the_seed(apps, schema_editor):
    Exercise = apps.get_model("protocols", "Exercise")
    Protocol = apps.get_model("protocols", "Protocol")
    Protocol.objects.filter(slug="lower-back-relief", summary=NEW_SUMMARY).update(
        summary=OLD_SUMMARY
    )
    for exercise in Exercise.objects.filter(slug__in=OLD):
        new = NEW[exercise.slug]
        if all(getattr(exercise, field) == value for field, value in new.items()):
            for field, value in OLD[exercise.slug].items():
                setattr(exercise, field, value)
            exercise.subtitle = exercise.easier = ""
            exercise.save()


class Migration(migrations.Migration):
    dependencies = [
        ("protocols", "0003_remove_protocol_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="subtitle",
            field=models.CharField(
                blank=True,
                max_length=120,
                help_text="A plain line shown and spoken with the name, e.g. what the exercise is not.",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="easier",
            field=models.TextField(
                blank=True, help_text="An easier version, shown with the how-to. Optional."
            ),
        ),
        migrations.RunPython(make_exact, back_to_the_seed),
    ]
