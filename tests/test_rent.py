"""Buy or rent: owning the build against renting its GPUs for the same hours — the
arithmetic, the price table and the user's own quotes, and where it shows (app, CSV,
report, command line)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_runner import planner

from planner.core.assembly import Assembly
from planner.core.checks import run_checks
from planner.core.rent import CloudPrice, Ownership, RentComparison, rent_plan, typical_offer
from planner.io.catalog_files import load_builtin_catalog
from planner.io.cloud_prices import USER_FILE, load_all_cloud_prices, load_cloud_prices
from planner.io.profiles import load_profile
from planner.io.workload_files import load_workloads

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
SINGLE = SAMPLES / "single-rtx-4090.rigplan.toml"


def offer(price: float, yours: bool = False) -> CloudPrice:
    return CloudPrice(
        gpu="rtx-4090",
        provider="P",
        offer="O",
        usd_per_gpu_hour=price,
        kind="on-demand",
        date="2026-09-20",
        source="https://example.org",
        yours=yours,
    )


def test_the_break_even_arithmetic() -> None:
    """$3,000 less 20% resale over 3 years at 50% use (13,140 h); 0.5 kW at $0.20: owning
    costs 2,400 / 13,140 + 0.10 per working hour; renting 2 × $0.50 breaks even at
    2,400 / (26,280 × 0.90) of the hours, and after 2,400 / (0.90 × 365) months."""
    comparison = RentComparison(3000, 0.5, 0.20, 2, offer(0.50), Ownership(3, 0.5, 0.2))
    assert comparison.own_usd_per_hour == pytest.approx(2400 / 13140 + 0.10)
    assert comparison.rent_usd_per_hour == pytest.approx(1.0)
    assert comparison.break_even_utilisation == pytest.approx(2400 / (26280 * 0.90))
    assert comparison.break_even_months == pytest.approx(2400 / (0.90 * 365))
    own, rent = comparison.cumulative([0, 36])
    assert own == pytest.approx([3000, 3000 + 0.10 * 365 * 36 - 600])
    assert rent == pytest.approx([0, 365 * 36])
    cheap = RentComparison(3000, 0.5, 0.20, 2, offer(0.04), Ownership())
    assert cheap.break_even_utilisation is None and cheap.break_even_months is None


def test_the_table_is_sourced_and_the_users_quotes_come_first(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    prices = load_cloud_prices()
    assert len(prices) >= 90
    assert {p.kind for p in prices} == {"on-demand", "spot"}
    assert all(p.source.startswith("https://") and p.date[:4] in ("2025", "2026") for p in prices)
    catalog = load_builtin_catalog()
    assert all(catalog.get(p.gpu) is not None for p in prices)
    assert len({p.gpu for p in prices}) >= 10 and len({p.provider for p in prices}) >= 10
    median = typical_offer(prices, "rtx-4090", "on-demand")
    assert median is not None and 0.2 < median.usd_per_gpu_hour < 0.8
    assert typical_offer([*prices, offer(0.9, yours=True)], "rtx-4090", "on-demand") == offer(
        0.9, yours=True
    )
    monkeypatch.setenv("RIG_PLANNER_DATA_DIR", str(tmp_path))
    (tmp_path / USER_FILE).write_text(
        '[[price]]\ngpu = "rtx-4090"\nprovider = "My quote"\noffer = "1 GPU"\n'
        'usd_per_gpu_hour = 0.55\nkind = "on-demand"\ndate = "2026-12-01"\n'
        'source = "email from the provider"\n'
    )
    mine, problems = load_all_cloud_prices()
    assert problems == [] and mine[0].yours and mine[0].usd_per_gpu_hour == 0.55
    (tmp_path / USER_FILE).write_text('[[price]]\ngpu = "rtx-4090"\nusd_per_gpu_hour = -1\n')
    kept, problems = load_all_cloud_prices()
    assert len(kept) == len(prices) and len(problems) == 1
    message = str(problems[0])
    assert USER_FILE in message and ":1:" in message and "price[0].provider" in message


def plan_for(path: Path):  # type: ignore[no-untyped-def]
    catalog, workloads = load_builtin_catalog(), load_workloads()
    build = load_profile(path)
    report = run_checks(build, catalog, workloads)
    return rent_plan(Assembly.resolve(build, catalog), report, load_cloud_prices(), Ownership())


def test_a_plan_prices_every_run_both_ways() -> None:
    plan = plan_for(SINGLE)
    assert plan is not None and plan.comparison.offer is not None
    assert [cost.name for cost in plan.costs] == ["BERT-large (uncased)", "Llama 2 7B"]
    for cost in plan.costs:
        assert cost.own_usd == pytest.approx(cost.hours * plan.comparison.own_usd_per_hour)
        assert cost.rent_usd == pytest.approx(cost.hours * plan.comparison.rent_usd_per_hour)
    from planner.io.csv_export import rent_csv

    rows = list(csv.DictReader(io.StringIO(rent_csv(plan).decode("utf-8-sig"))))
    assert [row["run"] for row in rows] == ["BERT-large (uncased)", "Llama 2 7B"]
    assert rows[0]["offer_source"].startswith("https://") and rows[0]["gpus"] == "1"


def _cloud_only_build(folder: Path) -> Path:
    """Four A10Gs: a card sold only as AWS instances, so without a purchase price."""
    profile = folder / "a10g.rigplan.toml"
    profile.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\nname = "G5"\n\n'
        '[[parts]]\nid = "a10g"\ncount = 4\n',
        encoding="utf-8",
    )
    return profile


def test_a_cloud_only_gpu_is_rented_but_not_weighed_against_owning(tmp_path: Path) -> None:
    profile = _cloud_only_build(tmp_path)
    plan = plan_for(profile)
    assert plan is not None and not plan.gpu_priced and plan.unpriced == 1
    offer = plan.comparison.offer
    assert offer is not None and offer.provider == "AWS" and "g5.12xlarge" in offer.offer
    assert plan.verdict().startswith("the NVIDIA A10G (AWS EC2 G5) has no purchase price")
    text = planner("rent", str(profile)).stdout
    assert "1 part without a price" in text and "pays off" not in text
    from planner.ui.rent_dialog import plan_html

    assert "has no price; the build's electricity alone is $" in plan_html(plan)


def test_a_cloud_only_build_gets_no_ownership_chart_in_the_report(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from planner.report.rent_section import rent_section

    profile = _cloud_only_build(tmp_path)
    images: dict[str, object] = {}
    html = rent_section(plan_for(profile), images, 600)  # type: ignore[arg-type]
    assert "has no purchase price" in html and "chart-rent.png" not in images


def test_the_report_has_a_buy_or_rent_section(qapp) -> None:  # type: ignore[no-untyped-def]
    from planner.report.build_report import collect, report_html

    data = collect(load_profile(SINGLE), load_builtin_catalog(), load_workloads())
    html, images = report_html(data, "a4")
    assert "<h2>Buy or rent</h2>" in html and "per GPU-hour" in html
    assert "chart-rent.png" in images


def test_rent_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "rent.csv"
    result = planner("rent", str(SINGLE), "--use", "80", "--json", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["offer"]["source"].startswith("https://") and len(shown["runs"]) == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrun,hours,")
    text = planner("rent", str(SINGLE), "--spot").stdout
    assert ("per working hour" in text and "spot" not in text.lower()) or "Renting" in text
    bad = planner("rent", str(SINGLE), "--use", "150")
    assert bad.returncode == 2 and "--use" in bad.stderr


def test_buy_or_rent_in_the_app(driver, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.rent_dialog import RentDialog

    window = driver.window
    assert window.files.open(SINGLE)
    dialog = RentDialog(window.document, load_cloud_prices(), window)
    qtbot.addWidget(dialog)
    assert dialog.offer.count() >= 3 and dialog.plan is not None
    text = dialog.answer.text()
    assert "per working hour" in text and "Llama 2 7B" in text
    dialog.utilisation.setValue(100)
    full = dialog.plan.comparison.own_usd_per_hour
    dialog.utilisation.setValue(10)
    assert dialog.plan.comparison.own_usd_per_hour > full
    assert len(dialog.chart.listDataItems()) == 2
    assert dialog.export_csv(tmp_path / "rent.csv") and (tmp_path / "rent.csv").exists()
    menus = {action.text(): action for action in window.menuBar().actions()}
    items = [a.text() for a in menus["&Build"].menu().actions()]
    assert items == [
        "&Suggest a Build…",
        "&Buy or Rent…",
        "Price GPUs &Used Where Cheaper",
        "",
        "Write &Probe Script…",
        "&Compare Probe Results…",
    ]


def test_the_verdict_says_which_is_cheaper_at_the_use_given() -> None:
    paying = RentComparison(3000, 0.5, 0.20, 2, offer(0.50), Ownership(3, 0.5, 0.2))
    assert paying.verdict().startswith("owning pays off above 10% use; at 50%, after")
    short = RentComparison(3000, 0.5, 0.20, 1, offer(0.35), Ownership(3, 0.3, 0.0))
    assert "renting is cheaper over its 3-year life" in short.verdict()
    never = RentComparison(3000, 0.5, 0.20, 1, offer(0.05), Ownership())
    assert never.verdict().startswith("renting is cheaper even if the build worked every hour")
