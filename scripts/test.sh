#!/usr/bin/env bash
# Runs every test: installs what the tests need, then one debug build and `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-tools
swift build --build-tests
swift test --skip-build "$@"
