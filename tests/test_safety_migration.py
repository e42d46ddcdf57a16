"""The safety app takes the disclaimer, screenings, clearances and site configuration from
accounts with their rows: the same ids, the same people, the same links, and the admin's
content types (so its history and permissions) with them."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tests.conftest import migrate

pytestmark = [
    pytest.mark.slow,  # migrates the test database back and forth
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema_afterwards"),
]

BEFORE = [("accounts", "0008_site_version")]
AFTER = [("safety", "0002_own_table_names")]
MOVED = [
    "disclaimer",
    "disclaimeracknowledgement",
    "redflagscreening",
    "clinicianclearance",
    "siteconfiguration",
]


def test_rows_made_in_accounts_are_found_through_the_safety_models(alice, bob):
    old = migrate(BEFORE)
    try:
        disclaimers = old.get_model("accounts", "Disclaimer").objects
        disclaimers.all().delete()
        disclaimer = disclaimers.create(version=7, text="Seventh.", published=True)
        acknowledgement = old.get_model("accounts", "DisclaimerAcknowledgement").objects.create(
            user_id=alice.pk, disclaimer=disclaimer
        )
        answered_at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        screening = old.get_model("accounts", "RedFlagScreening").objects.create(
            user_id=bob.pk,
            answers={"cancer": True},
            any_yes=False,
            lasting_yes=True,
            questions_version=2,
            answered_at=answered_at,
        )
        clearance = old.get_model("accounts", "ClinicianClearance").objects.create(
            user_id=bob.pk, cleared_on=date(2026, 3, 2)
        )
        old.get_model("accounts", "SiteConfiguration").objects.create(
            pk=1, referral_url="https://practitioners.example/", emergency_number="112"
        )
    finally:
        migrate(AFTER)

    from safety.models import (
        ClinicianClearance,
        Disclaimer,
        DisclaimerAcknowledgement,
        RedFlagScreening,
        SiteConfiguration,
    )

    moved_disclaimer = Disclaimer.objects.get(pk=disclaimer.pk)
    assert (moved_disclaimer.version, moved_disclaimer.text) == (7, "Seventh.")
    assert Disclaimer.objects.current() == moved_disclaimer
    moved_ack = DisclaimerAcknowledgement.objects.get(pk=acknowledgement.pk)
    assert (moved_ack.user_id, moved_ack.disclaimer_id) == (alice.pk, disclaimer.pk)
    assert list(moved_disclaimer.acknowledgements.all()) == [moved_ack]
    moved_screening = RedFlagScreening.objects.get(pk=screening.pk)
    assert (moved_screening.user_id, moved_screening.answered_at) == (bob.pk, answered_at)
    assert moved_screening.lasting_yes and moved_screening.answers == {"cancer": True}
    moved_clearance = ClinicianClearance.objects.get(pk=clearance.pk)
    assert (moved_clearance.user_id, moved_clearance.cleared_on) == (bob.pk, date(2026, 3, 2))
    configuration = SiteConfiguration.load()
    assert (configuration.referral_url, configuration.emergency_number) == (
        "https://practitioners.example/",
        "112",
    )
    # Through the user too, by the related names the gate's state is computed from.
    assert list(alice.acknowledgements.all()) == [moved_ack]
    assert list(bob.screenings.all()) == [moved_screening]
    assert list(bob.clearances.all()) == [moved_clearance]
    bob.refresh_safety_state()
    assert (bob.last_lasting_fact_at, bob.last_clearance_at) == (
        answered_at,
        moved_clearance.recorded_at,
    )
    # A new row follows the old ones, and the tables are the safety app's own.
    assert Disclaimer.objects.create(version=8, text="Eighth.").pk > disclaimer.pk
    tables = set(connection.introspection.table_names())
    assert {f"safety_{model}" for model in MOVED} <= tables
    assert not {f"accounts_{model}" for model in MOVED} & tables


def test_the_admin_content_types_move_with_their_ids():
    migrate(BEFORE)
    ContentType.objects.clear_cache()
    before = {
        model: ContentType.objects.get(app_label="accounts", model=model).pk for model in MOVED
    }
    migrate(AFTER)
    ContentType.objects.clear_cache()
    after = {model: ContentType.objects.get(app_label="safety", model=model).pk for model in MOVED}
    assert after == before
    assert not ContentType.objects.filter(app_label="accounts", model__in=MOVED).exists()


def test_a_fresh_database_migrates_to_the_same_schema(db):
    tables = set(connection.introspection.table_names())
    assert {f"safety_{model}" for model in MOVED} <= tables
