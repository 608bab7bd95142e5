#!/usr/bin/env sh
# The image's build steps after the code is copied in (the Dockerfile runs this; so does
# tests/deploy/test_docker.py, in a copy of the checkout): vendor the front-end files from
# node_modules/, compile the translations, and collect the static files with the
# production (manifest) storage into STATIC_ROOT. Fails on the first error.
#   PYTHON=python STATIC_ROOT=/app/staticfiles scripts/docker_build.sh
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

"$PYTHON" scripts/vendor_assets.py
"$PYTHON" scripts/compile_messages.py
# The build has no secrets and no database: a throwaway key, production storage.
SECRET_KEY=build-only-not-a-secret DEBUG=false ALLOWED_HOSTS=localhost \
  "$PYTHON" manage.py collectstatic --noinput
