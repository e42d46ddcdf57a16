"""Coaches edit the protocol in Django admin, and the public pages follow at once."""

import pytest
from django.contrib import admin
from django.urls import reverse

from protocols.models import Circuit, Exercise

EXERCISE_FIELDS = [
    "position",
    "label",
    "name",
    "slug",
    "measure",
    "reps",
    "per_side",
    "seconds_per_rep",
    "get_ready_seconds",
    "rest_after_seconds",
    "cue",
    "how_to",
    "common_mistake",
    "when_to_stop",
]


def circuit_form_data(circuit: Circuit, **exercise_changes) -> dict:
    """The POST the circuit change page sends, with its exercise inlines."""
    data = {
        "protocol": circuit.protocol_id,
        "number": circuit.number,
        "focus": circuit.focus,
        "rounds": circuit.rounds,
        "rest_between_rounds_seconds": circuit.rest_between_rounds_seconds,
        "rest_after_seconds": circuit.rest_after_seconds,
        "_save": "Save",
    }
    exercises = list(circuit.exercises.order_by("position"))
    data |= {
        "exercises-TOTAL_FORMS": len(exercises),
        "exercises-INITIAL_FORMS": len(exercises),
        "exercises-MIN_NUM_FORMS": 0,
        "exercises-MAX_NUM_FORMS": 1000,
    }
    for index, exercise in enumerate(exercises):
        prefix = f"exercises-{index}-"
        data[prefix + "id"] = exercise.pk
        data[prefix + "circuit"] = circuit.pk
        if exercise.is_active:
            data[prefix + "is_active"] = "on"
        for field in EXERCISE_FIELDS:
            data[prefix + field] = getattr(exercise, field)
        for field, value in exercise_changes.get(exercise.label, {}).items():
            data[prefix + field] = value
    return data


def test_a_coach_edits_reps_inline_and_the_public_page_follows(client, coach, protocol):
    client.force_login(coach)
    circuit = Circuit.objects.get(number=3)
    url = reverse("admin:protocols_circuit_change", args=[circuit.pk])

    response = client.post(url, circuit_form_data(circuit, **{"3a": {"reps": 10}}))

    assert response.status_code == 302, response.context and response.context["errors"]
    bridge = Exercise.objects.get(label="3a")
    assert bridge.reps == 10
    page = client.get(bridge.get_absolute_url()).content.decode()
    assert "3 rounds of 10 reps each side" in page
    assert "10 reps each side" in client.get("/").content.decode()


def test_bad_reps_are_refused_with_a_message(client, coach, protocol):
    client.force_login(coach)
    circuit = Circuit.objects.get(number=3)
    url = reverse("admin:protocols_circuit_change", args=[circuit.pk])

    response = client.post(url, circuit_form_data(circuit, **{"3a": {"reps": 0}}))

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1" in response.content.decode()
    assert Exercise.objects.get(label="3a").reps == 12


def test_inlines_are_in_protocol_order(client, coach, protocol):
    client.force_login(coach)
    circuit = Circuit.objects.get(number=3)
    content = client.get(
        reverse("admin:protocols_circuit_change", args=[circuit.pk])
    ).content.decode()
    positions = [content.index(f'value="{label}"') for label in ("3a", "3b", "3c")]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "name",
    [
        "admin:protocols_protocol_changelist",
        "admin:protocols_circuit_changelist",
        "admin:protocols_exercise_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
    ],
)
def test_admin_pages_open(client, coach, protocol, name):
    client.force_login(coach)
    assert client.get(reverse(name)).status_code == 200


def test_exercise_search_finds_by_name(client, coach, protocol):
    client.force_login(coach)
    response = client.get(reverse("admin:protocols_exercise_changelist"), {"q": "glute"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [Exercise.objects.get(label="3a")]


def test_protocol_page_shows_circuits_inline(client, coach, protocol):
    client.force_login(coach)
    content = client.get(
        reverse("admin:protocols_protocol_change", args=[protocol.pk])
    ).content.decode()
    assert content.count('name="circuits-') > 3


def test_people_who_are_not_staff_cannot_reach_admin(client, alice, protocol):
    client.force_login(alice)
    response = client.get(reverse("admin:protocols_exercise_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Every admin list with a date drill-down: ours, and django-axes' sign-in attempts.
DATE_LISTS = sorted(
    (
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist",
        model_admin.date_hierarchy,
    )
    for model, model_admin in admin.site._registry.items()
    if model_admin.date_hierarchy
)


@pytest.mark.parametrize("name, field", DATE_LISTS)
@pytest.mark.parametrize(
    "date_filter",
    [
        {"year": "9999"},  # the year after is beyond the calendar
        {"year": "9999", "month": "12"},
        {"year": "99999999999999999999"},  # too big for a date at all
        {"year": "2025", "month": "99"},
    ],
)
def test_a_date_beyond_the_calendar_is_a_bad_filter_not_a_server_error(
    client, coach, protocol, name, field, date_filter
):
    """Django 5.2.19 raised on these (ticket #37357): backrelief.admin_changelist says ?e=1."""
    client.force_login(coach)
    response = client.get(reverse(name), {f"{field}__{part}": v for part, v in date_filter.items()})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_date_lists_include_the_sessions_and_sign_in_attempts():
    names = {name for name, _ in DATE_LISTS}
    assert "admin:training_sessions_trainingsession_changelist" in names
    assert "admin:axes_accessattempt_changelist" in names


def test_a_date_in_the_calendar_still_filters_the_sessions(client, coach, alice_session):
    client.force_login(coach)
    year = alice_session.started_at.year
    response = client.get(
        reverse("admin:training_sessions_trainingsession_changelist"), {"started_at__year": year}
    )
    assert list(response.context["cl"].result_list) == [alice_session]


def test_a_coach_sets_the_tempo_and_get_ready_time_inline(client, coach, protocol):
    client.force_login(coach)
    circuit = Circuit.objects.get(number=1)
    url = reverse("admin:protocols_circuit_change", args=[circuit.pk])

    changes = {"1b": {"seconds_per_rep": 8, "get_ready_seconds": 10}}
    response = client.post(url, circuit_form_data(circuit, **changes))

    assert response.status_code == 302, response.context and response.context["errors"]
    hip_cars = Exercise.objects.get(label="1b")
    assert (hip_cars.seconds_per_rep, hip_cars.get_ready_seconds) == (8, 10)
    assert hip_cars.pacing()[0].seconds == 10


def test_a_get_ready_time_over_thirty_seconds_is_refused(client, coach, protocol):
    client.force_login(coach)
    circuit = Circuit.objects.get(number=1)
    url = reverse("admin:protocols_circuit_change", args=[circuit.pk])

    response = client.post(url, circuit_form_data(circuit, **{"1a": {"get_ready_seconds": 31}}))

    assert response.status_code == 200
    assert Exercise.objects.get(label="1a").get_ready_seconds == 5
