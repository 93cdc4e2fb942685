#!/bin/sh
# Beat: exactly one per deployment; the schedule lives in the database (django-celery-beat, editable in admin).
set -eu
cd "$(dirname "$0")/.."
exec celery -A config beat --loglevel "${LOG_LEVEL:-INFO}"
