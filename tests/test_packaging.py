"""The desktop packaging: one app id everywhere, validated desktop files, icons, versions.

Fast checks only; building and smoke-checking the bundle is `bash packaging/build_bundle.sh`.
The validators are Debian packages (desktop-file-utils, appstream, shared-mime-info): a test
that needs a missing one fails and names the package to install.
"""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from planner import APP_ID, APP_NAME, __version__
from planner.io.paths import PROFILE_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
MIME = PACKAGING / f"{APP_ID}.mime.xml"
SPEC = PACKAGING / "rig-planner.spec"
CHANGELOG = ROOT / "CHANGELOG.md"
ICONS = ROOT / "resources" / "icons"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
PROFILE_MIME_TYPE = "application/x-rig-planner-profile"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def tool(name: str, debian_package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"'{name}' is not installed; it validates the desktop files. "
            f"Install it with: apt-get install {debian_package}"
        )
    return path


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is no PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def changelog_top_entry() -> tuple[str, str]:
    text = CHANGELOG.read_text("utf-8")
    match = re.search(r"^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})$", text, re.MULTILINE)
    assert match, "CHANGELOG.md has no '## [VERSION] - YYYY-MM-DD' entry"
    return match.group(1), match.group(2)


# ---- one id, one MIME type --------------------------------------------------------------


def test_desktop_metainfo_and_mime_files_share_the_app_id() -> None:
    entry = desktop_entry()
    metainfo = ET.parse(METAINFO).getroot()
    mime_type = ET.parse(MIME).getroot().find("m:mime-type", MIME_NS)
    assert mime_type is not None

    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("launchable") == DESKTOP.name == f"{APP_ID}.desktop"
    assert metainfo.findtext("icon") == entry["Icon"] == APP_ID
    assert MIME.name.startswith(f"{APP_ID}.")
    icon = mime_type.find("m:icon", MIME_NS)
    assert icon is not None and icon.get("name") == APP_ID
    assert metainfo.findtext("name") == entry["Name"] == APP_NAME
    # The window's class on X11 is the application name (app.py sets it).
    assert entry["StartupWMClass"] == APP_NAME


def test_profiles_have_one_mime_type_everywhere() -> None:
    mime_type = ET.parse(MIME).getroot().find("m:mime-type", MIME_NS)
    assert mime_type is not None and mime_type.get("type") == PROFILE_MIME_TYPE
    globs = [glob.get("pattern") for glob in mime_type.findall("m:glob", MIME_NS)]
    assert globs == [f"*{PROFILE_SUFFIX}"]
    parents = {parent.get("type") for parent in mime_type.findall("m:sub-class-of", MIME_NS)}
    assert parents == {"application/toml", "text/plain"}

    assert desktop_entry()["MimeType"].split(";") == [PROFILE_MIME_TYPE, ""]
    metainfo = ET.parse(METAINFO).getroot()
    assert [node.text for node in metainfo.iterfind("provides/mediatype")] == [PROFILE_MIME_TYPE]
    # The desktop entry hands the file to the app.
    assert desktop_entry()["Exec"] == "planner gui %f"


# ---- validators ---------------------------------------------------------------------------


def test_desktop_entry_validates() -> None:
    result = run(tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP))
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates() -> None:
    result = run(tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mime_type_registers(tmp_path: Path) -> None:
    update = tool("update-mime-database", "shared-mime-info")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME, packages / f"{APP_ID}.xml")
    result = run(update, "-V", str(tmp_path / "mime"))
    assert result.returncode == 0, result.stderr
    assert "error" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    mime = tmp_path / "mime"
    assert f"{PROFILE_MIME_TYPE}:*.rigplan.toml" in (mime / "globs2").read_text("utf-8")
    assert f"{PROFILE_MIME_TYPE} application/toml" in (mime / "subclasses").read_text("utf-8")
    assert f"{PROFILE_MIME_TYPE}:{APP_ID}" in (mime / "icons").read_text("utf-8")


# ---- versions -----------------------------------------------------------------------------


def test_metainfo_release_is_the_package_version_and_changelog_date() -> None:
    release = ET.parse(METAINFO).getroot().find("releases/release")
    assert release is not None, "the metainfo has no <release>"
    assert release.get("version") == __version__
    assert release.get("date") == changelog_top_entry()[1]


def test_changelog_top_entry_is_the_package_version() -> None:
    assert changelog_top_entry()[0] == __version__


def test_spec_reads_name_and_version_from_the_package() -> None:
    bundle_info = load_module(PACKAGING / "bundle_info.py")
    assert bundle_info.package_constants() == {
        "__version__": __version__,
        "APP_NAME": APP_NAME,
        "APP_ID": APP_ID,
    }
    assert bundle_info.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert bundle_info.version_tuple("2.10rc1") == (2, 10, 0, 0)
    text = SPEC.read_text("utf-8")
    assert "package_constants()" in text
    for value in (__version__, APP_ID, APP_NAME):
        assert f'"{value}"' not in text, f"the spec repeats {value!r}: read it from the package"


class _Recorder:
    """Stands in for one of PyInstaller's spec classes, keeping what the spec passed."""

    made: list[tuple[str, tuple[Any, ...], dict[str, Any]]]

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, *args: Any, **kwargs: Any) -> SimpleNamespace:
        self.made.append((self.kind, args, kwargs))
        # What the spec reads from an Analysis: its tables of collected files.
        return SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])


