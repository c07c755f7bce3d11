"""The one place that knows where files live: packaged data and the user's directories."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "rig-planner"
APP_AUTHOR = "RigPlanner"

# Tests and portable installs point the planner at another user directory.
DATA_DIR_ENV = "RIG_PLANNER_DATA_DIR"
CONFIG_DIR_ENV = "RIG_PLANNER_CONFIG_DIR"

PROFILE_SUFFIX = ".rigplan.toml"


def package_data_dir() -> Path:
    """The folder holding `catalog/` and `resources/`.

    In a PyInstaller bundle it is the bundle's data folder; in an installed wheel it is
    `planner/_data`; in a source checkout (editable install) it is the repository root.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    package = Path(__file__).resolve().parent.parent
    installed = package / "_data"
    if (installed / "catalog").is_dir():
        return installed
    return package.parent


def catalog_dir() -> Path:
    return package_data_dir() / "catalog"


def resources_dir() -> Path:
    return package_data_dir() / "resources"


def samples_dir() -> Path:
    return resources_dir() / "samples"


def user_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, APP_AUTHOR))


def user_config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, APP_AUTHOR))


def user_catalog_dir() -> Path:
    """User parts: every `*.toml` here extends or overrides the built-in catalog."""
    return user_data_dir() / "parts"


def user_workloads_dir() -> Path:
    """Imported models: every `*.toml` here adds workloads to the built-in ones."""
    return user_data_dir() / "workloads"


def autosave_dir() -> Path:
    return user_data_dir() / "autosave"


def cache_dir() -> Path:
    """Parsed part files, kept to start faster; safe to delete at any time."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override) / "cache"
    return Path(platformdirs.user_cache_dir(APP_DIR_NAME, APP_AUTHOR))
