#!/usr/bin/env bash
# Installs the Rig Planner bundle with its Linux desktop integration: the app in the menu
# with its icon, AppStream metadata for software centres, and *.rigplan.toml profiles that
# open in the app from the file manager.
#
#   bash packaging/install_linux.sh                   install for this user under ~/.local
#   bash packaging/install_linux.sh --prefix /opt/x   install under another prefix
#   bash packaging/install_linux.sh --uninstall       remove what an install put there
#   bash packaging/install_linux.sh --bundle DIR      install the bundle in DIR (default:
#                                                     packaging/dist/rig-planner, made by
#                                                     packaging/build_bundle.sh)
#
# Under PREFIX: lib/rig-planner/ (the bundle), bin/planner (a link to it),
# share/applications/, share/metainfo/, share/mime/packages/ and share/icons/hicolor/.
# The caches (update-desktop-database, update-mime-database, gtk-update-icon-cache) are
# refreshed where those tools exist.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")

APP_ID=io.github.rigplanner.RigPlanner
MIME_TYPE=application/x-rig-planner-profile
PREFIX=${HOME:?}/.local
BUNDLE=$ROOT/packaging/dist/rig-planner
uninstall=0

say() { printf 'install_linux: %s\n' "$*"; }
fail() {
    say "$*"
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)
            PREFIX=${2:?--prefix needs a directory}
            shift 2
            ;;
        --bundle)
            BUNDLE=${2:?--bundle needs a directory}
            shift 2
            ;;
        --uninstall)
            uninstall=1
            shift
            ;;
        -h | --help)
            sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        *) fail "unknown option '$1' (try --help)" ;;
    esac
done
if [ "$uninstall" -eq 0 ] && ! [ -x "$BUNDLE/planner" ]; then
    fail "no bundle at $BUNDLE: build it with 'bash packaging/build_bundle.sh'"
fi
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)

APP_DIR=$PREFIX/lib/rig-planner
BIN=$PREFIX/bin/planner
SHARE=$PREFIX/share
DESKTOP=$SHARE/applications/$APP_ID.desktop
METAINFO=$SHARE/metainfo/$APP_ID.metainfo.xml
MIME=$SHARE/mime/packages/$APP_ID.xml
ICONS=$SHARE/icons/hicolor
SIZES=(16 32 48 64 128 256 512)

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$SHARE/applications"
    fi
    if command -v update-mime-database >/dev/null 2>&1; then
        # (Naming the prefix in XDG_DATA_DIRS spares the note that it is not searched.)
        XDG_DATA_DIRS="$SHARE:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
            update-mime-database "$SHARE/mime"
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$ICONS/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$ICONS" || true
    fi
}

if [ "$uninstall" -eq 1 ]; then
    [ -L "$BIN" ] && [ "$(readlink "$BIN")" = "$APP_DIR/planner" ] && rm -f "$BIN"
    rm -rf "$APP_DIR"
    rm -f "$DESKTOP" "$METAINFO" "$MIME" "$ICONS/scalable/apps/$APP_ID.svg"
    for size in "${SIZES[@]}"; do
        rm -f "$ICONS/${size}x${size}/apps/$APP_ID.png"
    done
    mkdir -p "$SHARE/applications" "$SHARE/mime/packages"
    refresh_caches
    say "removed Rig Planner from $PREFIX"
    exit 0
fi

if [ -e "$BIN" ] && ! [ -L "$BIN" ]; then
    fail "$BIN exists and is not a link to a Rig Planner bundle (a pip-installed 'planner'?): remove it first"
fi

say "installing the bundle into $APP_DIR"
rm -rf "$APP_DIR"
mkdir -p "$(dirname "$APP_DIR")" "$PREFIX/bin"
cp -a "$BUNDLE" "$APP_DIR"
ln -sfn "$APP_DIR/planner" "$BIN"

# The desktop entry runs the installed bundle by its full path: the menu's PATH need not
# hold PREFIX/bin.
install -d "$SHARE/applications" "$SHARE/metainfo" "$SHARE/mime/packages"
sed "s|^Exec=planner |Exec=\"$APP_DIR/planner\" |" "$HERE/$APP_ID.desktop" >"$DESKTOP"
chmod 644 "$DESKTOP"
grep -q "^Exec=\"$APP_DIR/planner\" " "$DESKTOP" || fail "cannot point $DESKTOP at the bundle"
install -m 644 "$HERE/$APP_ID.metainfo.xml" "$METAINFO"
install -m 644 "$HERE/$APP_ID.mime.xml" "$MIME"
for size in "${SIZES[@]}"; do
    install -D -m 644 "$ROOT/resources/icons/hicolor/${size}x${size}/apps/$APP_ID.png" \
        "$ICONS/${size}x${size}/apps/$APP_ID.png"
done
install -D -m 644 "$ROOT/resources/icons/rig-planner.svg" "$ICONS/scalable/apps/$APP_ID.svg"

if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$DESKTOP" || fail "the installed $DESKTOP does not validate"
fi
refresh_caches
# Make the app the default for profiles, for this user, when installed for this user.
if [ "$PREFIX" = "$HOME/.local" ] && command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default "$APP_ID.desktop" "$MIME_TYPE" || true
fi

say "installed $BIN, the menu entry $DESKTOP, the icons,"
say "the AppStream metadata, and the type $MIME_TYPE for *.rigplan.toml"
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) say "note: $PREFIX/bin is not on your PATH; the menu entry works without it" ;;
esac
