#!/usr/bin/env bash
# Runs the agent on the bundled example config (config/outrider.yaml), installing what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec swift run -c "${CONFIGURATION:-debug}" outrider run --config config/outrider.yaml "$@"
