"""Guide me's settings: saved with the person's preferences as the player changes them."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from sessions.models import GuideSound, GuideSpeed, TrainingPreferences

URL = reverse("training_sessions:guide_settings")
SETTINGS = reverse("history:settings")


def test_the_defaults_speak_at_the_exercises_tempo_and_carry_on(alice):
    prefs = TrainingPreferences.for_user(alice)
    assert (prefs.guide_sound, prefs.guide_speed, prefs.guide_carries_on) == ("speech", 100, True)
    assert prefs.guide_settings() == {
        "sound": "speech",
        "speed": 1.0,
        "carriesOn": True,
        "speeds": [0.75, 1.0, 1.25, 1.5],
    }


def test_the_player_saves_a_change_at_once(signed_in, alice):
    response = signed_in.post(URL, {"guide_sound": "tones", "guide_speed": "125"})
    assert response.status_code == 204
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.guide_sound, prefs.guide_speed, prefs.guide_carries_on) == ("tones", 125, False)


def test_a_saved_change_keeps_the_reminders_as_they_were(signed_in, alice):
    TrainingPreferences.objects.create(user=alice, training_days=[1, 4], time_zone="Europe/Paris")
    signed_in.post(URL, {"guide_sound": "off", "guide_speed": "75", "guide_carries_on": "on"})
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.training_days, prefs.time_zone) == ([1, 4], "Europe/Paris")
    assert (prefs.guide_sound, prefs.guide_speed, prefs.guide_carries_on) == ("off", 75, True)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"guide_sound": "shout", "guide_speed": "100"},
        {"guide_sound": "speech", "guide_speed": "300"},
        {"guide_sound": "speech", "guide_speed": "1.25"},
    ],
)
def test_anything_else_is_refused_with_a_message_and_changes_nothing(signed_in, alice, data):
    TrainingPreferences.objects.create(user=alice, guide_sound="tones", guide_speed=150)
    response = signed_in.post(URL, data)
    assert response.status_code == 400
    assert response.json() == {
        "error": "That guide setting could not be saved; please choose from the options shown."
    }
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.guide_sound, prefs.guide_speed) == ("tones", 150)


def test_only_a_post_by_the_person_themselves(client, alice, bob):
    assert client.post(URL, {"guide_sound": "off", "guide_speed": "100"}).status_code == 302
    client.force_login(bob)
    assert client.get(URL).status_code == 405
    client.post(URL, {"guide_sound": "off", "guide_speed": "100"})
    assert TrainingPreferences.objects.get(user=bob).guide_sound == "off"
    assert not TrainingPreferences.objects.filter(user=alice).exists()


def test_the_settings_page_shows_and_saves_them_too(signed_in, alice):
    content = signed_in.get(SETTINGS).content.decode()
    assert "Guide me" in content and "Carry on by myself" in content
    for label in GuideSound.labels + GuideSpeed.labels:
        assert escape(label) in content
    response = signed_in.post(
        SETTINGS, {"reminder_time": "07:30", "guide_sound": "tones", "guide_speed": "75"}
    )
    assert response.status_code == 302
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.guide_sound, prefs.guide_speed, prefs.guide_carries_on) == ("tones", 75, False)


def test_a_settings_form_without_the_guide_leaves_sound_and_speed_alone(signed_in, alice):
    TrainingPreferences.objects.create(user=alice, guide_sound="off", guide_speed=150)
    signed_in.post(SETTINGS, {"reminder_time": "07:30"})
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.guide_sound, prefs.guide_speed) == ("off", 150)


def test_the_step_and_rest_screens_carry_the_persons_settings(signed_in, alice, alice_session):
    TrainingPreferences.objects.create(user=alice, guide_sound="tones", guide_speed=75)
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert '<script id="guide-settings" type="application/json">' in content
    assert '"sound": "tones", "speed": 0.75, "carriesOn": true' in content
    assert "Guide me</button>" in content and "js/guide.js" in content
    assert "{#" not in content  # a template comment left open shows as text
