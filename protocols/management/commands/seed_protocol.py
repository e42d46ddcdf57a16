"""Seed the protocol from its fixture into a database that has none.

`make run` and every release call this, so it must never touch a coach's
work: as soon as the database holds any protocol, it does nothing at all.
Deciding by slug would not do: a coach may rename a slug in admin, and the
fixture's natural keys would then recreate the protocol and move the live
exercises (matched by their own slugs) onto it. Loading twice changes nothing.
"""

import json
from pathlib import Path

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from protocols.models import Protocol

DEFAULT_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "lower_back_relief.json"


class Command(BaseCommand):
    help = "Create the protocol from its fixture if the database has no protocol yet."

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", type=Path, default=DEFAULT_FIXTURE)

    def handle(self, *args, fixture: Path, **options):
        try:
            records = json.loads(fixture.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {fixture}: {error}") from error

        if Protocol.objects.exists():
            self.stdout.write("The database already has a protocol: nothing seeded.")
            return
        with transaction.atomic():
            for deserialized in serializers.deserialize("json", json.dumps(records)):
                deserialized.save()
        for record in records:
            if record["model"] == "protocols.protocol":
                self.stdout.write(
                    self.style.SUCCESS(f"Protocol {record['fields']['slug']!r} seeded.")
                )
