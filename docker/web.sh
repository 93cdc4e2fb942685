#!/bin/sh
# Web: check the deployment settings, apply migrations (safe to run on every start; one web container runs them),
# then serve. From the application's folder, wherever it is started from (the image: /app). WEB_BIND is where
# gunicorn listens: every interface, port 8000, in the image; docker/smoke.py picks a free local port.
set -eu
cd "$(dirname "$0")/.."
python manage.py check --deploy --fail-level WARNING
python manage.py migrate --noinput
exec gunicorn config.wsgi:application --bind "${WEB_BIND:-0.0.0.0:8000}" --workers "${WEB_WORKERS:-3}" \
  --timeout 120 --access-logfile -
