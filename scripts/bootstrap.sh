#!/usr/bin/env bash
# Makes the virtualenv with a supported Python and installs the project in it (`make install`).
# Cheap when nothing changed, so every make target calls it.
#
#   scripts/bootstrap.sh [PYTHON] [VENV]      PYTHON defaults to python3, VENV to .venv
#
# BOOTSTRAP_SKIP_INSTALL=1 stops after the virtualenv is checked (used by the tests of this script).
set -euo pipefail

PYTHON=${1:-python3}
VENV=${2:-.venv}
# Keep in step with `requires-python` in pyproject.toml (a test checks it).
SUPPORTED="3.11 3.12 3.13 3.14"
STAMP="$VENV/.installed-stamp"

say() { printf '%s\n' "$*"; }

installed_interpreters() {
  local found="" version
  for version in $SUPPORTED; do
    command -v "python$version" >/dev/null 2>&1 && found="$found python$version"
  done
  printf '%s' "${found# }"
}

refuse() {
  say "$1"
  say "passculture runs on Python ${SUPPORTED// /, } (CI tests 3.11)."
  local found
  found=$(installed_interpreters)
  if [ -n "$found" ]; then
    say "Found on this machine: $found. Pick one, e.g.: PYTHON=${found%% *} make run"
  else
    say "Install one (on Debian: apt-get install python3 python3-venv), or pick it, e.g.: PYTHON=python3.12 make run"
  fi
  exit 1
}

# The interpreter's identity: version and base prefix. A virtualenv belongs to the interpreter that made
# it; another one (an upgrade, PYTHON=python3.12) needs a new virtualenv, not a broken mix.
identity() {
  "$1" -c 'import sys; print("%d.%d %s %s" % (sys.version_info[0], sys.version_info[1], sys.version.split()[0], sys.base_prefix))' 2>/dev/null
}

command -v "$PYTHON" >/dev/null 2>&1 || refuse "No '$PYTHON' interpreter on this machine."
wanted=$(identity "$PYTHON") || refuse "'$PYTHON' does not run as a Python 3 interpreter."
minor=${wanted%% *}
case " $SUPPORTED " in
  *" $minor "*) ;;
  *) refuse "'$PYTHON' is Python $minor." ;;
esac

if [ -e "$VENV" ]; then
  current=$(identity "$VENV/bin/python" || true)
  if [ "$current" != "$wanted" ]; then
    say "== $VENV was made by another interpreter (${current:-missing or broken}); rebuilding it with $PYTHON (${wanted% *})"
    rm -rf "$VENV"
  fi
fi

if [ ! -e "$VENV" ]; then
  read -r _ full base <<<"$wanted"
  say "== Creating $VENV with Python $full ($base)"
  "$PYTHON" -m venv "$VENV" || {
    rm -rf "$VENV"
    say "'$PYTHON -m venv' failed: on Debian, apt-get install python3-venv (or python$minor-venv)."
    exit 1
  }
fi

[ "${BOOTSTRAP_SKIP_INSTALL:-0}" = 1 ] && exit 0

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  if [ -f "$STAMP" ]; then
    say "== pyproject.toml changed: updating the packages in $VENV"
  else
    say "== Installing passculture and its dependencies into $VENV (first time: a few minutes)"
  fi
  "$VENV/bin/python" -m pip install --quiet --upgrade pip setuptools wheel
  "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
  touch "$STAMP"
  say "== Installed."
fi
