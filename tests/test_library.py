"""A library of protocols: published, drafts previewed by staff, retired ones kept.

Two published protocols and a draft, made by the tests (the product ships
the seed's only): who sees what, starting each, one session at a time, a
staff preview that records nothing, a retired protocol in history, the
featured default, timed holds, any shape up to 10 circuits, 10 exercises and 10 rounds, and admin.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from protocols.admin import duplicate
from protocols.models import Circuit, Exercise, Protocol, estimate_seconds
from protocols.pacing import total_seconds
from sessions.models import CompletedRound, ProgressSummary, TrainingSession
from tests.conftest import clear_safety_gate, tap_through
from tests.history_helpers import past_session
from tests.library_helpers import make_protocol, with_exercises


@pytest.fixture
def library(protocol):
    """The seed's (featured), a second published one with a timed hold, and a draft."""
    second = make_protocol("second", measure="seconds", reps=20, per_side="each_side")
    draft = make_protocol("draft", status=Protocol.Status.DRAFT)
    return {"seed": protocol, "second": second, "draft": draft}


@pytest.fixture
def staff(coach, disclaimer, client):
    clear_safety_gate(coach)
    client.force_login(coach)
    return client


def start(client, protocol, pain=3):
    return client.post(
        reverse("training_sessions:start_protocol", args=[protocol.slug]), {"pain_before": pain}
    )


# --- Listing and reading ----------------------------------------------------------------


def test_the_list_shows_published_protocols_with_their_facts_and_no_draft(client, library):
    response = client.get(reverse("protocols:list"))
    assert response.status_code == 200
    html = response.content.decode()
    seed, second = library["seed"], library["second"]
    assert seed.name in html and second.name in html
    assert library["draft"].name not in html
    assert html.index(seed.name) < html.index(second.name), "the featured one comes first"
    assert "about <strong>25</strong> minutes" in html
    assert "<strong>7</strong> exercises" in html and "<strong>2</strong> exercises" in html
    assert seed.summary in html
    # The seed's drawings as thumbnails; the test protocol has none to show.
    assert html.count('class="illo-thumb"') == 7


def test_a_draft_is_a_404_to_people_and_readable_by_staff(client, alice, library, staff):
    draft = library["draft"]
    exercise = Exercise.objects.filter(circuit__protocol=draft).first()
    urls = [
        reverse("protocols:protocol", args=[draft.slug]),
        reverse("protocols:exercise", args=[exercise.slug]),
        reverse("training_sessions:start_protocol", args=[draft.slug]),
    ]
    assert staff.get(urls[0]).status_code == 200
    assert "Preview it as a person would" in staff.get(urls[0]).content.decode()
    assert staff.get(urls[1]).status_code == 200
    assert staff.get(urls[2]).status_code == 404, "even staff preview a draft, never start it"
    staff.logout()
    for url in urls[:2]:
        assert client.get(url).status_code == 404
    clear_safety_gate(alice)
    client.force_login(alice)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(urls[2], {"pain_before": 3}).status_code == 404
    assert not TrainingSession.all_objects.exists()


def test_the_home_page_stays_as_it_was_with_one_published_protocol(client, protocol):
    html = client.get(reverse("protocols:home")).content.decode()
    assert protocol.name in html
    assert f'href="{reverse("protocols:list")}"' not in html and "All 1 protocols" not in html


def test_with_two_published_the_home_page_links_to_the_list(client, library):
    html = client.get(reverse("protocols:home")).content.decode()
    assert library["seed"].name in html
    assert f'href="{reverse("protocols:list")}">All 2 protocols' in html


# --- Starting -----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["seed", "second"])
def test_starting_from_a_protocols_page_starts_that_protocol(signed_in, library, which):
    protocol = library[which]
    page = signed_in.get(protocol.get_absolute_url()).content.decode()
    assert f'href="{protocol.get_start_url()}"' in page
    response = start(signed_in, protocol)
    session = TrainingSession.objects.get()
    assert response["Location"] == session.get_absolute_url()
    assert session.protocol == protocol and session.protocol_name == protocol.name
    assert session.total_steps == len(with_exercises(protocol).steps())


def test_the_start_page_names_the_protocol_and_offers_the_others(signed_in, library):
    html = signed_in.get(reverse("training_sessions:start")).content.decode()
    assert library["seed"].name in html and "choose another protocol" in html


