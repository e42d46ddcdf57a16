"""Seed the protocol from its fixture, once.

`make run` calls this on every start, so it must never undo a coach's work:
a protocol whose slug is already in the database is left exactly as it is
(whatever was edited, added or retired in admin), and only protocols the
database lacks are created. Loading twice therefore changes nothing.
"""

import json
from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from protocols.models import Protocol

DEFAULT_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "lower_back_relief.json"


class Command(BaseCommand):
    help = "Create the protocol from its fixture if the database does not have it yet."

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", type=Path, default=DEFAULT_FIXTURE)

    def handle(self, *args, fixture: Path, **options):
        try:
            records = json.loads(fixture.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {fixture}: {error}") from error

        slugs = {r["fields"]["slug"] for r in records if r["model"] == "protocols.protocol"}
        present = set(Protocol.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        for slug in sorted(present):
            self.stdout.write(f"Protocol {slug!r} is already there: left as it is.")
        missing = slugs - present
        if not missing:
            return

        wanted = [r for r in records if _protocol_slug(r) in missing]
        with transaction.atomic():
            for deserialized in serializers.deserialize("json", json.dumps(wanted)):
                deserialized.save()
        for slug in sorted(missing):
            self.stdout.write(self.style.SUCCESS(f"Protocol {slug!r} seeded."))


def _protocol_slug(record: dict) -> str:
    """Which protocol a fixture record belongs to (records use natural keys)."""
    fields = record["fields"]
    if record["model"] == "protocols.protocol":
        return fields["slug"]
    if record["model"] == "protocols.circuit":
        return fields["protocol"][0]
    if record["model"] == "protocols.exercise":
        return fields["circuit"][0]
    raise CommandError(f"Unexpected model in the protocol fixture: {record['model']}")
