#!/usr/bin/env bash
# Create .venv with python3 (3.11+) and install the project with its pinned dependencies.
# The Makefile runs this only when pyproject.toml is newer than var/.installed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"

# Ctrl-C, TERM or HUP during the install stops pip too (run_step keeps the traps live).
stop_started_on_exit

command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found: Khéo needs Python 3.11 or newer."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || fail "$("$PYTHON" --version 2>&1) is too old: Khéo needs Python 3.11 or newer (set PYTHON=python3.12 ...)."

if [ ! -x .venv/bin/python ]; then
    say "tạo .venv bằng $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        # Debian and Ubuntu ship venv without ensurepip until python3-venv is installed.
        version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        if [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
            sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"
            say "python venv support is missing: installing python$version-venv with apt-get"
            DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get update -qq
            DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "python$version-venv" >/dev/null \
                || DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv .venv
        else
            fail "python -m venv failed: install python3-venv (sudo apt-get install python3-venv) and run again."
        fi
    fi
fi

# -qq: errors only (a machine's own pip configuration may print warnings for every package).
# --no-compile: Python compiles each module on its first import instead (saves ~20 s here).
run_step install "cài Khéo và các gói đã ghim phiên bản vào .venv (pip install -e .[dev])" \
    .venv/bin/python -m pip install --disable-pip-version-check -qq --no-compile --editable ".[dev]"
# setuptools leaves build metadata in the source tree; the installed copy lives in .venv.
rm -rf ./*.egg-info
mkdir -p var
touch var/.installed