def test_with_one_published_the_start_page_is_as_simple_as_before(signed_in, protocol):
    html = signed_in.get(reverse("training_sessions:start")).content.decode()
    assert "choose another protocol" not in html
    assert protocol.name not in html


def test_one_session_at_a_time_starting_another_offers_resume_or_end(signed_in, library):
    start(signed_in, library["seed"])
    first = TrainingSession.objects.get()
    url = reverse("training_sessions:start_protocol", args=[library["second"].slug])
    html = signed_in.get(url).content.decode()
    assert "Your session is waiting" in html
    assert f"to start {library['second'].name}" in html
    assert f'href="{first.get_absolute_url()}">Resume' in html
    assert reverse("training_sessions:end", args=[first.pk]) in html
    assert signed_in.post(url, {"pain_before": 2})["Location"] == first.get_absolute_url()
    assert TrainingSession.objects.count() == 1


def test_the_featured_default_is_the_seeds_on_a_fresh_install(signed_in, library):
    seed = library["seed"]
    assert seed.is_featured and seed.status == Protocol.Status.PUBLISHED
    assert Protocol.objects.featured() == seed
    signed_in.post(reverse("training_sessions:start"), {"pain_before": 3})
    assert TrainingSession.objects.get().protocol == seed


def test_featuring_another_protocol_moves_the_default(signed_in, library):
    second = library["second"]
    second.is_featured = True
    second.save()
    assert list(Protocol.objects.filter(is_featured=True)) == [second], "only one is featured"
    signed_in.post(reverse("training_sessions:start"), {"pain_before": 3})
    assert TrainingSession.objects.get().protocol == second
    assert second.name in signed_in.get(reverse("protocols:home")).content.decode()


def test_a_featured_protocol_that_is_retired_gives_way_to_a_published_one(library):
    Protocol.objects.filter(pk=library["seed"].pk).update(status=Protocol.Status.RETIRED)
    assert Protocol.objects.featured() == library["second"]
    Protocol.objects.update(status=Protocol.Status.DRAFT)
    assert Protocol.objects.featured() is None


def test_with_nothing_published_starting_says_so(signed_in, protocol):
    Protocol.objects.update(status=Protocol.Status.DRAFT)
    response = signed_in.post(reverse("training_sessions:start"), {"pain_before": 3}, follow=True)
    assert "no exercise to follow yet" in response.content.decode()
    assert not TrainingSession.objects.exists()


# --- Retired ------------------------------------------------------------------------------


