"""Taps that arrive at the same moment, from several tabs or thumbs.

These run on real threads against the test database: a file SQLite database
(WAL, immediate transactions) in the SQLite run, PostgreSQL in the other.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from protocols.models import Protocol
from sessions.models import CompletedRound, TrainingSession
from tests.conftest import PASSWORD, clear_safety_gate, step_fields

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, action) -> list:
    """Run `action(index)` on `count` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(index):
        try:
            results[index] = action(index, barrier)
        except Exception as error:  # reported below, with its thread
            errors.append((index, error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_same_done_from_eight_tabs_records_one_round(protocol):
    alice = User.objects.create_user("alice@example.com", PASSWORD)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert session.complete_step(1)
    fields = step_fields(session)  # step 2 ends round 1
    url = reverse("training_sessions:complete_step", args=[session.pk])

    def tap(index, barrier):
        client = signed_in_client(alice)
        barrier.wait()
        return client.post(url, fields).status_code

    assert run_together(8, tap) == [302] * 8
    session.refresh_from_db()
    assert session.steps_done == 2
    assert CompletedRound.objects.filter(session=session).count() == 1


def test_starting_from_several_tabs_at_once_starts_one_session(protocol, disclaimer):
    alice = User.objects.create_user("alice@example.com", PASSWORD)
    clear_safety_gate(alice)
    url = reverse("training_sessions:start")

    def start(index, barrier):
        client = signed_in_client(alice)
        barrier.wait()
        return client.post(url, {"pain_before": "3"})["Location"]

    locations = run_together(6, start)
    session = TrainingSession.objects.get(user=alice)
    assert locations == [session.get_absolute_url()] * 6


def test_people_double_tapping_through_whole_sessions_at_once(protocol):
    people = [User.objects.create_user(f"p{i}@example.com", PASSWORD) for i in range(4)]
    plan_protocol = Protocol.objects.with_exercises().get()
    sessions = [TrainingSession.start(person, plan_protocol, None) for person in people]

    def train(index, barrier):
        client = signed_in_client(people[index])
        session = sessions[index]
        complete = reverse("training_sessions:complete_step", args=[session.pk])
        end_rest = reverse("training_sessions:end_rest", args=[session.pk])
        barrier.wait()
        statuses = []
        for number in range(1, 22):
            session.refresh_from_db()
            if session.resting:
                statuses.append(client.post(end_rest, {"after_step": number - 1}).status_code)
                session.refresh_from_db()
            fields = step_fields(session)
            for _ in range(2 if number % 3 == 0 else 1):  # a double tap on every third
                statuses.append(client.post(complete, fields).status_code)
        return statuses

    for statuses in run_together(len(people), train):
        assert set(statuses) == {302}
    for session in sessions:
        session.refresh_from_db()
        assert session.status == TrainingSession.Status.FINISHED
        rounds = list(session.rounds.values_list("circuit_number", "round_number"))
        assert rounds == [(c, r) for c in (1, 2, 3) for r in (1, 2, 3)]


def test_the_same_skip_from_eight_tabs_skips_once_and_records_one_round(protocol):
    alice = User.objects.create_user("alice@example.com", PASSWORD)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert session.complete_step(1)
    fields = step_fields(session)  # step 2 ends round 1
    url = reverse("training_sessions:skip_step", args=[session.pk])

    def tap(index, barrier):
        client = signed_in_client(alice)
        barrier.wait()
        return client.post(url, fields).status_code

    assert run_together(8, tap) == [302] * 8
    session.refresh_from_db()
    assert session.steps_done == 2
    assert [entry["step"] for entry in session.skipped] == [2]
    [round_one] = CompletedRound.objects.filter(session=session)
    assert [exercise.get("skipped", False) for exercise in round_one.exercises] == [False, True]


def test_done_and_skip_racing_for_one_step_move_it_once_and_agree(protocol):
    alice = User.objects.create_user("alice@example.com", PASSWORD)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert session.complete_step(1, skipped=True)
    fields = step_fields(session)  # step 2 ends round 1
    urls = [
        reverse(f"training_sessions:{name}", args=[session.pk])
        for name in ("complete_step", "skip_step")
    ]

    def tap(index, barrier):
        client = signed_in_client(alice)
        barrier.wait()
        return client.post(urls[index % 2], fields).status_code

    assert run_together(8, tap) == [302] * 8
    session.refresh_from_db()
    assert session.steps_done == 2
    step_two_skipped = [entry["step"] for entry in session.skipped] == [1, 2]
    assert step_two_skipped or [entry["step"] for entry in session.skipped] == [1]
    # The round says what the winner did, and keeps the skip before it.
    [round_one] = CompletedRound.objects.filter(session=session)
    marks = [exercise.get("skipped", False) for exercise in round_one.exercises]
    assert marks == [True, step_two_skipped]


def test_tabs_showing_a_passed_over_step_at_once_pass_it_over_once(protocol, disclaimer):
    alice = User.objects.create_user("alice@example.com", PASSWORD)
    clear_safety_gate(alice)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert session.complete_step(1)
    assert session.skip_for_rest_of_session("hip-cars")  # step 2 is 1b

    def look(index, barrier):
        client = signed_in_client(alice)
        barrier.wait()
        return client.get(session.get_absolute_url()).status_code

    assert run_together(6, look) == [200] * 6
    session.refresh_from_db()
    assert (session.steps_done, session.resting) == (2, True)
    assert [(entry["step"], entry.get("passed_over")) for entry in session.skipped] == [(2, True)]
    assert CompletedRound.objects.filter(session=session).count() == 1


def test_skipping_two_exercises_for_the_session_at_once_keeps_both(protocol):
    alice = User.objects.create_user("alice@example.com", PASSWORD)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    url = reverse("training_sessions:skip_exercise", args=[session.pk])
    slugs = ["hip-cars", "side-lying-thoracic-sweep", "cross-tension-deadbugs"]

    def tap(index, barrier):
        client = signed_in_client(alice)
        barrier.wait()
        return client.post(url, {"exercise": slugs[index % 3]}).status_code

    assert run_together(6, tap) == [302] * 6
    session.refresh_from_db()
    assert sorted(session.skipping_exercises) == sorted(slugs)
