"""A coach's photos and demo video: checked, re-encoded, stored, shown, and cleaned up."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from PIL import Image

from protocols.forms import ExerciseVideoForm
from protocols.models import Exercise, ExercisePhoto, ExerciseVideo, Protocol
from protocols.uploads import photo_renditions
from tests.conftest import tap_through
from tests.library_helpers import make_protocol
from tests.media_helpers import (
    MP4_HEAD,
    WEBM_HEAD,
    admin_form_data,
    huge_png,
    jpeg_with_exif_and_gps,
    png,
    upload,
)


@pytest.fixture
def sweep(protocol) -> Exercise:
    return Exercise.objects.get(label="1a")


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


def change_url(exercise: Exercise) -> str:
    return reverse("admin:protocols_exercise_change", args=[exercise.pk])


def post_in_admin(client, exercise: Exercise, **changes):
    """Post the exercise's admin page as the browser would, with `changes` (files too)."""
    data = admin_form_data(client.get(change_url(exercise)).content.decode())
    data.update(changes)
    return client.post(change_url(exercise), data)


def stored_files(media_root: Path) -> list[str]:
    folder = media_root / "coach"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def add_photo(exercise: Exercise, alt: str = "Lying on your side, knees bent", **kwargs):
    photo = ExercisePhoto(exercise=exercise, alt_text=alt, **kwargs)
    photo.set_image(photo_renditions(upload("photo.jpg", jpeg_with_exif_and_gps())))
    photo.save()
    return photo


# --- Photos: what is kept of them ------------------------------------------------


