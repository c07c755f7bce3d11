#!/usr/bin/env bash
# Builds the Rig Planner desktop bundle (PyInstaller, one folder) and smoke-checks it.
#
#   bash packaging/build_bundle.sh               build venv + bundle + smoke check
#   bash packaging/build_bundle.sh --smoke-only  smoke-check the bundle already built
#
# Needs only Python 3.10+ on a Debian/Ubuntu machine: the system libraries Qt needs (and
# binutils, which PyInstaller uses) are installed with apt-get when run as root, otherwise
# named. The build venv is packaging/build/venv (made here, reused next time, git-ignored);
# the bundle is packaging/dist/rig-planner/, its command packaging/dist/rig-planner/planner.
#
# The smoke check runs the bundle with a clean environment (env -i: no venv, no PYTHONPATH,
# a throwaway HOME, PATH=/usr/bin:/bin) from a copy outside the checkout: `--version`,
# `check` on a sample, `export` (PDF and CSV), `compare` on two samples, and
# `gui SAMPLE --screenshot OUT.png` offscreen, whose PNG must be the window's size and more
# than a blank picture; then the screenshot again in a real X11 window on a virtual screen,
# where xvfb-run exists.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PYTHON=${PYTHON:-python3}
BUILD=$ROOT/packaging/build
VENV=$BUILD/venv
DIST=$ROOT/packaging/dist
BUNDLE=$DIST/rig-planner
SPEC=$ROOT/packaging/rig-planner.spec
SAMPLE=single-rtx-4090.rigplan.toml
OTHER_SAMPLE=dual-rtx-3090-nvlink.rigplan.toml
# PyInstaller reads and strips binaries with binutils. The libraries Qt needs, and those its
# X11 (xcb) and Wayland plugins link, must be on the build machine: PyInstaller copies them
# into the bundle, so that it starts on desktops that lack them (libxcb-cursor0 above all).
DEBS=(
    binutils
    libgl1 libegl1 libglib2.0-0 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core
    libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1
    libwayland-client0 libwayland-cursor0 libwayland-egl1
)
# Only for the smoke check's second run, in a real X11 window on a virtual screen.
CHECK_DEBS=(xvfb xauth)

say() { printf 'build_bundle: %s\n' "$*"; }
fail() {
    say "FAILED: $*"
    exit 1
}

smoke_only=0
case "${1:-}" in
    "") ;;
    --smoke-only) smoke_only=1 ;;
    -h | --help)
        sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    *) fail "unknown option '$1' (try --help)" ;;
esac

missing_debs() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || printf '%s\n' "$package"
    done
}

