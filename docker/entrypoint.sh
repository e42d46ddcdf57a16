#!/bin/sh
# Starts Back Relief in its container (and in tests, outside one):
#   1. waits for the database (DATABASE_WAIT_TIMEOUT seconds, default 60),
#      which also runs Django's system checks: an unsafe configuration stops here;
#   2. with RUN_MIGRATIONS=1 only, applies migrations and seeds the protocol
#      (both idempotent; run them on one release job, not on every replica);
#   3. hands the process to gunicorn, or to the command given instead.
set -eu
cd "$(dirname "$0")/.."

run_migrations="${RUN_MIGRATIONS:-0}"
case "$run_migrations" in
    0 | 1) ;;
    *)
        echo "RUN_MIGRATIONS=$run_migrations is not 0 or 1." >&2
        exit 2
        ;;
esac

python manage.py wait_for_db --timeout "${DATABASE_WAIT_TIMEOUT:-60}"

if [ "$run_migrations" = 1 ]; then
    python manage.py migrate --no-input
    python manage.py seed_protocol
fi

if [ "$#" -eq 0 ]; then
    set -- gunicorn --config gunicorn.conf.py
fi
exec "$@"
