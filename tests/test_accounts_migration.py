"""Migration 0005 fills the gate's new columns on the user row from the records."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0004_safety_state_on_user")]
AFTER = [("accounts", "0005_gate_state")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


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
