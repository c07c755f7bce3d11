#!/usr/bin/env bash
# Sets up Rig Planner in ./.venv: the system libraries Qt needs (Debian: installed with apt
# when run as root, otherwise named), a virtual environment, and the package in editable
# mode. `setup.sh app` installs only what the app needs (scripts/run.sh); `setup.sh test`
# (the default) adds the test and development tools and the tools the tests call.
# Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-test}
case "$MODE" in
    app) EXTRAS="" ;;
    test) EXTRAS="[test,dev]" ;;
    *) printf 'setup: unknown mode %s (use app or test)\n' "$MODE"; exit 2 ;;
esac

PYTHON=${PYTHON:-python3}
QT_DEBS=(libgl1 libegl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core)
# The tests also read PDFs, validate desktop files, and drive the keyboard in a real X
# server (Xvfb with the X libraries Qt's xcb platform loads).
TEST_DEBS=(poppler-utils desktop-file-utils appstream shared-mime-info xvfb xauth
    libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1)

say() { printf 'setup: %s\n' "$*"; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    say "no '$PYTHON' found: install Python 3.10 or newer (Debian: apt-get install python3)"
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    say "Rig Planner needs Python 3.10 or newer; '$PYTHON' is $("$PYTHON" -V 2>&1)"
    exit 1
fi

missing_debs() {
    # Prints the Debian packages from the arguments that are not installed.
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || printf '%s\n' "$package"
    done
}

install_debs() {
    local wanted=("$@")
    [ ${#wanted[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: ${wanted[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
    else
        say "missing system packages: ${wanted[*]}"
        say "install them with: sudo apt-get install ${wanted[*]}"
        return 1
    fi
}

if command -v dpkg-query >/dev/null 2>&1; then
    needed=()
    wanted_debs=("${QT_DEBS[@]}")
    if [ "$MODE" = test ]; then wanted_debs+=("${TEST_DEBS[@]}"); fi
    mapfile -t needed < <(missing_debs "${wanted_debs[@]}")
    # Debian's python3 has no venv module until python3-venv is installed.
    if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        needed+=("python3-venv")
    fi
    if [ ${#needed[@]} -gt 0 ]; then
        install_debs "${needed[@]}" || {
            # Qt libraries are required; the others only serve tests (PDF, desktop files).
            mapfile -t qt_missing < <(missing_debs "${QT_DEBS[@]}")
            if [ ${#qt_missing[@]} -gt 0 ] || ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
                exit 1
            fi
        }
    fi
elif [ "$(uname -s)" = "Linux" ]; then
    say "not a Debian system: make sure these libraries (or your distribution's equivalents) are installed: ${QT_DEBS[*]}"
fi

if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    "$PYTHON" -m venv .venv
fi

# One stamp per mode; a test install holds everything the app needs as well.
fingerprint=$(cat pyproject.toml | "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')
installed() { [ -f ".venv/.rig-planner-installed-$1" ] && [ "$(cat ".venv/.rig-planner-installed-$1")" = "$fingerprint" ]; }
if ! { installed "$MODE" || { [ "$MODE" = app ] && installed test; }; } \
    || ! .venv/bin/python -c 'import planner' 2>/dev/null; then
    if [ "$MODE" = app ]; then
        say "installing Rig Planner and what it needs to run into .venv"
    else
        say "installing Rig Planner with its test and development tools into .venv"
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".$EXTRAS"
    printf '%s' "$fingerprint" > ".venv/.rig-planner-installed-$MODE"
fi
# The tests run the probe script `planner probe` writes end to end, on the CPU: they need
# PyTorch's CPU build (never a dependency of the app itself).
if [ "$MODE" = test ] && ! .venv/bin/python -c 'import torch' >/dev/null 2>&1; then
    say "installing PyTorch (CPU build) for the probe-script test"
    .venv/bin/python -m pip install --quiet --retries 0 "torch==2.13.0+cpu" \
        --extra-index-url https://download.pytorch.org/whl/cpu
fi
say "ready"
