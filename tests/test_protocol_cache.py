"""The protocol's instructions are cached, and an admin's edit is seen at once."""

from protocols.models import Circuit, Exercise, Protocol


def test_notes_come_from_the_cache_after_the_first_read(protocol, django_assert_num_queries):
    with django_assert_num_queries(1):
        notes = protocol.exercise_notes()
    with django_assert_num_queries(0):
        assert protocol.exercise_notes() == notes
    bridge = Exercise.objects.get(label="3a")
    assert notes[bridge.pk].cue == "Find the glute and brace your core."
    assert notes[bridge.pk].how_to_steps == bridge.how_to_steps


def test_saving_an_exercise_moves_the_protocol_on(protocol):
    before = Protocol.objects.get().updated_at
    bridge = Exercise.objects.get(label="3a")
    bridge.cue = "Squeeze at the top."
    bridge.save()
    fresh = Protocol.objects.get()
    assert fresh.updated_at > before
    assert fresh.exercise_notes()[bridge.pk].cue == "Squeeze at the top."


def test_saving_or_deleting_a_circuit_or_exercise_moves_it_on(protocol):
    stamps = [Protocol.objects.get().updated_at]
    Circuit.objects.get(number=1).save()
    stamps.append(Protocol.objects.get().updated_at)
    Exercise.objects.get(label="3c").delete()
    stamps.append(Protocol.objects.get().updated_at)
    protocol.refresh_from_db()
    protocol.save(update_fields=["name"])
    stamps.append(Protocol.objects.get().updated_at)
    assert stamps == sorted(stamps) and len(set(stamps)) == 4
