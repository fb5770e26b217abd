#!/usr/bin/env bash
# Opens the IoT Hygiene app (sets up .venv and Qt's system libraries on first use).
set -euo pipefail
source "$(dirname "$0")/scripts/setup.sh"
ensure_debs "the Qt window" $QT_PACKAGES
ensure_venv "test,dev"  # same set as test.sh, so switching between them reinstalls nothing
exec "$VENV/bin/iot-hygiene" "$@"
