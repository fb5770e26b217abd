#!/usr/bin/env bash
# Runs every quality gate: ruff, mypy (strict on core/), then pytest with the network-namespace lab.
set -euo pipefail
source "$(dirname "$0")/scripts/setup.sh"
ensure_debs "the Qt window" $QT_PACKAGES
if [ "$(id -u)" -eq 0 ]; then ensure_debs "the virtual test LAN" $LAB_PACKAGES; fi
ensure_venv "test,dev"
cd "$ROOT"
echo "== ruff"; "$VENV/bin/ruff" check .
echo "== mypy"; "$VENV/bin/mypy"
echo "== pytest"; QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@"