def test_a_retired_protocol_is_readable_in_history_and_cannot_be_started(signed_in, library):
    second = library["second"]
    start(signed_in, second)
    session = TrainingSession.objects.get()
    tap_through(signed_in, session)
    second.status = Protocol.Status.RETIRED
    second.save()

    url = reverse("training_sessions:start_protocol", args=[second.slug])
    for response in (signed_in.get(url), signed_in.post(url, {"pain_before": 3})):
        assert response["Location"] == second.get_absolute_url()
    page = signed_in.get(second.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "can no longer be started" in html and second.get_start_url() not in html
    assert TrainingSession.objects.count() == 1

    history = signed_in.get(reverse("history:list")).content.decode()
    assert second.name in history
    detail = signed_in.get(session.get_history_url()).content.decode()
    assert f'href="{second.get_absolute_url()}">{second.name}</a> (retired)' in detail
    assert "20 seconds each side" in detail
    assert second.name not in signed_in.get(reverse("protocols:list")).content.decode()


def test_a_message_follows_a_refused_start(signed_in, library):
    Protocol.objects.filter(pk=library["second"].pk).update(status=Protocol.Status.RETIRED)
    url = reverse("training_sessions:start_protocol", args=[library["second"].slug])
    html = signed_in.get(url, follow=True).content.decode()
    assert "is retired: it can no longer be started" in html


# --- Staff preview ------------------------------------------------------------------------


def test_staff_preview_a_draft_through_every_screen_and_nothing_is_recorded(staff, coach, library):
    draft = library["draft"]
    before = ProgressSummary.objects.filter(user=coach).values().first()
    url = reverse("training_sessions:preview", args=[draft.slug])
    html = staff.get(url).content.decode()
    assert "Preview of a draft protocol" in html and "nothing you do is recorded" in html
    response = staff.post(url, {"pain_before": 8})  # high pain: no safety questions asked
    session = TrainingSession.all_objects.get(user=coach)
    assert response["Location"] == session.get_absolute_url()
    assert session.preview and not TrainingSession.objects.exists()

    step = staff.get(session.get_absolute_url()).content.decode()
    assert "Test move 1.1" in step and "Preview of Test protocol draft" in step
    tap_through(staff, session, steps=2)  # one round: recorded on the preview only
    assert CompletedRound.objects.filter(session=session).count() == 1
    assert "Preview of" in staff.get(session.get_absolute_url()).content.decode()  # a rest
    assert staff.get(reverse("history:detail", args=[session.pk])).status_code == 404
    assert str(session.pk) not in staff.get(reverse("history:export_csv")).getvalue().decode()
    tap_through(staff, session)
    assert not session.is_in_progress

    done = staff.get(reverse("training_sessions:finish", args=[session.pk]), follow=True)
    assert done.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "Preview over. Nothing was recorded" in done.content.decode()
    assert not TrainingSession.all_objects.exists()
    assert not CompletedRound.objects.exists()
    assert ProgressSummary.objects.filter(user=coach).values().first() == before
    history = staff.get(reverse("history:list")).content.decode()
    assert "No sessions yet" in history


def test_ending_a_preview_early_leaves_nothing_and_a_real_session_waits(staff, coach, library):
    real = TrainingSession.start(coach, with_exercises(library["seed"]), 3)
    staff.post(reverse("training_sessions:preview", args=[library["draft"].slug]), {})
    preview = TrainingSession.all_objects.get(preview=True)
    tap_through(staff, preview, steps=3)
    response = staff.post(reverse("training_sessions:end", args=[preview.pk]))
    assert response["Location"] == library["draft"].get_absolute_url()
    assert list(TrainingSession.all_objects.all()) == [real]
    assert TrainingSession.objects.get().is_in_progress
    assert not CompletedRound.objects.exists()


def test_a_second_preview_replaces_the_first(staff, coach, library):
    url = reverse("training_sessions:preview", args=[library["draft"].slug])
    staff.post(url, {"pain_before": 1})
    staff.post(url, {"pain_before": 2})
    assert list(TrainingSession.all_objects.values_list("pain_before", flat=True)) == [2]


def test_people_cannot_preview(signed_in, library):
    url = reverse("training_sessions:preview", args=[library["draft"].slug])
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, {"pain_before": 1}).status_code == 404
    assert not TrainingSession.all_objects.exists()


def test_a_preview_of_an_empty_draft_says_there_is_nothing_to_follow(staff, protocol):
    empty = Protocol.objects.create(name="Empty", slug="empty", summary="Nothing yet.")
    url = reverse("training_sessions:preview", args=[empty.slug])
    response = staff.post(url, {"pain_before": 1}, follow=True)
    assert "no exercise to follow yet" in response.content.decode()
    assert not TrainingSession.all_objects.exists()


# --- Timed holds and any shape -------------------------------------------------------------


def test_a_timed_hold_is_prescribed_paced_estimated_and_counted_down(signed_in, library):
    second = with_exercises(library["second"])
    exercise = second.circuits.all()[0].active_exercises[0]
    assert exercise.prescription == "20 seconds each side"
    prompts = exercise.pacing()
    assert [p.kind for p in prompts] == ["get_ready", "hold", "change_side", "hold", "done"]
    assert [p.seconds for p in prompts] == [5, 20, 3, 20, 0]
    # 2 rounds of 2 exercises of 48 s, and 30 s of rest between the rounds.
    assert estimate_seconds(second.steps()) == 4 * 48 + 30
    assert total_seconds(prompts) == 48

    start(signed_in, second)
    session = TrainingSession.objects.get()
    assert session.plan[0]["measure"] == "seconds" and session.plan[0]["reps"] == 20
    html = signed_in.get(session.get_absolute_url()).content.decode()
    assert 'data-hold-timer data-seconds="20" data-sides="2"' in html
    assert "js/session.js" in html  # which counts it down
    assert '"kind": "hold"' in html  # the pacing plan Guide me plays
    tap_through(signed_in, session)
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(signed_in.get(reverse("history:export_csv")).streaming_content).decode()
            )
        )
    )
    assert rows[1][-1] == second.name
    assert "1a Test move 1.1 (20 seconds each side)" in rows[1][5]
    printed = signed_in.get(reverse("history:print")).content.decode()
    assert f"<td>{second.name}</td>" in printed


