#!/usr/bin/env bash
# The tests, on a fresh machine: installs the system packages the real components under test
# come from (PostgreSQL's server binaries for the store tests, gnome-keyring and dbus-daemon for
# the keyring test, faketime for the store torture test, socat for the serial printer's port pair,
# espeak-ng and sox for the spoken announcement written to a WAV and measured),
# then runs `cargo test` with any arguments given. A missing component is installed or named, never
# skipped: a test that quietly skips the real thing proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus-daemon)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]} (the tests start them for real)" >&2
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "tests/run.sh: not root and no sudo: install ${missing[*]} (apt) and run again" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "tests/run.sh: no apt-get here: install ${missing[*]} with this system's packages" >&2
    exit 1
  fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
exec cargo test "$@"