install_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not Debian: make sure these (or your distribution's equivalents) are installed: ${DEBS[*]}"
        return 0
    fi
    local wanted=() optional=()
    mapfile -t wanted < <(missing_debs "${DEBS[@]}")
    mapfile -t optional < <(missing_debs "${CHECK_DEBS[@]}")
    "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || wanted+=(python3-venv)
    [ $((${#wanted[@]} + ${#optional[@]})) -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: ${wanted[*]} ${optional[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${wanted[@]}" "${optional[@]}" >/dev/null
    elif [ ${#wanted[@]} -gt 0 ]; then
        say "missing system packages: ${wanted[*]}"
        fail "install them with: sudo apt-get install ${wanted[*]}"
    fi
}

strip_debug_info() {
    # Some Pythons (pyenv's builds, for one) ship libpython and their extension modules with
    # debug info, 25-35 MB of it; Debian's are stripped already. Only the debug sections go,
    # and only from files that have them: wheels' libraries are left as they are.
    local file count=0
    while IFS= read -r -d '' file; do
        if readelf -S "$file" 2>/dev/null | grep -q '\.debug_info'; then
            strip --strip-debug "$file"
            count=$((count + 1))
        fi
    done < <(find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
    [ "$count" -eq 0 ] || say "removed debug info from $count libraries"
}

build() {
    command -v "$PYTHON" >/dev/null 2>&1 || fail "no '$PYTHON': install Python 3.10 or newer"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || fail "Rig Planner needs Python 3.10 or newer; '$PYTHON' is $("$PYTHON" -V 2>&1)"
    install_system_packages

    mkdir -p "$BUILD"
    local log=$BUILD/pip.log
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the build venv $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    say "installing Rig Planner's dependencies and PyInstaller into the build venv"
    {
        "$VENV/bin/python" -m pip install --upgrade pip &&
            "$VENV/bin/python" -m pip install "${ROOT}[bundle]"
    } >"$log" 2>&1 || {
        tail -n 30 "$log"
        fail "pip install (full log: $log)"
    }

    say "running PyInstaller $("$VENV/bin/pyinstaller" --version) on packaging/rig-planner.spec"
    local started=$SECONDS
    "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
        --distpath "$DIST" --workpath "$BUILD/pyinstaller" "$SPEC"
    [ -x "$BUNDLE/planner" ] || fail "PyInstaller did not make $BUNDLE/planner"
    strip_debug_info
    BUILD_SECONDS=$((SECONDS - started))
}

png_size() {
    # Prints "WIDTH HEIGHT" from a PNG's header, or nothing when it is no PNG.
    "$PYTHON" - "$1" <<'EOF'
import struct, sys
with open(sys.argv[1], "rb") as file:
    head = file.read(24)
if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
    print(*struct.unpack(">II", head[16:24]))
EOF
}

describe_png() {
    local size
    [ -f "$1" ] || {
        echo "no file"
        return 0
    }
    size=$(png_size "$1")
    echo "${size:+${size/ /x} PNG, }$(wc -c <"$1") bytes"
}

check_png() {
    [ -f "$1" ] || fail "no screenshot written"
    local size bytes
    size=$(png_size "$1")
    bytes=$(wc -c <"$1")
    [ "$size" = "1280 800" ] || fail "the screenshot should be a 1280x800 PNG, is '${size:-no PNG}'"
    # A blank 1280x800 window compresses to a few kB; the real one, with text and charts,
    # to far more.
    [ "$bytes" -gt 50000 ] || fail "the screenshot is only $bytes bytes: a blank window?"
}

smoke_check() {
    [ -x "$BUNDLE/planner" ] || fail "no bundle at $BUNDLE: build it first"
    local tmp
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/rig-planner-smoke.XXXXXX")
    # shellcheck disable=SC2064  # expand now: tmp is local
    trap "rm -rf '$tmp'" EXIT
    say "smoke check: a copy of the bundle in $tmp, run with a clean environment"
    cp -a "$BUNDLE" "$tmp/rig-planner"
    cp "$ROOT/resources/samples/$SAMPLE" "$ROOT/resources/samples/$OTHER_SAMPLE" "$tmp/"
    mkdir -p "$tmp/home"
    local planner=$tmp/rig-planner/planner
    clean() {
        (cd "$tmp" && env -i HOME="$tmp/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
            QT_QPA_PLATFORM=offscreen "$planner" "$@")
    }

    local version expected
    expected="planner $("$PYTHON" -c 'import sys; sys.path.insert(0, "packaging"); import bundle_info; print(bundle_info.package_constants()["__version__"])')"
    version=$(clean --version) || fail "'planner --version' exited with $?"
    say "  \$ planner --version  ->  $version"
    [ "$version" = "$expected" ] || fail "expected '$expected'"

    local status=0
    clean check "$SAMPLE" >"$tmp/check.txt" 2>&1 || status=$?
    say "  \$ planner check $SAMPLE  ->  exit $status, $(wc -l <"$tmp/check.txt") lines:"
    sed 's/^/      /' "$tmp/check.txt" | head -n 12
    # 0: no errors, 1: the build has errors; 2 would mean bad input (say, a missing catalog).
    if [ "$status" -gt 1 ] || [ ! -s "$tmp/check.txt" ]; then
        fail "'planner check' on the sample"
    fi

    status=0
    clean export "$SAMPLE" --pdf report.pdf --csv parts.csv >"$tmp/export.txt" 2>&1 || status=$?
    sed 's/^/      /' "$tmp/export.txt"
    say "  \$ planner export $SAMPLE --pdf report.pdf --csv parts.csv  ->  exit $status, PDF $(wc -c <"$tmp/report.pdf" 2>/dev/null || echo none) bytes, CSV $(wc -l <"$tmp/parts.csv" 2>/dev/null || echo no) lines"
    [ "$status" -eq 0 ] || fail "'planner export' exited with $status"
    [ "$(head -c 5 "$tmp/report.pdf")" = "%PDF-" ] || fail "report.pdf is no PDF"
    [ "$(wc -c <"$tmp/report.pdf")" -gt 10000 ] || fail "report.pdf is nearly empty"
    [ "$(wc -l <"$tmp/parts.csv")" -gt 2 ] || fail "parts.csv has no parts"

    status=0
    clean compare "$SAMPLE" "$OTHER_SAMPLE" >"$tmp/compare.txt" 2>&1 || status=$?
    say "  \$ planner compare $SAMPLE $OTHER_SAMPLE  ->  exit $status, $(wc -l <"$tmp/compare.txt") lines"
    if [ "$status" -ne 0 ] || [ ! -s "$tmp/compare.txt" ]; then
        sed 's/^/      /' "$tmp/compare.txt"
        fail "'planner compare' on two samples"
    fi

    # A model import: a GGUF header (the gguf package's block sizes) and a config.json.
    "$PYTHON" -c "import sys; sys.path.insert(0, 'tests'); from gguf_fixture import write_gguf; \
from pathlib import Path; write_gguf(Path('$tmp/tiny.gguf'), {'general.architecture': 'llama', \
'llama.block_count': 2, 'llama.embedding_length': 256, 'llama.feed_forward_length': 512, \
'llama.context_length': 4096, 'llama.attention.head_count': 4}, \
{'token_embd.weight': ((256, 1000), 12), 'output.weight': ((256, 1000), 14)})" \
        || fail "could not write the test GGUF header"
    cp "$ROOT/tests/data/hf_configs/qwen3-30b-a3b.json" "$tmp/"
    status=0
    { clean workloads import tiny.gguf && clean workloads import qwen3-30b-a3b.json; } \
        >"$tmp/import.txt" 2>&1 || status=$?
    sed 's/^/      /' "$tmp/import.txt"
    say "  \$ planner workloads import tiny.gguf; planner workloads import qwen3-30b-a3b.json  ->  exit $status"
    [ "$status" -eq 0 ] || fail "'planner workloads import' exited with $status"
    grep -q "weights in the file: Q4_K" "$tmp/import.txt" || fail "the GGUF's tensor types were not read"

    status=0
    local started=$SECONDS
    clean gui "$SAMPLE" --screenshot "$tmp/window.png" >"$tmp/gui.txt" 2>&1 || status=$?
    sed 's/^/      /' "$tmp/gui.txt"
    [ "$status" -eq 0 ] || fail "'planner gui --screenshot' exited with $status"
    say "  \$ planner gui $SAMPLE --screenshot window.png  ->  $(describe_png "$tmp/window.png"), $((SECONDS - started)) s"
    check_png "$tmp/window.png"
    mkdir -p "$DIST"
    cp "$tmp/window.png" "$DIST/smoke-window.png"

    # The same in a real X11 window (Qt's xcb plugin and the libraries bundled for it).
    if command -v xvfb-run >/dev/null 2>&1; then
        status=0
        started=$SECONDS
        (cd "$tmp" && env -i HOME="$tmp/home" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=xcb \
            xvfb-run -a -s "-screen 0 1600x1000x24" "$planner" gui "$SAMPLE" \
            --screenshot "$tmp/window-x11.png") >"$tmp/x11.txt" 2>&1 || status=$?
        sed 's/^/      /' "$tmp/x11.txt"
        [ "$status" -eq 0 ] || fail "'planner gui --screenshot' on X11 (Xvfb) exited with $status"
        say "  \$ xvfb-run planner gui $SAMPLE --screenshot window-x11.png (QT_QPA_PLATFORM=xcb)  ->  $(describe_png "$tmp/window-x11.png"), $((SECONDS - started)) s"
        check_png "$tmp/window-x11.png"
    else
        say "  (no xvfb-run: skipped the X11 run; apt-get install ${CHECK_DEBS[*]} for it)"
    fi
    say "smoke check passed (screenshot kept as ${DIST#"$ROOT"/}/smoke-window.png)"
}

if [ "$smoke_only" -eq 0 ]; then
    build
fi
smoke_check
say "bundle: ${BUNDLE#"$ROOT"/}/ ($(du -sh "$BUNDLE" | cut -f1), $(find "$BUNDLE" -type f | wc -l) files)"
if [ -n "${BUILD_SECONDS:-}" ]; then
    say "PyInstaller took ${BUILD_SECONDS} s; the whole script ${SECONDS} s"
fi
