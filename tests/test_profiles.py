"""Profiles: lossless load and save, versions, atomic writes, and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.core.build import Build, PartChoice, Settings, WorkloadChoice
from planner.core.errors import ProfileError
from planner.io import profiles
from planner.io.profiles import dumps_profile, load_profile, loads_profile, save_profile

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "resources" / "samples").glob("*.toml"))

FULL = """\
format = "rig-planner-profile"
schema_version = 1
name = "Test rig"
notes = "for the lab"
owner = "ml-team"

[settings]
electricity_usd_per_kwh = 0.3
wall_circuit = "230v-16a"
currency_hint = "EUR"

[[parts]]
id = "rtx-4090"
count = 2
power_limit_w = 350
bought_from = "local shop"

[[parts]]
id = "part-from-the-future"
count = 1

[[workloads]]
id = "llama-2-7b"
mode = "lora"
precision = "bf16"
batch_size = 4
seq_len = 2048
lora_rank = 16

[[workloads]]
mode = "full"
precision = "bf16"
batch_size = 8

[workloads.id]
family = "decoder"
layers = 24
hidden = 2048

[future_table]
answer = 42
"""


def test_full_profile_loads_with_typed_values() -> None:
    build = loads_profile(FULL)
    assert build.name == "Test rig"
    assert build.settings.wall_circuit == "230v-16a"
    assert build.settings.wall_continuous_w == 3680
    assert build.parts[0] == PartChoice(
        id="rtx-4090", count=2, power_limit_w=350, extra={"bought_from": "local shop"}
    )
    assert build.workloads[0].mode == "lora"
    assert build.workloads[1].inline == {"family": "decoder", "layers": 24, "hidden": 2048}


def test_unknown_fields_tables_and_parts_survive_load_and_save() -> None:
    saved = dumps_profile(loads_profile(FULL))
    again = loads_profile(saved)
    assert again == loads_profile(FULL)
    for text in (
        'owner = "ml-team"',
        'currency_hint = "EUR"',
        'bought_from = "local shop"',
        'id = "part-from-the-future"',
        "lora_rank = 16",
        "[future_table]",
        "answer = 42",
    ):
        assert text in saved


def test_saving_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.rigplan.toml", tmp_path / "b.rigplan.toml"
    save_profile(loads_profile(FULL), first)
    save_profile(load_profile(first), second)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_samples_round_trip_byte_for_byte(sample: Path, tmp_path: Path) -> None:
    target = tmp_path / sample.name
    save_profile(load_profile(sample), target)
    assert target.read_bytes() == sample.read_bytes()


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "new.rigplan.toml"
    path.write_text(FULL.replace("schema_version = 1", "schema_version = 7"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert f"{path}:2" in message
    assert "newer Rig Planner (schema 7)" in message
    assert "schema_version" in message


def test_older_schema_migrates_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    """The migration chain runs each step in order up to the current schema."""

    def zero_to_one(document: dict[str, object]) -> dict[str, object]:
        document["name"] = str(document.pop("title"))
        return document

    monkeypatch.setitem(profiles.MIGRATIONS, 0, zero_to_one)
    old = FULL.replace("schema_version = 1", "schema_version = 0").replace(
        'name = "Test rig"', 'title = "Test rig"'
    )
    assert loads_profile(old).name == "Test rig"


def test_a_schema_without_migration_is_refused() -> None:
    with pytest.raises(ProfileError, match="no migration"):
        loads_profile(FULL.replace("schema_version = 1", "schema_version = 0"))


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ('format = "something-else"\nschema_version = 1\n', 1, "format", "not a Rig Planner"),
        ('schema_version = 1\nname = "x"\n', None, "format", "missing"),
        ('format = "rig-planner-profile"\nschema_version = "1"\n', 2, "schema_version", "whole"),
        (
            'format = "rig-planner-profile"\nschema_version = 1\n\n'
            '[[parts]]\nid = "x"\ncount = -2\n',
            6,
            "parts[0].count",
            "at least 1",
        ),
        (
            'format = "rig-planner-profile"\nschema_version = 1\n\n[[parts]]\nid = "a"\n\n'
            '[[parts]]\nid = "b"\ncount = "two"\n',
            9,
            "parts[1].count",
            "whole number",
        ),
        (
            'format = "rig-planner-profile"\nschema_version = 1\n\n[[parts]]\ncount = 2\n',
            4,
            "parts[0].id",
            "missing",
        ),
        (
            'format = "rig-planner-profile"\nschema_version = 1\nparts = 3\n',
            3,
            "parts",
            "array of tables",
        ),
        (
            'format = "rig-planner-profile"\nschema_version = 1\n[settings]\nwall_circuit = "9v"\n',
            4,
            "settings.wall_circuit",
            "one of",
        ),
        (
            'format = "rig-planner-profile"\nschema_version = 1\n\n[[workloads]]\nmode = "full"\n',
            4,
            "workloads[0].id",
            "needs an 'id'",
        ),
        (
            'format = "rig-planner-profile"\nschema_version = 1\n\n[[workloads]]\nid = "x"\n'
            'precision = "fp4"\n',
            6,
            "workloads[0].precision",
            "one of",
        ),
        ('format = "rig-planner-profile"\nschema_version = 1\nname = [1]\n', 3, "name", "text"),
    ],
)
def test_bad_values_name_file_line_and_field(
    text: str, line: int | None, field: str, words: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        loads_profile(text, "rig.rigplan.toml")
    error = caught.value
    assert error.location.file == "rig.rigplan.toml"
    assert error.location.line == line
    assert error.location.field == field
    assert words in error.message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not a Rig Planner profile"),
        (b'format = "rig-planner-profile"\nschema_version = 1\nname = "unterminated', "valid TOML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        (b"<html><body>not toml</body></html>", "valid TOML"),
    ],
)
def test_unreadable_files_are_reported_not_raised_raw(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "bad.rigplan.toml"
    path.write_bytes(content)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert words in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_truncated_profile_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.rigplan.toml"
    path.write_text(FULL[: FULL.index("count = 2") + 7], encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    # Cut inside "count = 2": the value is missing on the last line, 14.
    assert caught.value.location.line == 14
    assert "ends early" in caught.value.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nope.rigplan.toml")
    with pytest.raises(ProfileError, match="directory"):
        load_profile(tmp_path)


def test_save_is_atomic_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "rig.rigplan.toml"
    save_profile(loads_profile(FULL), path)
    before = path.read_bytes()

    def broken_replace(self: Path, target: Path) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_profile(Build(name="other"), path)
    assert path.read_bytes() == before
    assert [item.name for item in tmp_path.iterdir()] == ["rig.rigplan.toml"]


def test_save_keeps_file_permissions(tmp_path: Path) -> None:
    path = tmp_path / "rig.rigplan.toml"
    save_profile(Build(name="a"), path)
    path.chmod(0o600)
    save_profile(Build(name="b"), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_defaults_are_written_explicitly() -> None:
    text = dumps_profile(
        Build(
            name="x",
            parts=(PartChoice(id="a"),),
            workloads=(WorkloadChoice(id="bert-large"),),
            settings=Settings(),
        )
    )
    build = loads_profile(text)
    assert build.parts[0].count == 1
    assert build.workloads[0].precision == "bf16"
    assert 'wall_circuit = "120v-15a"' in text