def test_a_photo_becomes_upright_webp_renditions_with_no_exif_or_gps():
    original = jpeg_with_exif_and_gps(1600, 1200, orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there

    renditions = photo_renditions(upload("phone.jpg", original))

    # Turned the way the camera meant (portrait), 480 and 960 wide.
    assert [(r.width, r.height) for r in renditions] == [(480, 640), (960, 1280)]
    for rendition in renditions:
        image = Image.open(io.BytesIO(rendition.data))
        assert image.format == "WEBP"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "xmp" not in image.info
        assert b"PhoneMaker" not in rendition.data and b"Exif" not in rendition.data


def test_a_small_photo_is_never_upscaled():
    renditions = photo_renditions(upload("small.png", png(300, 200)))
    assert [(r.width, r.height) for r in renditions] == [(300, 200)]


def test_a_coach_uploads_a_photo_in_admin(coach_client, sweep, _temporary_media_root):
    response = post_in_admin(
        coach_client,
        sweep,
        **{
            "photos-0-image": upload("sweep.jpg", jpeg_with_exif_and_gps()),
            "photos-0-alt_text": "Lying on the left side, the top arm sweeping overhead",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    photo = ExercisePhoto.objects.get()
    assert photo.alt_text.startswith("Lying on the left side")
    assert [r["width"] for r in photo.renditions] == [480, 960]
    assert len(stored_files(_temporary_media_root)) == 2
    assert Protocol.objects.get().has_coach_media


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"This is a text file, not a photo.\n", "is not a photo that can be read"),
        ("poster.png", huge_png(), "is too large in pixels: at most 40 megapixels"),
        ("broken.png", png()[:200], "is not a photo that can be read"),
        ("drawing.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "is not a photo that can be read"),
    ],
)
def test_a_file_that_is_not_an_acceptable_photo_is_refused_and_nothing_is_saved(
    coach_client, sweep, _temporary_media_root, name, content, message
):
    response = post_in_admin(
        coach_client,
        sweep,
        **{"photos-0-image": upload(name, content), "photos-0-alt_text": "The start position"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExercisePhoto.objects.exists()
    assert stored_files(_temporary_media_root) == []
    assert not Protocol.objects.get().has_coach_media


# Up to twice the limit Pillow warns as it opens the file, then we refuse it.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("width", "height"), [(10_000, 10_000), (10_000, 5_000), (8_000, 5_001)])
def test_a_photo_over_40_megapixels_is_refused_before_it_is_decoded(width, height):
    with pytest.raises(ValidationError, match="is too large in pixels"):
        photo_renditions(upload("huge.png", huge_png(width, height)))


def test_a_photo_of_40_megapixels_is_accepted():
    renditions = photo_renditions(upload("big.png", huge_png(8_000, 5_000)))
    assert [(r.width, r.height) for r in renditions] == [(480, 300), (960, 600)]


def test_a_photo_over_10_mb_is_refused_before_it_is_read():
    big = SimpleUploadedFile("big.jpg", jpeg_with_exif_and_gps(64, 48))
    big.size = 11 * 1024 * 1024
    with pytest.raises(ValidationError, match=r"is 11\.0 MB: a photo may be at most 10 MB"):
        photo_renditions(big)


def test_a_photo_needs_alt_text(coach_client, sweep):
    response = post_in_admin(coach_client, sweep, **{"photos-0-image": upload("a.png", png())})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ExercisePhoto.objects.exists()


def test_replacing_a_photo_removes_its_old_renditions(
    coach_client, sweep, _temporary_media_root, django_capture_on_commit_callbacks
):
    photo = add_photo(sweep)
    old = set(photo.file_names)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_in_admin(
            coach_client, sweep, **{"photos-0-image": upload("new.png", png(1200, 900))}
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert old.isdisjoint(photo.file_names)
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(name) for name in photo.file_names)
    assert len(stored_files(_temporary_media_root)) == 2


def test_deleting_a_photo_in_admin_removes_its_files(
    coach_client, sweep, _temporary_media_root, django_capture_on_commit_callbacks
):
    add_photo(sweep)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_in_admin(coach_client, sweep, **{"photos-0-DELETE": "on"})
    assert response.status_code == 302
    assert not ExercisePhoto.objects.exists()
    assert stored_files(_temporary_media_root) == []
    assert not Protocol.objects.get().has_coach_media


def test_deleting_photos_by_queryset_removes_their_files(
    sweep, _temporary_media_root, django_capture_on_commit_callbacks
):
    add_photo(sweep)
    add_photo(sweep, position=2)
    assert len(stored_files(_temporary_media_root)) == 4
    with django_capture_on_commit_callbacks(execute=True):
        ExercisePhoto.objects.filter(exercise=sweep).delete()
    assert stored_files(_temporary_media_root) == []
    assert not Protocol.objects.get().has_coach_media


def test_files_stay_until_the_delete_commits(sweep, django_capture_on_commit_callbacks):
    photo = add_photo(sweep)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()
    assert all(default_storage.exists(name) for name in photo.file_names)
    assert len(callbacks) == 1


def test_a_failed_save_removes_the_new_files_and_keeps_the_old(sweep, monkeypatch):
    photo = add_photo(sweep)
    old = list(photo.file_names)
    photo.set_image(photo_renditions(upload("new.png", png())))
    new = list(photo.file_names)

    def database_refuses(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ExercisePhoto, "save_base", database_refuses)
    with pytest.raises(DatabaseError):
        photo.save()
    assert all(default_storage.exists(name) for name in old)
    assert not any(default_storage.exists(name) for name in new)


def test_an_exercise_with_photos_keeps_them_until_they_are_removed(coach_client, sweep):
    add_photo(sweep)
    response = coach_client.get(reverse("admin:protocols_exercise_delete", args=[sweep.pk]))
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )


def test_a_non_staff_user_cannot_upload(client, alice, sweep, _temporary_media_root):
    client.force_login(alice)
    response = client.post(
        change_url(sweep),
        {"photos-0-image": upload("a.png", png()), "photos-0-alt_text": "x"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not ExercisePhoto.objects.exists()
    assert stored_files(_temporary_media_root) == []


# --- The demo video ----------------------------------------------------------------


def video_form(video, poster=None, instance=None) -> ExerciseVideoForm:
    files = {"video": video, "poster": poster or upload("poster.png", png(1280, 720))}
    return ExerciseVideoForm(
        {"description": "Both knees bent, the top arm sweeps"}, files, instance=instance
    )


def test_a_60_mb_video_is_refused_with_a_message(sweep):
    video = SimpleUploadedFile("demo.mp4", MP4_HEAD)
    video.size = 60 * 1024 * 1024  # what the upload handler reports; nothing that big in memory
    form = video_form(video, instance=ExerciseVideo(exercise=sweep))
    assert not form.is_valid()
    assert "is 60 MB: a video may be at most 50 MB" in form.errors["video"][0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("demo.mp4", b"This is a text file named like a video.\n" * 4),
        ("demo.webm", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        ("photo.mp4", b"\0\0\0\x18ftypheic" + b"\0" * 16),  # an iPhone photo, by its brand
        ("demo.mov", MP4_HEAD),
    ],
)
def test_a_file_that_is_not_an_mp4_or_webm_video_is_refused(sweep, name, content):
    form = video_form(upload(name, content), instance=ExerciseVideo(exercise=sweep))
    assert not form.is_valid()
    assert "is not an MP4 or WebM video" in form.errors["video"][0]


def test_a_coach_adds_a_video_with_its_poster_in_admin(
    coach_client, sweep, _temporary_media_root, django_capture_on_commit_callbacks
):
    response = post_in_admin(
        coach_client,
        sweep,
        **{
            "demo_video-TOTAL_FORMS": "1",
            "demo_video-0-exercise": str(sweep.pk),
            "demo_video-0-video": upload("sweep.webm", WEBM_HEAD + b"\0" * 1000),
            "demo_video-0-poster": upload("poster.jpg", jpeg_with_exif_and_gps()),
            "demo_video-0-description": "Lying on the side, the top arm sweeps over",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    video = ExerciseVideo.objects.get()
    assert video.video_name.endswith(".webm") and video.content_type == "video/webm"
    assert (video.poster_width, video.poster_height) == (960, 1280)
    first = set(video.file_names)

    with django_capture_on_commit_callbacks(execute=True):
        post_in_admin(
            coach_client, sweep, **{"demo_video-0-video": upload("new.mp4", MP4_HEAD * 10)}
        )
    video.refresh_from_db()
    assert video.video_name.endswith(".mp4")
    assert sorted(stored_files(_temporary_media_root)) == sorted(
        Path(name).name for name in video.file_names
    )
    assert video.poster_name in first  # the poster was kept

    with django_capture_on_commit_callbacks(execute=True):
        post_in_admin(coach_client, sweep, **{"demo_video-0-DELETE": "on"})
    assert stored_files(_temporary_media_root) == []


def test_a_video_needs_a_poster(coach_client, sweep):
    response = post_in_admin(
        coach_client,
        sweep,
        **{
            "demo_video-TOTAL_FORMS": "1",
            "demo_video-0-exercise": str(sweep.pk),
            "demo_video-0-video": upload("sweep.mp4", MP4_HEAD),
            "demo_video-0-description": "The sweep",
        },
    )
    assert response.status_code == 200
    assert "Choose a poster image" in response.content.decode()
    assert not ExerciseVideo.objects.exists()


# --- Shown on the exercise page and the step screen ---------------------------------


def test_the_exercise_page_shows_the_photos_and_video(client, sweep):
    add_photo(sweep, alt="Start: lying on the left side")
    add_photo(sweep, alt="End: the top arm overhead", position=2)
    video = ExerciseVideo(exercise=sweep, description="The sweep, slowly")
    video.set_video(upload("v.mp4", MP4_HEAD), ".mp4")
    video.set_poster(photo_renditions(upload("p.png", png(1280, 720)), (960,)))
    video.save()

    content = client.get(sweep.get_absolute_url()).content.decode()
    first = ExercisePhoto.objects.order_by("position").first()
    assert f'srcset="{first.srcset}"' in content and " 480w, " in first.srcset
    assert 'alt="Start: lying on the left side"' in content
    assert 'width="960" height="1280"' in content  # the portrait photo, turned upright
    assert content.count('loading="lazy"') == 1  # all but the first
    assert 'alt="End: the top arm overhead" loading="lazy"' in content
    assert (
        '<video class="coach-video img-fluid rounded d-block" controls preload="none" '
        f'playsinline muted poster="{video.poster_url}"' in content
    )
    assert "autoplay" not in content
    assert f'<source src="{video.url}" type="video/mp4">' in content


def test_a_page_without_media_shows_none(client, sweep):
    assert "coach-media" not in client.get(sweep.get_absolute_url()).content.decode()


def test_the_step_screen_shows_the_exercise_photos(signed_in, alice_session, sweep):
    add_photo(sweep, alt="Start: lying on the left side")
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert 'alt="Start: lying on the left side"' in content
    tap_through(signed_in, alice_session, 1)  # 1b has no photos
    assert "coach-media" not in signed_in.get(alice_session.get_absolute_url()).content.decode()


def test_a_coachs_photos_replace_the_drawing_only_when_the_coach_says_so(
    signed_in, alice_session, sweep
):
    add_photo(sweep, alt="Start: lying on the left side")
    drawing = 'class="illo '
    assert drawing in signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert drawing in signed_in.get(sweep.get_absolute_url()).content.decode()

    sweep.coach_media_replaces_illustration = True
    sweep.save()
    for page in (alice_session.get_absolute_url(), sweep.get_absolute_url()):
        content = signed_in.get(page).content.decode()
        assert drawing not in content
        assert 'alt="Start: lying on the left side"' in content


def test_with_media_the_step_screen_costs_two_queries_more(
    signed_in, alice_session, sweep, django_assert_num_queries
):
    add_photo(sweep)
    signed_in.get(alice_session.get_absolute_url())
    # As tests/test_session_views.py counts, plus the exercise (with its video) and its photos.
    with django_assert_num_queries(4 + 2):
        signed_in.get(alice_session.get_absolute_url())


# --- Moving an exercise or a circuit takes its media's flag with it ---------------


def test_an_exercise_moved_to_another_protocol_takes_its_coach_media_flag(
    sweep, _temporary_media_root
):
    add_photo(sweep)
    other = make_protocol("other")
    sweep.circuit, sweep.position, sweep.label = other.circuits.get(), 9, "1z"
    sweep.save()
    assert Protocol.objects.get(pk=other.pk).has_coach_media
    assert not Protocol.objects.get(slug="lower-back-relief").has_coach_media


def test_a_circuit_moved_to_another_protocol_takes_its_coach_media_flag(
    sweep, _temporary_media_root
):
    add_photo(sweep)
    other = make_protocol("other")
    circuit = sweep.circuit
    circuit.protocol, circuit.number = other, 9
    circuit.save()
    assert Protocol.objects.get(pk=other.pk).has_coach_media
    assert not Protocol.objects.get(slug="lower-back-relief").has_coach_media