def run_spec(
    monkeypatch: pytest.MonkeyPatch, platform: str
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Runs the spec with PyInstaller's classes recorded: what each was made with, and the
    spec's own names."""
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "bundle_info", raising=False)
    made: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    _Recorder.made = made
    namespace: dict[str, Any] = {"SPECPATH": str(PACKAGING), "__file__": str(SPEC)}
    for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[kind] = _Recorder(kind)
    exec(compile(SPEC.read_text("utf-8"), str(SPEC), "exec"), namespace)
    monkeypatch.delitem(sys.modules, "bundle_info", raising=False)
    return {kind: {"args": args, **kwargs} for kind, args, kwargs in made}, namespace


def test_spec_bundles_the_catalog_resources_and_the_entry_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made, spec = run_spec(monkeypatch, "linux")
    assert set(made) == {"Analysis", "PYZ", "EXE", "COLLECT"}
    analysis = made["Analysis"]
    assert analysis["args"][0] == [str(PACKAGING / "planner_main.py")]
    datas = {target: Path(source) for source, target in analysis["datas"]}
    # planner.io.paths looks for these folders in the bundle's data folder (sys._MEIPASS).
    assert datas == {
        "catalog": ROOT / "catalog",
        "resources/icons": ICONS,
        "resources/samples": ROOT / "resources" / "samples",
    }
    assert all(source.is_dir() for source in datas.values())
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= set(analysis["hiddenimports"])
    assert {"tkinter", "torch", "PyQt5", "PySide6.QtQml"} <= set(analysis["excludes"])
    assert made["EXE"]["name"] == "planner"
    assert made["EXE"]["console"] is True
    assert made["COLLECT"]["name"] == "rig-planner"
    # Qt's translations and GTK 3 theme are left out of the collected files; the rest stays.
    unwanted = spec["unwanted"]
    assert unwanted("PySide6/Qt/translations/qtbase_de.qm")
    assert unwanted("PySide6/Qt/plugins/platformthemes/libqgtk3.so")
    assert not unwanted("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert not unwanted("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so")
    assert not unwanted("resources/samples/single-rtx-4090.rigplan.toml")


def test_spec_makes_a_mac_app_named_and_versioned_from_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = run_spec(monkeypatch, "darwin")[0]
    # A console executable would make the .app background-only: no Dock icon, no menu bar.
    assert made["EXE"]["console"] is False
    bundle = made["BUNDLE"]
    assert bundle["name"] == f"{APP_NAME}.app"
    assert bundle["bundle_identifier"] == APP_ID
    assert bundle["version"] == __version__
    assert bundle["info_plist"]["CFBundleShortVersionString"] == __version__
    assert Path(bundle["icon"]).is_file()


def test_entry_point_opens_a_bare_profile_in_the_app() -> None:
    entry = load_module(PACKAGING / "planner_main.py")
    assert entry.arguments(["build.rigplan.toml"]) == ["gui", "build.rigplan.toml"]
    assert entry.arguments(["check", "build.rigplan.toml"]) == ["check", "build.rigplan.toml"]
    assert entry.arguments(["--version"]) == ["--version"]
    assert entry.arguments([]) == []


# ---- icons --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_has_its_size(size: int) -> None:
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert path.is_file(), f"{path} is missing: run packaging/render_icons.py"
    assert png_size(path) == (size, size)


def test_windows_and_mac_icons_hold_the_pngs() -> None:
    ico = (ICONS / f"{APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sides = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert sides == [16, 32, 48, 256]
    icns = (ICONS / f"{APP_ID}.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


# ---- scripts ------------------------------------------------------------------------------


def test_build_script_parses() -> None:
    for script in ("build_bundle.sh", "install_linux.sh"):
        result = run("bash", "-n", str(PACKAGING / script))
        assert result.returncode == 0, result.stderr


def test_install_linux_installs_and_removes_the_desktop_integration(tmp_path: Path) -> None:
    validate = tool("desktop-file-validate", "desktop-file-utils")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "planner").write_text("#!/bin/sh\necho planner\n")
    (bundle / "planner").chmod(0o755)
    prefix = tmp_path / "prefix"
    home = tmp_path / "home"
    home.mkdir()
    script = str(PACKAGING / "install_linux.sh")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}

    def install(*options: str) -> None:
        result = subprocess.run(
            ["bash", script, "--prefix", str(prefix), *options],
            capture_output=True, text=True, timeout=60, env=env, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr

    install("--bundle", str(bundle))
    share = prefix / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{prefix}/lib/rig-planner/planner" gui %f' in desktop.read_text("utf-8")
    assert run(validate, str(desktop)).returncode == 0
    assert (prefix / "bin" / "planner").resolve() == prefix / "lib" / "rig-planner" / "planner"
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    if shutil.which("update-mime-database"):
        assert "*.rigplan.toml" in (share / "mime" / "globs2").read_text("utf-8")

    install("--uninstall")
    assert not desktop.exists() and not (prefix / "bin" / "planner").exists()
    assert not (prefix / "lib" / "rig-planner").exists()
    assert not list(share.glob(f"icons/hicolor/*/apps/{APP_ID}.*"))
