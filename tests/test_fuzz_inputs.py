"""Generated hostile inputs, in-process: mutated profiles, part files and batch cases. Each
must load, check and estimate, or fail with the planner's own located error — never
another exception, and never slowly."""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import tomli_w
import tomllib

from planner.core.calibrated import CONSTANTS, SPEED_RANGES
from planner.core.cases import estimate_case
from planner.core.checks import run_checks
from planner.core.errors import InputError, RecordError
from planner.core.parts import Gpu
from planner.io.catalog_files import load_builtin_catalog, read_part_file
from planner.io.profiles import loads_profile
from planner.io.workload_files import load_workloads

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "resources" / "samples").glob("*.rigplan.toml"))
CATALOG = load_builtin_catalog()
GPUS = {part.id: part for part in CATALOG if isinstance(part, Gpu)}
WORKLOADS = load_workloads()
HOSTILE: list[Any] = [
    None,
    True,
    0,
    -1,
    10**400,
    1e308,
    -1e-308,
    math.nan,
    math.inf,
    "",
    "x" * 5000,
    "=HYPERLINK(1)",
    "\x1b[31m",
    [],
    [1, "a"],
    {},
    {"id": "rtx-4090"},
    "rtx-4090",
    "gpt2",
    "fsdp",
    2.5,
]
SLOWEST_S = 5.0


def mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """`value` with one random change somewhere inside it."""
    if isinstance(value, dict) and value and depth < 6:
        key = rng.choice(list(value))
        changed = dict(value)
        roll = rng.random()
        if roll < 0.15:
            del changed[key]
        elif roll < 0.25:
            changed[rng.choice(["extra", "id", "count", "zzz"])] = rng.choice(HOSTILE)
        else:
            changed[key] = mutate(value[key], rng, depth + 1)
        return changed
    if isinstance(value, list) and value and depth < 6:
        changed_list = list(value)
        index = rng.randrange(len(changed_list))
        if rng.random() < 0.2:
            changed_list.append(changed_list[index])
        else:
            changed_list[index] = mutate(changed_list[index], rng, depth + 1)
        return changed_list
    return rng.choice(HOSTILE)


def toml_safe(value: Any) -> Any:
    """What TOML can hold (no None, no NaN keys): None becomes a string."""
    if value is None:
        return "none"
    if isinstance(value, dict):
        return {str(k): toml_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [toml_safe(v) for v in value]
    return value


def run_all(items: Iterator[Any], work: Callable[[Any], None]) -> tuple[int, float]:
    """Run `work` on every item; the planner's errors are fine, anything else fails."""
    slowest = 0.0
    count = 0
    for item in items:
        started = time.perf_counter()
        with contextlib.suppress(InputError, RecordError):
            work(item)
        slowest = max(slowest, time.perf_counter() - started)
        count += 1
    return count, slowest


def mutated_profiles(count: int, rng: random.Random) -> Iterator[str]:
    documents = [tomllib.loads(path.read_text(encoding="utf-8")) for path in SAMPLES]
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    for index in range(count):
        if index % 4 == 0:  # text damage: a cut, a repeated line, a stray byte
            text = rng.choice(texts)
            cut = rng.randrange(len(text))
            yield rng.choice(
                [
                    text[:cut],
                    text[:cut] + text[cut:][::-1],
                    text + text[:cut],
                    text.replace("\n", "\n[", 1),
                ]
            )
            continue
        try:
            yield tomli_w.dumps(toml_safe(mutate(rng.choice(documents), rng)))
        except (TypeError, ValueError):
            continue


def check_profile(text: str) -> None:
    build = loads_profile(text, "fuzz.rigplan.toml")
    run_checks(build, CATALOG, WORKLOADS)


def test_mutated_profiles_load_and_check_or_say_why() -> None:
    count, slowest = run_all(mutated_profiles(4000, random.Random(1)), check_profile)
    assert count >= 3500
    assert slowest < SLOWEST_S


def mutated_part_files(count: int, rng: random.Random, folder: Path) -> Iterator[Path]:
    tables = {
        kind: tomllib.loads((ROOT / "catalog" / f"{kind}.toml").read_text(encoding="utf-8"))
        for kind in ("gpu", "cpu", "motherboard", "psu", "case", "cooler", "memory", "storage")
    }
    for index in range(count):
        kind = rng.choice(list(tables))
        entry = rng.choice(tables[kind][kind])
        try:
            text = tomli_w.dumps({kind: [toml_safe(mutate(entry, rng))]})
        except (TypeError, ValueError):
            continue
        path = folder / f"part-{index}.toml"
        path.write_text(text, encoding="utf-8")
        yield path


def test_mutated_part_files_load_or_report_located_problems(tmp_path: Path) -> None:
    def read(path: Path) -> None:
        _parts, problems = read_part_file(path)
        for problem in problems:
            assert problem.location.file == str(path)

    count, slowest = run_all(mutated_part_files(3000, random.Random(2), tmp_path), read)
    assert count >= 2500
    assert slowest < SLOWEST_S


def mutated_cases(count: int, rng: random.Random) -> Iterator[Any]:
    seeds: list[dict[str, Any]] = [
        {"gpu": "rtx-4090", "workload": "llama-3-1-8b", "mode": "qlora", "batch_size": 2},
        {"gpu": "a100-sxm4-80gb", "gpu_count": 8, "workload": "llama-2-70b", "sharding": "fsdp"},
        {"gpu": "rtx-3090", "gpu_count": 2, "workload": "gpt2", "interconnect": "pcie4x8"},
        {"gpu": "h100-sxm5-80gb", "workload": "resnet-50", "precision": "fp16"},
        {
            "gpu": "rtx-4090",
            "workload": {
                "family": "decoder",
                "layers": 4,
                "hidden": 256,
                "heads": 4,
                "ffn": 1024,
                "vocab": 1000,
                "seq_len": 256,
            },
        },
    ]
    for _ in range(count):
        case: Any = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            case = mutate(case, rng)
        yield case


def test_mutated_batch_cases_estimate_or_name_their_field() -> None:
    def estimate(case: Any) -> None:
        result = estimate_case(case, GPUS, WORKLOADS, CONSTANTS, SPEED_RANGES)
        for value in (result.samples_per_s, result.low, result.high, result.memory.total):
            assert math.isfinite(value) and value >= 0
        result.to_json()

    count, slowest = run_all(mutated_cases(4000, random.Random(3)), estimate)
    assert count == 4000
    assert slowest < SLOWEST_S


def test_profile_errors_give_the_line_of_what_is_in_the_file() -> None:
    """An error about a key the file has names its line; only a key the file lacks may not."""
    unplaced = []
    for text in mutated_profiles(2000, random.Random(4)):
        try:
            loads_profile(text, "fuzz.rigplan.toml")
        except InputError as error:
            if error.location.line is not None:
                continue
            field = error.location.field
            top = field.split(".")[0].split("[")[0]
            try:
                present = top in tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                present = False
            if present:
                unplaced.append(str(error))
    assert unplaced == []
