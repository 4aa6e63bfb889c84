#!/usr/bin/env bash
# Runs every test: installs what the tests need, then one debug build and `swift test`.
# Without arguments in two runs: the suite, then the deployment bundle's checks (checkov,
# kubernetes-validate, promtool, Alertmanager, Prometheus + Grafana queries), whose external
# programs would otherwise compete for the 2 cores with the suite's time-bounded tests.
# With arguments (e.g. --filter X), one `swift test` with them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-test-tools
swift build --build-tests
if [ $# -gt 0 ]; then
  exec swift test --skip-build "$@"
fi
bundle='BundleTests|GrafanaDashboardTests'
swift test --skip-build --skip "$bundle"
swift test --skip-build --filter "$bundle"
