#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and opens Rig Planner with a sample build.
# Arguments go to the `planner` command, e.g. `scripts/run.sh gui my-build.rigplan.toml`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
exec .venv/bin/planner "$@"