def test_a_step_by_reps_has_no_hold_timer(signed_in, protocol):
    signed_in.post(reverse("training_sessions:start"), {"pain_before": 3})
    html = signed_in.get(TrainingSession.objects.get().get_absolute_url()).content.decode()
    assert "data-hold-timer" not in html


def test_an_exercise_done_once_has_no_sides(protocol):
    once = with_exercises(make_protocol("once", per_side="once", reps=8))
    exercise = once.circuits.all()[0].active_exercises[0]
    assert exercise.prescription == "8 reps"
    prompts = exercise.pacing()
    assert [p.kind for p in prompts] == ["get_ready"] + ["rep"] * 8 + ["done"]
    assert {p.side for p in prompts} == {None}
    assert prompts[1].text == "Rep 1 of 8"
    held = with_exercises(make_protocol("held", per_side="once", measure="seconds", reps=45))
    exercise = held.circuits.all()[0].active_exercises[0]
    assert exercise.prescription == "45 seconds"
    assert [(p.kind, p.seconds) for p in exercise.pacing()] == [
        ("get_ready", 5),
        ("hold", 45),
        ("done", 0),
    ]


def test_the_largest_shape_10_circuits_of_10_exercises_for_10_rounds(signed_in, protocol):
    big = make_protocol("big", circuits=10, exercises=10, rounds=10, rest=0)
    steps = with_exercises(big).steps()
    assert len(steps) == 1000
    start(signed_in, big)
    session = TrainingSession.objects.get()
    assert session.total_steps == 1000 and session.total_rounds == 100
    html = signed_in.get(session.get_absolute_url()).content.decode()
    assert "Step 1 of 1000" in html
    overview = signed_in.get(big.get_absolute_url())
    assert overview.status_code == 200 and "100 rounds" in overview.content.decode()


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("circuit", "number", 11),
        ("circuit", "rounds", 11),
        ("exercise", "position", 11),
        ("exercise", "reps", 601),
    ],
)
def test_past_ten_is_refused_with_a_message(protocol, model, field, value):
    row = Circuit.objects.first() if model == "circuit" else Exercise.objects.first()
    setattr(row, field, value)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert field in refused.value.message_dict


def test_a_hundred_and_one_reps_or_a_hold_each_way_is_refused(protocol):
    exercise = Exercise.objects.first()
    exercise.reps = 101
    with pytest.raises(ValidationError, match="At most 100 reps"):
        exercise.full_clean()
    exercise.reps, exercise.measure, exercise.per_side = 30, "seconds", "each_way_each_leg"
    with pytest.raises(ValidationError, match="A timed hold has no direction"):
        exercise.full_clean()
    exercise.reps, exercise.per_side = 600, "each_leg"
    exercise.full_clean()


# --- History narrowed to one protocol -----------------------------------------------------


def test_history_and_progress_narrow_to_one_protocol_and_streaks_count_any(
    signed_in, alice, library
):
    second = library["second"]
    now = timezone.now()
    past_session(alice, now - timedelta(days=2), pain_before=6, pain_after=2)
    other = past_session(alice, now - timedelta(days=1), pain_before=5, pain_after=5)
    TrainingSession.objects.filter(pk=other.pk).update(protocol=second, protocol_name=second.name)
    ProgressSummary.refresh_for(alice.pk)

    everything = signed_in.get(reverse("history:list"))
    assert everything.context["progress"].this_week + 0 >= 0
    assert everything.context["progress"].current_streak == 2
    html = everything.content.decode()
    assert '<select class="form-select" name="protocol"' in html
    assert f'<option value="{second.pk}">{second.name}</option>' in html

    narrowed = signed_in.get(reverse("history:list"), {"protocol": second.pk})
    assert [s.pk for s in narrowed.context["page"]] == [other.pk]
    progress = narrowed.context["progress"]
    assert progress.current_streak == 2, "streaks count any protocol"
    assert sum(week.sessions for week in progress.weeks) == 1
    assert progress.average_pain_change == 0.0 and progress.sessions_with_pain == 1
    assert f"Showing {second.name} only" in narrowed.content.decode()
    seed_only = signed_in.get(reverse("history:list"), {"protocol": library["seed"].pk})
    assert seed_only.context["progress"].average_pain_change == -4.0


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1e3", "\x00"])
def test_a_protocol_not_in_ones_history_shows_everything_with_a_message(
    signed_in, alice, protocol, value
):
    past_session(alice, timezone.now() - timedelta(days=1))
    response = signed_in.get(reverse("history:list"), {"protocol": value})
    assert response.status_code == 200
    assert len(response.context["page"]) == 1
    assert "That protocol is not in your history" in response.content.decode()


