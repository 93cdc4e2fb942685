#!/bin/sh
# Validates docker/compose.yml the way `docker compose` reads it, with docker/.env.example standing in for the
# deployment's docker/.env (a copy in a scratch folder: a real docker/.env is never read or touched). Needs no
# Docker engine: `docker compose` (the plugin) or Debian's `docker-compose` package.
# Also checks that the processes compose starts are the entrypoints in docker/, present and executable.
set -eu
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then
  compose="docker-compose"
else
  echo "compose-check: neither 'docker compose' nor 'docker-compose' is installed" >&2
  exit 1
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/docker"
cp docker/compose.yml "$scratch/docker/compose.yml"
cp docker/.env.example "$scratch/docker/.env"

$compose -f "$scratch/docker/compose.yml" config >"$scratch/resolved.yml"
services="$($compose -f "$scratch/docker/compose.yml" config --services | sort | tr '\n' ' ')"
if [ "$services" != "beat db redis web worker " ]; then
  echo "compose-check: services are '$services', expected 'beat db redis web worker'" >&2
  exit 1
fi
for process in web worker beat; do
  if ! grep -q -- "- docker/$process.sh" "$scratch/resolved.yml"; then
    echo "compose-check: the $process service does not run docker/$process.sh" >&2
    exit 1
  fi
  if [ ! -x "docker/$process.sh" ]; then
    echo "compose-check: docker/$process.sh is missing or not executable" >&2
    exit 1
  fi
done
echo "compose-check: docker/compose.yml is valid ($compose); services: $services"
