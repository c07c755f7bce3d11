"""A part that left the built-in catalog (no dated price could be found for it) is not
silently unknown: a saved build that names it is told what it was, when and why it went,
and how to bring it back as the user's own part."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.core.assembly import Assembly
from planner.core.build import Build, PartChoice
from planner.core.checks.completeness import check_unknown_parts
from planner.core.checks.context import CheckContext
from planner.core.errors import CatalogError
from planner.io import paths
from planner.io.catalog_files import load_builtin_catalog


def _findings(*ids: str) -> list:  # type: ignore[type-arg]
    catalog = load_builtin_catalog()
    build = Build(parts=tuple(PartChoice(id=part_id) for part_id in ids))
    return list(check_unknown_parts(CheckContext(Assembly.resolve(build, catalog), catalog)))


def test_a_retired_part_says_what_it_was_and_why_it_left() -> None:
    catalog = load_builtin_catalog()
    assert "asrock-wrx90-ws-evo" not in catalog and "asrock-wrx90-ws-evo" in catalog.retired
    (finding,) = _findings("asrock-wrx90-ws-evo")
    assert finding.code == "completeness.retired_part"
    assert finding.message.startswith("The ASRock WRX90 WS EVO ('asrock-wrx90-ws-evo', ×1)")
    assert "left the built-in catalog on 2026-12-06: no dated price" in finding.message
    assert "it stays in the profile" in finding.message
    assert "Add Custom Part" in finding.fix and "another motherboard" in finding.fix


def test_a_part_nobody_knows_is_still_just_unknown() -> None:
    (finding,) = _findings("no-such-part")
    assert finding.code == "completeness.unknown_part"


def test_every_retired_part_is_gone_from_the_catalog_and_every_part_is_priced() -> None:
    catalog = load_builtin_catalog()
    assert catalog.retired and not set(catalog.retired) & set(catalog.parts)
    unpriced = [p.id for p in catalog if p.price_usd is None]
    assert unpriced == ["a10g"]  # sold only as cloud instances: priced by the hour


def test_a_broken_retired_list_names_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    shutil.copytree(paths.catalog_dir(), folder)
    retired = folder / "retired.toml"
    retired.write_text(
        retired.read_text(encoding="utf-8") + '\n[[retired]]\nid = "x"\nkind = "toaster"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_builtin_catalog(folder)
    location = caught.value.location
    assert location.file == str(retired) and location.line is not None
    assert retired.read_text(encoding="utf-8").splitlines()[location.line - 1] == "[[retired]]"


def test_retired_parts_stay_known_with_used_and_user_prices() -> None:
    import datetime as dt

    from planner.core.used_price import with_used_prices
    from planner.core.user_price import UserPrice, with_user_prices
    from planner.io.used_prices import load_used_prices

    catalog = load_builtin_catalog()
    used = with_used_prices(catalog, load_used_prices())
    yours = with_user_prices(
        used, {"rtx-4090": UserPrice(id="rtx-4090", price_usd=1500.0, price_date=dt.date.today())}
    )
    assert used is not catalog and yours is not used  # both changed prices
    assert yours.get("rtx-4090").price_usd == 1500.0  # type: ignore[union-attr]
    assert yours.retired == catalog.retired and yours.origins == catalog.origins


def test_the_command_line_names_a_retired_part_and_what_to_do(tmp_path: Path) -> None:
    import subprocess
    import sys

    profile = tmp_path / "board.rigplan.toml"
    profile.write_text(
        'format = "rig-planner-profile"\nschema_version = 1\nname = "Old board"\n\n'
        '[[parts]]\nid = "asrock-wrx90-ws-evo"\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "planner", "check", str(profile)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"{profile}:6: field 'parts[0].id'" in result.stderr
    assert "(ASRock WRX90 WS EVO) left the built-in catalog on 2026-12-06" in result.stderr
    assert "add it as your own part" in result.stderr


def test_the_build_table_names_a_retired_part_and_says_why(driver, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from planner.ui.build_table_model import BuildTableModel

    build = Build(parts=(PartChoice(id="silverstone-rm600"), PartChoice(id="rtx-4090")))
    driver.window.open_build(build, None)
    model = driver.window.build_panel.model
    row = model.row_of("silverstone-rm600")
    assert model.index(row, BuildTableModel.KIND).data() == "Case"
    assert model.index(row, BuildTableModel.NAME).data() == "SilverStone RM600 (left the catalog)"
    tip = model.index(row, BuildTableModel.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert "left the built-in catalog on 2026-12-06" in tip and "Add Custom Part" in tip
    codes = [finding.code for finding in driver.window.document.report.findings]
    assert "completeness.retired_part" in codes


def test_the_report_names_a_retired_part_and_why() -> None:
    from planner.report.build_report import _parts, collect

    catalog = load_builtin_catalog()
    build = Build(parts=(PartChoice(id="asus-pro-ws-w680-ace"), PartChoice(id="rtx-4090")))
    html = _parts(collect(build, catalog, {}))
    assert "ASUS Pro WS W680-ACE: left the built-in catalog on 2026-12-06" in html
