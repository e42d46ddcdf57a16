"""In a real browser: a coach uploads a photo in admin and it shows on the exercise page.

Screenshots go to the temporary folder as media-*.png (/tmp/media-*.png), to be looked at.
"""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from protocols.models import Exercise
from tests.conftest import PASSWORD, axe_violations
from tests.media_helpers import jpeg_with_exif_and_gps

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOOK_AT = Path(tempfile.gettempdir())
ALT = "Lying on the left side, knees bent, the top arm sweeping over to the floor behind"


def test_a_coach_uploads_a_photo_that_shows_on_the_exercise_page(page, coach, protocol, tmp_path):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security" in m.text else None)
    photo = tmp_path / "sweep.jpg"
    photo.write_bytes(jpeg_with_exif_and_gps(1600, 1200, orientation=1))
    exercise = Exercise.objects.get(label="1a")

    page.goto("/admin/login/")
    page.get_by_label("Email address").fill(coach.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/protocols/exercise/{exercise.pk}/change/")
    page.locator("#id_photos-0-image").set_input_files(photo)
    page.locator("#id_photos-0-alt_text").fill(ALT)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.screenshot(path=LOOK_AT / "media-admin.png", full_page=True)

    page.goto(exercise.get_absolute_url())
    image = page.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    expect(image).to_have_attribute("srcset", re.compile(r"/media/coach/\w+-480w\.webp 480w"))
    page.screenshot(path=LOOK_AT / "media-exercise.png", full_page=True)
    assert axe_violations(page) == []
    assert problems == []


def test_the_step_screen_with_a_photo_and_video_on_a_phone(
    page, live_server, alice, protocol, disclaimer
):
    from protocols.models import ExercisePhoto, ExerciseVideo
    from protocols.uploads import photo_renditions
    from sessions.models import TrainingSession
    from tests.conftest import clear_safety_gate, sign_in
    from tests.media_helpers import MP4_HEAD, png, upload

    exercise = Exercise.objects.get(label="1a")
    photo = ExercisePhoto(exercise=exercise, alt_text=ALT)
    photo.set_image(photo_renditions(upload("p.jpg", jpeg_with_exif_and_gps(1600, 1200, 1))))
    photo.save()
    video = ExerciseVideo(exercise=exercise, description="The sweep, slowly, on the left side")
    video.set_video(upload("v.mp4", MP4_HEAD), ".mp4")
    video.set_poster(photo_renditions(upload("poster.png", png(1280, 720)), (960,)))
    video.save()
    clear_safety_gate(alice)
    session = TrainingSession.start(alice, type(protocol).objects.with_exercises().get(), 3)
    sign_in(page, live_server, alice)

    page.goto(session.get_absolute_url())
    expect(page.get_by_role("img", name=ALT)).to_be_visible()
    page.get_by_text("Watch the demo video").click()
    video_element = page.locator("video.coach-video")
    expect(video_element).to_be_visible()
    assert video_element.evaluate("v => v.paused && v.muted && !v.autoplay")
    page.screenshot(path=LOOK_AT / "media-step.png", full_page=True)
    assert axe_violations(page) == []
