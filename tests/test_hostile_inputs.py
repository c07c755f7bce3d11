"""Hostile batch cases, terminal escapes and pathological TOML lines: a clear located
message, fast, never a traceback (issue: hardening)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cli_runner import planner

from planner.cli_text import terminal_safe
from planner.io.tomlfile import TomlLines

DEEP = "[" * 3000 + "]" * 3000
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ('{"gpu": {"id": "rtx-4090"}, "workload": "gpt2"}', "gpu"),
        ('{"gpu": ["rtx-4090"], "workload": "gpt2"}', "gpu"),
        (
            '{"gpu": "rtx-4090", "gpu_count": 2, "workload": "gpt2", "interconnect": "eth-0g"}',
            "interconnect",
        ),
        (
            '{"gpu": "rtx-4090", "gpu_count": 2, "workload": "gpt2", "interconnect": 5e-324}',
            "interconnect",
        ),
        ('{"gpu": "rtx-4090", "workload": "gpt2", "power_limit_w": NaN}', "power_limit_w"),
        ('{"gpu": "rtx-4090", "workload": "gpt2", "power_limit_w": Infinity}', "power_limit_w"),
        (
            '{"gpu": "rtx-4090", "workload": "gpt2", "electricity_usd_per_kwh": NaN}',
            "electricity_usd_per_kwh",
        ),
        ('{"gpu": "rtx-4090", "workload": "gpt2", "seq_len": 1e400}', "seq_len"),
        ('{"gpu": "rtx-4090", "workload": {"family": {"x": 1}}}', "workload.family"),
    ],
)
def test_bad_case_values_name_their_field(tmp_path: Path, case: str, field: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(f"[{case}]", encoding="utf-8")
    result = planner("estimate", "--cases", str(path), "--json")
    assert result.returncode == 2, result.stdout
    assert f"field '{field}'" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("content", "words"),
    [(f"[{DEEP}]", "nested too deeply"), (f'[{{"batch_size": {HUGE}}}]', "cannot be read")],
)
def test_unreadable_case_files_are_one_line(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")
    result = planner("estimate", "--cases", str(path))
    assert result.returncode == 2 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_control_characters_are_shown_escaped(tmp_path: Path) -> None:
    profile = tmp_path / "evil.rigplan.toml"
    profile.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\n'
        'name = "evil \\u001b[31mRED\\u0007 build"\n\n[[parts]]\nid = "rtx-4090"\n',
        encoding="utf-8",
    )
    result = planner("check", str(profile))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil \\x1b[31mRED\\x07 build" in result.stdout


def test_one_line_messages_escape_newlines() -> None:
    assert terminal_safe("a\nb\tc\x1b", one_line=True) == "a\\nb\\tc\\x1b"
    assert terminal_safe("a\nb") == "a\nb"


@pytest.mark.parametrize(
    "line",
    ["[[" + " " * 100_000, " " * 100_000, "[[gpu" + " " * 100_000 + "x", "[" + " " * 100_000],
)
def test_long_lines_do_not_stall_line_lookup(line: str) -> None:
    started = time.perf_counter()
    lines = TomlLines(line + "\n[[gpu]]\nid = 'x'\n[settings]\nprice = 1\n")
    assert lines.array_entry("gpu", 0) == 2
    assert lines.key("price", "settings") == 5
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("workload", "field"),
    [
        (
            '{"family": "decoder", "layers": 2, "hidden": 64, "heads": 4, "ffn": 128, '
            '"vocab": 100, "seq_len": 64, "head": "classifier"}',
            "workload.num_classes",
        ),
        (
            '{"family": "vit", "layers": 2, "hidden": 64, "heads": 4, "ffn": 128, '
            '"patch_size": 64, "image_size": 32, "num_classes": 10}',
            "workload.patch_size",
        ),
        ('{"family": "resnet", "blocks": [1000000]}', "workload.blocks"),
        ('{"family": "resnet", "blocks": [' + ", ".join(["1"] * 1000) + "]}", "workload.blocks"),
    ],
)
def test_impossible_networks_are_refused_fast(tmp_path: Path, workload: str, field: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(f'[{{"gpu": "rtx-4090", "workload": {workload}}}]', encoding="utf-8")
    started = time.perf_counter()
    result = planner("estimate", "--cases", str(path))
    assert result.returncode == 2 and f"field '{field}'" in result.stderr
    assert time.perf_counter() - started < 20


def test_a_profile_that_cannot_be_analysed_leaves_the_window_as_it_was(
    driver, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from planner.ui import document as document_module

    window = driver.window
    sample = Path(__file__).resolve().parents[1] / "resources/samples/single-rtx-4090.rigplan.toml"
    assert window.files.open(sample)
    before_build, before_path = window.document.build, window.document.path
    other = tmp_path / "other.rigplan.toml"
    other.write_text(sample.read_text(encoding="utf-8").replace("4090", "4090 v2", 1), "utf-8")
    real = document_module.run_checks

    def failing(build, catalog, workloads):  # type: ignore[no-untyped-def]
        if build.name != before_build.name:
            raise ZeroDivisionError("float division by zero")
        return real(build, catalog, workloads)

    monkeypatch.setattr(document_module, "run_checks", failing)
    assert not window.files.open(other, confirm=False)
    assert driver.complaints and "cannot analyse" in driver.complaints[-1][1]
    assert window.document.build == before_build and window.document.path == before_path
    window.document.set_count("rtx-4090", 2)  # edits still work
    assert window.document.build.count_of("rtx-4090") == 2


def test_a_build_that_cannot_be_written_is_reported_not_raised(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    window = driver.window
    deep: dict[str, object] = {}
    node = deep
    for _ in range(2000):
        node["k"] = {}
        node = node["k"]  # type: ignore[assignment]
    window.document.load(dataclasses.replace(window.document.build, extra={"deep": deep}), None)
    window.document.rename("Deep")
    window.files.autosave_now()
    window.files.autosave_now()
    assert [title for title, _text in driver.complaints] == ["Autosave failed"]  # said once
    assert not window.files._save_to(tmp_path / "deep.rigplan.toml")
    assert driver.complaints[-1][0] == "Could not save the profile"


@pytest.mark.parametrize(
    "gpus",
    [
        (("rtx-a6000", 16), ("rtx-4090", 1)),
        (("rtx-a6000", 12),),
        (("rtx-a6000", 3), ("rtx-4090", 2), ("rtx-3090", 2), ("rtx-a4000", 2), ("rtx-5090", 1)),
    ],
)
def test_many_cards_on_a_big_board_plan_in_a_moment(catalog, gpus) -> None:  # type: ignore[no-untyped-def]
    from planner.core.build import Build, PartChoice
    from planner.core.checks import run_checks
    from planner.io.workload_files import load_workloads

    parts = tuple(PartChoice(id=part, count=count) for part, count in gpus)
    board = (PartChoice(id="asus-pro-ws-wrx90e-sage-se"), PartChoice(id="threadripper-pro-7975wx"))
    started = time.perf_counter()
    report = run_checks(Build(parts=parts + board), catalog, load_workloads())
    assert time.perf_counter() - started < 3
    assert report.layout is not None and report.layout.gpus
    assert report.layout.unplaced_gpus  # more cards than the board can hold, and it says so


HEADER = 'format = "rig-planner-profile"\nschema_version = 1\n'
BIG = "9" * 400


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (f'[[parts]]\nid = "rtx-4090"\ncount = {BIG}\n', "field 'parts[0].count'"),
        (f"[settings]\nelectricity_usd_per_kwh = {BIG}\n", "is too large"),
        (f'[[workloads]]\nid = "gpt2"\nepochs = {BIG}\n', "field 'workloads[0].epochs'"),
        (f'[[parts]]\nid = "rtx-4090"\ncount = {"9" * 5000}\n', "integer too long"),
        ("x = " + "[" * 600 + "]" * 600 + "\n", "nested too deeply"),
    ],
)
def test_hostile_numbers_and_nesting_in_a_profile(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "p.rigplan.toml"
    path.write_text(HEADER + body, encoding="utf-8")
    result = planner("check", str(path))
    assert result.returncode == 2 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.rigplan.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + 'name = "With a BOM"\n').encode())
    result = planner("check", str(path), "--json")
    assert result.returncode in (0, 1) and "With a BOM" in result.stdout


def test_pipes_and_devices_are_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo.rigplan.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.rigplan.toml"
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero):
        result = planner("check", str(path))
        assert result.returncode == 2 and "not a regular file" in result.stderr


def test_bad_files_in_the_parts_folder_are_skipped_and_reported(tmp_path: Path) -> None:
    import os

    from planner.io.catalog_files import load_catalog

    folder = tmp_path / "parts"
    folder.mkdir()
    os.mkfifo(folder / "a.toml")
    (folder / "b.toml").symlink_to("/dev/zero")
    (folder / "c.toml").write_text("[[cooler]]\n" + "x = " + "[" * 600 + "]" * 600 + "\n")
    (folder / "d.toml").write_text(f'[[cooler]]\nid = "big"\nprice_usd = {BIG}\n')
    started = time.perf_counter()
    loaded = load_catalog(user_dir=folder)
    assert time.perf_counter() - started < 5
    assert len(loaded.problems) == 4
    assert loaded.catalog.get("rtx-4090") is not None  # the built-in catalog still loads


def test_saving_through_a_link_writes_its_target(tmp_path: Path) -> None:
    from planner.io.atomic import write_atomic

    target = tmp_path / "real.rigplan.toml"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.rigplan.toml"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


def test_a_long_legal_name_can_be_saved(tmp_path: Path) -> None:
    from planner.io.atomic import write_atomic

    path = tmp_path / ("n" * 240 + ".rigplan.toml")  # 253 bytes: the longest most systems allow
    write_atomic(path, b"data")
    assert path.read_bytes() == b"data"


def test_devices_and_folders_are_never_replaced(tmp_path: Path) -> None:
    from planner.io.atomic import write_atomic

    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(OSError, match="not a regular file"):
        write_atomic(folder, b"x")
    with pytest.raises(OSError, match="not a regular file"):
        write_atomic(Path("/dev/null"), b"x")
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()


def test_a_killed_saves_leftover_is_cleaned_later(tmp_path: Path) -> None:
    import os

    from planner.io.atomic import TEMP_PREFIX, TEMP_SUFFIX, write_atomic

    leftover = tmp_path / f"{TEMP_PREFIX}abc{TEMP_SUFFIX}"
    leftover.write_bytes(b"x" * 1000)
    recent = tmp_path / f"{TEMP_PREFIX}def{TEMP_SUFFIX}"  # maybe another save in progress
    recent.write_bytes(b"y")
    os.utime(leftover, (0, 0))
    write_atomic(tmp_path / "profile.rigplan.toml", b"data")
    assert not leftover.exists() and recent.exists()


def test_charts_exported_where_they_cannot_be_written_are_reported(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = driver.window
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    written = window.exports.export_chart_images(blocker / "charts")
    assert written == []
    assert driver.complaints and driver.complaints[-1][0] == "Could not export the charts"
    good = window.exports.export_chart_images(tmp_path / "charts")
    assert len(good) == len(window.charts.panel.charts)
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in good)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('name = "' + "n" * 1_000_000 + '"\n', "a build name has at most 200"),
        ('notes = "' + "n" * 50_000_000 + '"\n', "notes have at most 100,000"),
        ('[[parts]]\nid = "rtx-4090"\n' * 100_000, "a profile has at most 200"),
    ],
)
def test_oversized_profiles_are_refused_quickly(tmp_path: Path, body: str, words: str) -> None:
    from planner.core.errors import InputError
    from planner.io.profiles import load_profile

    path = tmp_path / "big.rigplan.toml"
    path.write_text(HEADER + body, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError, match=words):
        load_profile(path)
    assert time.perf_counter() - started < 10


def test_keys_dotted_thousands_deep_are_refused_at_once(tmp_path: Path) -> None:
    from planner.core.errors import InputError
    from planner.io.profiles import load_profile

    path = tmp_path / "dotted.rigplan.toml"
    path.write_text(HEADER + ".".join(["k"] * 40_000) + " = 1\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError, match="dotted parts") as caught:
        load_profile(path)
    assert caught.value.location.line == 3
    assert time.perf_counter() - started < 2


def test_prose_with_many_full_stops_is_not_a_dotted_key(tmp_path: Path) -> None:
    from planner.io.profiles import load_profile

    prose = ". ".join(["a"] * 100) + ". " + "Item one. Item two. " * 40
    path = tmp_path / "notes.rigplan.toml"
    path.write_text(HEADER + f'notes = """\n{prose}\n"""\n', encoding="utf-8")
    assert load_profile(path).notes.startswith("a. a.")


def test_a_hard_linked_profile_stays_linked(tmp_path: Path) -> None:
    import os

    from planner.io.atomic import write_atomic

    first = tmp_path / "a.rigplan.toml"
    first.write_text("old", encoding="utf-8")
    second = tmp_path / "b.rigplan.toml"
    os.link(first, second)
    write_atomic(first, b"new")
    assert second.read_text(encoding="utf-8") == "new"
    assert first.stat().st_ino == second.stat().st_ino
    assert not list(tmp_path.glob(".rp-*"))


def test_an_unreadable_parts_folder_is_reported(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from planner.io.catalog_files import load_user_parts

    folder = tmp_path / "parts"
    folder.mkdir()

    def refuse(self):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)  # as mode 000 does for a normal user
    parts, problems = load_user_parts(folder)
    assert parts == [] and "cannot read your parts folder" in str(problems[0])