def test_with_one_protocol_in_history_there_is_nothing_to_narrow(signed_in, alice, protocol):
    past_session(alice, timezone.now() - timedelta(days=1))
    assert 'name="protocol"' not in signed_in.get(reverse("history:list")).content.decode()


def test_another_persons_protocol_choice_shows_nothing_of_theirs(signed_in, bob, library):
    second = library["second"]
    theirs = past_session(bob, timezone.now() - timedelta(days=1))
    TrainingSession.objects.filter(pk=theirs.pk).update(protocol=second)
    response = signed_in.get(reverse("history:list"), {"protocol": second.pk})
    assert not response.context["page"].object_list


# --- Admin --------------------------------------------------------------------------------


def test_duplicate_makes_a_new_draft_with_new_slugs(staff, library):
    seed = library["seed"]
    response = staff.post(
        reverse("admin:protocols_protocol_changelist"),
        {"action": "duplicate_protocols", "_selected_action": [seed.pk]},
        follow=True,
    )
    copy = Protocol.objects.get(slug="lower-back-relief-copy")
    assert "Copied" in response.content.decode()
    assert copy.is_draft and not copy.is_featured and copy.name.endswith("(copy)")
    original = [
        (e.label, e.name, e.reps, e.cue)
        for e in Exercise.objects.filter(circuit__protocol=seed).order_by(
            "circuit__number", "position"
        )
    ]
    copied = Exercise.objects.filter(circuit__protocol=copy).order_by("circuit__number", "position")
    assert [(e.label, e.name, e.reps, e.cue) for e in copied] == original
    assert not set(copied.values_list("slug", flat=True)) & set(
        Exercise.objects.filter(circuit__protocol=seed).values_list("slug", flat=True)
    )
    assert copy.circuits.count() == seed.circuits.count() == 3
    again = duplicate(seed)
    assert again.slug == "lower-back-relief-copy-2"
    assert Exercise.objects.filter(circuit__protocol=again, slug__endswith="-copy-2").count() == 7


def test_publishing_with_no_active_exercise_is_refused_with_a_clear_message(staff, protocol):
    empty = Protocol.objects.create(name="Empty", slug="empty", summary="Nothing yet.")
    url = reverse("admin:protocols_protocol_change", args=[empty.pk])
    data = {
        "name": "Empty",
        "slug": "empty",
        "summary": "Nothing yet.",
        "status": "published",
        "circuits-TOTAL_FORMS": 0,
        "circuits-INITIAL_FORMS": 0,
        "circuits-MIN_NUM_FORMS": 0,
        "circuits-MAX_NUM_FORMS": 10,
    }
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "A protocol with no active exercise cannot be published" in response.content.decode()
    empty.refresh_from_db()
    assert empty.is_draft
    listed = staff.post(
        reverse("admin:protocols_protocol_changelist"),
        {"action": "publish", "_selected_action": [empty.pk, protocol.pk]},
        follow=True,
    ).content.decode()
    assert "Empty: A protocol with no active exercise cannot be published" in listed
    empty.refresh_from_db()
    assert empty.is_draft


def test_the_admin_list_shows_status_and_sessions(staff, alice, library):
    for _ in range(3):
        past_session(alice, timezone.now() - timedelta(days=1))
    # A staff preview is nobody's session: the draft still counts none.
    staff.post(reverse("training_sessions:preview", args=[library["draft"].slug]), {})
    assert TrainingSession.all_objects.filter(preview=True).exists()
    html = staff.get(reverse("admin:protocols_protocol_changelist")).content.decode()
    assert '<td class="field-status">Published</td>' in html
    assert '<td class="field-status">Draft</td>' in html
    assert '<td class="field-session_count">3</td>' in html
    assert html.count('<td class="field-session_count">0</td>') == 2


def test_retire_action(staff, library):
    staff.post(
        reverse("admin:protocols_protocol_changelist"),
        {"action": "retire", "_selected_action": [library["second"].pk]},
    )
    library["second"].refresh_from_db()
    assert library["second"].is_retired
