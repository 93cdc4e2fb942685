#!/bin/sh
# Web: apply migrations (safe to run on every start; one web container runs them), then serve.
set -eu
python manage.py check --deploy --fail-level WARNING
python manage.py migrate --noinput
exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers "${WEB_WORKERS:-3}" --timeout 120 \
  --access-logfile -
