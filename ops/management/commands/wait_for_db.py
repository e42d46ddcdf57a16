"""Wait until the database accepts connections, or give up after a timeout.

The container's entrypoint runs this first: a database that is still starting
(compose, a fresh managed instance) should delay the app, not crash it, and a
database that never comes should fail the start with a clear message.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections


class Command(BaseCommand):
    help = "Wait until the database answers a query; fail after --timeout seconds."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between tries")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, timeout: float, interval: float, database: str, **options):
        connection = connections[database]
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except OperationalError as error:
                connection.close()
                if time.monotonic() + interval > deadline:
                    raise CommandError(
                        f"The database did not answer within {timeout:g} seconds: {error}"
                    ) from error
                self.stderr.write(f"Waiting for the database (attempt {attempt}): {error}")
                time.sleep(interval)
            else:
                connection.close()
                self.stdout.write("The database is ready.")
                return
