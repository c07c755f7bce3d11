"""A total that rests on prices seen long ago is not a quote: the note names those prices,
what they carry of the total and the oldest, and how to put in current ones."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from planner.core.assembly import Assembly
from planner.core.build import Build, PartChoice
from planner.core.catalog import PartOrigin
from planner.core.checks.context import CheckContext
from planner.core.checks.prices import STALE_AFTER_DAYS, check_price_age
from planner.io.catalog_files import load_builtin_catalog

SEEN = date(2026, 1, 10)


def _findings(today: date, gpu_seen: date = SEEN):  # type: ignore[no-untyped-def]
    catalog = load_builtin_catalog()
    gpu = dataclasses.replace(catalog.get("rtx-4090"), id="test-gpu", price_date=gpu_seen)
    cpu = dataclasses.replace(catalog.get("ryzen-9-7950x"), id="test-cpu", price_date=SEEN)
    catalog = catalog.overlay([(gpu, PartOrigin("test")), (cpu, PartOrigin("test"))])
    build = Build(parts=(PartChoice(id="test-gpu", count=2), PartChoice(id="test-cpu")))
    context = CheckContext(Assembly.resolve(build, catalog), catalog)
    return list(check_price_age(context, today)), gpu, cpu


def test_recent_prices_make_no_note() -> None:
    found, _gpu, _cpu = _findings(SEEN + timedelta(days=STALE_AFTER_DAYS))
    assert found == []


def test_old_prices_are_named_with_their_share_of_the_total() -> None:
    found, gpu, cpu = _findings(SEEN + timedelta(days=400), gpu_seen=SEEN + timedelta(days=300))
    (note,) = found
    assert note.code == "cost.old_prices" and note.parts == ("test-cpu",)
    total = 2 * (gpu.price_usd or 0) + (cpu.price_usd or 0)
    assert f"${cpu.price_usd:,.0f} of the ${total:,.0f} total, was seen over six months ago" in (
        note.message
    )
    assert "the oldest, the AMD Ryzen 9 7950X's, on 2026-01-10" in note.message
    assert "planner catalog prices import" in note.fix


def test_when_every_price_is_old_the_note_says_all() -> None:
    found, _gpu, _cpu = _findings(SEEN + timedelta(days=365))
    assert found[0].message.startswith("All 2 prices behind the $")  # one per row
