"""The bundle's entry point: the `planner` command, the same as the installed package's.

One addition for a desktop app: a profile opened from the file manager (Windows' "Open
with", a double-click) arrives as a bare path, and opens in the app as `planner gui PATH`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from planner.cli import main
from planner.io.paths import PROFILE_SUFFIX


def arguments(argv: Sequence[str]) -> list[str]:
    if len(argv) == 1 and argv[0].lower().endswith(PROFILE_SUFFIX):
        return ["gui", argv[0]]
    return list(argv)


if __name__ == "__main__":
    sys.exit(main(arguments(sys.argv[1:])))
