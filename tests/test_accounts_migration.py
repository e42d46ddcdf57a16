"""Accounts migrations keep what people recorded: 0005 and 0006 fill the gate's columns
from the records, 0007 publishes the disclaimer's second version only over the untouched first."""

import importlib
from datetime import UTC, datetime

import pytest

from tests.conftest import migrate

pytestmark = [
    pytest.mark.slow,  # migrates the test database back and forth
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema_afterwards"),
]

BEFORE = [("accounts", "0004_safety_state_on_user")]
AFTER = [("accounts", "0005_gate_state")]


def test_existing_people_keep_every_version_they_read_and_their_red_flag(alice, bob):
    old = migrate(BEFORE)
    try:
        disclaimer_model = old.get_model("accounts", "Disclaimer")
        acknowledgement = old.get_model("accounts", "DisclaimerAcknowledgement")
        screening = old.get_model("accounts", "RedFlagScreening")
        first, _ = disclaimer_model.objects.get_or_create(
            version=1, defaults={"text": "One.", "published": True}
        )
        second = disclaimer_model.objects.create(version=2, text="Two.", published=True)
        for disclaimer in (second, first):  # read in either order: both are kept
            acknowledgement.objects.create(user_id=alice.pk, disclaimer=disclaimer)
        yes_at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        screening.objects.create(
            user_id=alice.pk, answers={"night_pain": True}, any_yes=True, answered_at=yes_at
        )
        screening.objects.create(
            user_id=alice.pk,
            answers={"night_pain": False},
            any_yes=False,
            answered_at=datetime(2026, 3, 1, 9, 5, tzinfo=UTC),
        )
    finally:
        new = migrate(AFTER)

    users = new.get_model("accounts", "User").objects
    migrated_alice, migrated_bob = users.get(pk=alice.pk), users.get(pk=bob.pk)
    assert migrated_alice.acknowledged_disclaimer_versions == [1, 2]
    assert migrated_alice.last_red_flag_at == yes_at
    assert migrated_bob.acknowledged_disclaimer_versions == []
    assert migrated_bob.last_red_flag_at is None


def test_existing_screenings_answered_version_one_and_are_asked_the_new_set(alice, bob):
    old = migrate([("accounts", "0005_gate_state")])
    try:
        screening = old.get_model("accounts", "RedFlagScreening")
        old_users = old.get_model("accounts", "User").objects
        answered_at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        screening.objects.create(
            user_id=alice.pk,
            answers={"fever_unwell": True, "night_pain": False},
            any_yes=True,
            answered_at=answered_at,
        )
        old_users.filter(pk=alice.pk).update(
            last_screening_at=answered_at, last_screening_any_yes=True, last_red_flag_at=answered_at
        )
    finally:
        new = migrate([("accounts", "0006_triage_by_sign")])

    migrated = new.get_model("accounts", "RedFlagScreening").objects.get()
    assert (migrated.questions_version, migrated.any_yes, migrated.lasting_yes) == (1, True, False)
    users = new.get_model("accounts", "User").objects
    migrated_alice, migrated_bob = users.get(pk=alice.pk), users.get(pk=bob.pk)
    assert migrated_alice.last_screening_questions_version == 1
    assert (migrated_alice.last_lasting_fact_at, migrated_alice.last_clearance_at) == (None, None)
    assert migrated_bob.last_screening_questions_version is None

    migrate([("safety", "0002_own_table_names")])  # the tables and columns today's models read
    from accounts.models import User
    from safety.models import QUESTION_LABELS, safety_status

    alice = User.objects.get(pk=alice.pk)
    assert safety_status(alice, None).asks_new_questions
    assert alice.safety_state_drift() == {}
    assert alice.screenings.get().flagged == [QUESTION_LABELS[1]["fever_unwell"]]


# --- 0007: the disclaimer's second version ---------------------------------------

DISCLAIMER_BEFORE = [("accounts", "0006_triage_by_sign")]
DISCLAIMER_AFTER = [("accounts", "0007_disclaimer_version_2")]


def _second_version():
    return importlib.import_module("accounts.migrations.0007_disclaimer_version_2")


def test_version_2_is_published_over_the_untouched_first_wording():
    second = _second_version()
    old = migrate(DISCLAIMER_BEFORE)
    disclaimers = old.get_model("accounts", "Disclaimer").objects
    disclaimers.all().delete()
    disclaimers.create(version=1, text=second.FIRST_DISCLAIMER, published=True)
    new = migrate(DISCLAIMER_AFTER)
    current = (
        new.get_model("accounts", "Disclaimer").objects.filter(published=True).latest("version")
    )
    assert (current.version, current.text) == (2, second.SECOND_DISCLAIMER)


def test_a_coachs_own_wording_is_left_as_it_is():
    old = migrate(DISCLAIMER_BEFORE)
    disclaimers = old.get_model("accounts", "Disclaimer").objects
    disclaimers.all().delete()
    disclaimers.create(version=1, text="The first.", published=False)
    disclaimers.create(version=2, text="Our clinic's own words.", published=True)
    new = migrate(DISCLAIMER_AFTER)
    texts = list(
        new.get_model("accounts", "Disclaimer")
        .objects.order_by("version")
        .values_list("text", flat=True)
    )
    assert texts == ["The first.", "Our clinic's own words."]


def test_existing_people_share_one_site_version(alice, bob):
    migrate([("accounts", "0007_disclaimer_version_2")])
    new = migrate([("accounts", "0008_site_version")])
    versions = set(new.get_model("accounts", "User").objects.values_list("site_version", flat=True))
    assert len(versions) == 1 and versions != {0}
