"""The parts cache holds data, never code, and gives back exactly what parsing gave."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from planner.core.part_base import PartKind
from planner.io import parts_cache
from planner.io.catalog_files import _parse_part_file, read_part_file

CATALOG = Path(__file__).resolve().parents[1] / "catalog"


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(parts_cache.paths, "cache_dir", lambda: tmp_path / "cache")


@pytest.mark.parametrize("kind", list(PartKind), ids=lambda kind: kind.value)
def test_every_catalog_file_round_trips_through_the_cache(kind: PartKind) -> None:
    path = CATALOG / f"{kind.value}.toml"
    parsed = _parse_part_file(path)
    parts_cache.store(path, parsed)
    kept = parts_cache.load(path)
    assert kept is not None
    assert kept[0] == parsed[0]
    assert [str(p) for p in kept[1]] == [str(p) for p in parsed[1]]


def test_a_planted_pickle_is_never_unpickled(tmp_path: Path) -> None:
    part_file = tmp_path / "mine.toml"
    part_file.write_text((CATALOG / "cooler.toml").read_text(encoding="utf-8"), "utf-8")
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (marker.write_text, ("pwned",))

    entry = parts_cache._entry(part_file)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(pickle.dumps(Payload()))
    parts, problems = read_part_file(part_file)
    assert parts and not problems
    assert not marker.exists()


def test_a_planted_json_entry_is_validated_like_a_part_file(tmp_path: Path) -> None:
    part_file = tmp_path / "mine.toml"
    part_file.write_text((CATALOG / "cooler.toml").read_text(encoding="utf-8"), "utf-8")
    read_part_file(part_file)  # writes a genuine entry
    entry = parts_cache._entry(part_file)
    genuine = entry.read_text("utf-8")
    forged = genuine.replace('"height_mm": ', '"height_mm": -')
    assert forged != genuine
    entry.write_text(forged, "utf-8")
    parts, problems = read_part_file(part_file)  # the forged entry fails validation: re-parsed
    assert parts and not problems
    assert all(getattr(part, "height_mm", 1) is None or part.height_mm > 0 for part, _ in parts)
