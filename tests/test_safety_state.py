"""The gate's inputs on the user row follow the records, whichever ORM path writes them."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from safety.models import (
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
    safety_status,
)
from tests.conftest import clear_safety_gate


def yes(user, **fields) -> RedFlagScreening:
    return RedFlagScreening(user=user, answers={RedFlag.NIGHT_PAIN.value: True}, **fields)


def no(user, **fields) -> RedFlagScreening:
    return RedFlagScreening(user=user, answers={RedFlag.NIGHT_PAIN.value: False}, **fields)


def status(user):
    user.refresh_from_db()
    return safety_status(user, Disclaimer.objects.current())


def assert_in_step(*users) -> None:
    for user in users:
        user.refresh_from_db()
        assert user.safety_state_drift() == {}, user


# --- Each write path --------------------------------------------------------------


def test_a_bulk_created_yes_closes_the_gate(alice, bob, disclaimer):
    clear_safety_gate(alice)
    RedFlagScreening.objects.bulk_create([yes(alice), no(bob)])
    assert status(alice).red_flag_today
    assert RedFlagScreening.objects.filter(user=alice, any_yes=True).count() == 1
    assert_in_step(alice, bob)


def test_bulk_created_acknowledgements_count(alice, bob, disclaimer):
    DisclaimerAcknowledgement.objects.bulk_create(
        [DisclaimerAcknowledgement(user=person, disclaimer=disclaimer) for person in (alice, bob)]
    )
    assert status(alice).acknowledged_current_disclaimer
    assert status(bob).acknowledged_current_disclaimer


def test_updating_answers_to_a_yes_closes_the_gate(alice, disclaimer):
    clear_safety_gate(alice)
    RedFlagScreening.objects.filter(user=alice).update(answers={RedFlag.FEVER_CHILLS.value: True})
    assert RedFlagScreening.objects.get(user=alice).any_yes is True  # follows the answers
    assert status(alice).red_flag_today
    assert_in_step(alice)


def test_any_yes_cannot_be_updated_apart_from_the_answers(alice):
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.FEVER_CHILLS.value: True})
    with pytest.raises(TypeError):
        RedFlagScreening.objects.update(any_yes=False)
    assert RedFlagScreening.objects.get().any_yes is True


def test_an_update_that_moves_records_refreshes_both_people(alice, bob, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.NIGHT_PAIN.value: True})
    DisclaimerAcknowledgement.objects.filter(user=alice).update(user=bob)
    RedFlagScreening.objects.filter(user=alice).update(user=bob)
    assert not status(alice).acknowledged_current_disclaimer
    assert status(bob).red_flag_today
    assert (alice.last_screening_at, alice.last_red_flag_at) == (None, None)
    assert_in_step(alice, bob)


def test_an_update_of_when_refreshes_the_day(alice, disclaimer):
    clear_safety_gate(alice)
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.NIGHT_PAIN.value: True})
    RedFlagScreening.objects.filter(any_yes=True).update(
        answered_at=timezone.now() - timedelta(days=2)
    )
    assert not status(alice).red_flag_today
    assert_in_step(alice)


def test_bulk_update_keeps_any_yes_and_the_row_in_step(alice, disclaimer):
    clear_safety_gate(alice)
    screening = RedFlagScreening.objects.get(user=alice)
    screening.answers = {RedFlag.LEG_WEAKNESS.value: True}
    RedFlagScreening.objects.bulk_update([screening], ["answers"])
    assert RedFlagScreening.objects.get().any_yes is True
    assert status(alice).red_flag_today
    assert_in_step(alice)


def test_a_queryset_delete_of_acknowledgements_asks_again(alice, disclaimer):
    clear_safety_gate(alice)
    DisclaimerAcknowledgement.objects.filter(user=alice).delete()
    assert not status(alice).acknowledged_current_disclaimer
    assert_in_step(alice)


def test_a_queryset_delete_of_screenings_forgets_the_red_flag(alice, bob, disclaimer):
    RedFlagScreening.objects.bulk_create([yes(alice), no(alice), yes(bob)])
    RedFlagScreening.objects.filter(user=alice, any_yes=True).delete()
    assert not status(alice).red_flag_today
    assert status(bob).red_flag_today
    alice.screenings.all().delete()  # the related manager is the same queryset
    assert not status(alice).has_screening
    assert_in_step(alice, bob)


def test_the_saving_object_sees_the_change_at_once(alice, disclaimer):
    # The views save with request.user: the same request then sees the gate move.
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    assert alice.acknowledged_disclaimer_versions == [disclaimer.version]
    screening = RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    assert alice.last_red_flag_at == screening.answered_at
    screening.delete()
    assert alice.last_red_flag_at is None


def test_deleting_a_person_takes_their_records_without_a_fuss(alice, disclaimer):
    clear_safety_gate(alice)
    RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    alice.delete_with_traces()
    assert not RedFlagScreening.objects.exists()
    assert not DisclaimerAcknowledgement.objects.exists()


# --- The computation, for a drift check ---------------------------------------------


def test_the_computed_state_is_what_the_row_should_hold(alice, disclaimer):
    clear_safety_gate(alice)
    screening = RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    alice.refresh_from_db()
    expected = {
        "acknowledged_disclaimer_versions": [disclaimer.version],
        "last_screening_at": screening.answered_at,
        "last_screening_any_yes": True,
        "last_red_flag_at": screening.answered_at,
        "last_screening_questions_version": 2,
        "last_lasting_fact_at": None,
        "last_clearance_at": None,
    }
    assert alice.computed_safety_state() == expected
    assert alice.safety_state_drift() == {}


def test_drift_is_reported_and_not_repaired_by_the_computation(alice, disclaimer):
    screening = RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    User.objects.filter(pk=alice.pk).update(last_red_flag_at=None)  # e.g. a raw SQL edit
    alice.refresh_from_db()
    assert alice.safety_state_drift() == {"last_red_flag_at": (None, screening.answered_at)}
    alice.refresh_from_db()
    assert alice.last_red_flag_at is None  # the computation changed nothing
    alice.refresh_safety_state()
    assert_in_step(alice)


# --- Fixtures --------------------------------------------------------------------


def test_dumpdata_and_loaddata_round_trip(alice, disclaimer, tmp_path):
    clear_safety_gate(alice)
    RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    alice.refresh_from_db()
    before = alice.computed_safety_state()
    export = tmp_path / "export.json"
    call_command(
        "dumpdata",
        "accounts.user",
        "safety.disclaimer",
        "safety.disclaimeracknowledgement",
        "safety.redflagscreening",
        "--natural-foreign",
        "--natural-primary",
        output=str(export),
        stdout=io.StringIO(),
    )
    assert json.loads(export.read_text())
    User.objects.all().delete()

    call_command("loaddata", str(export), stdout=io.StringIO())

    # Loading saves raw: the rows come back as exported, none recomputed on the way.
    loaded = User.objects.get(email=alice.email)
    assert loaded.safety_state_drift() == {}
    after = loaded.computed_safety_state()
    assert after["acknowledged_disclaimer_versions"] == before["acknowledged_disclaimer_versions"]
    # JSON keeps times to the millisecond, in the records and the row alike.
    assert abs(after["last_red_flag_at"] - before["last_red_flag_at"]) < timedelta(milliseconds=1)
    assert safety_status(loaded, disclaimer).red_flag_today


# --- Read-only admin ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("disclaimeracknowledgement", lambda user, disclaimer: user.acknowledgements.get()),
        ("redflagscreening", lambda user, disclaimer: user.screenings.get()),
    ],
)
def test_admin_cannot_delete_the_kept_records(client, rf, coach, alice, disclaimer, model, make):
    clear_safety_gate(alice)
    record = make(alice, disclaimer)
    client.force_login(coach)
    changelist = reverse(f"admin:safety_{model}_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert response.status_code == 200  # the list again: the action is not on offer
    # Called anyway (another admin's action list), Django's action refuses: a 403.
    request = rf.post(changelist, {"post": "yes"})
    request.user = coach
    model_admin = admin.site._registry[type(record)]
    with pytest.raises(PermissionDenied):
        delete_selected(model_admin, request, type(record).objects.filter(pk=record.pk))
    delete = reverse(f"admin:safety_{model}_delete", args=[record.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()


def test_admin_can_still_delete_an_account_with_its_records(client, coach, alice, disclaimer):
    clear_safety_gate(alice)
    client.force_login(coach)
    delete = reverse("admin:accounts_user_delete", args=[alice.pk])
    assert "permission to delete" not in client.get(delete).content.decode()
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not RedFlagScreening.objects.exists()
