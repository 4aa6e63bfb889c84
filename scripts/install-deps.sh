#!/usr/bin/env bash
# Installs the system packages Outrider builds and tests against, if any is missing.
#   libyaml-dev   the config parser (CYAML)
#   zlib1g-dev    gzip request bodies (CZlib, exporters)
#   prometheus    promtool, which the tests run on /metrics (`--with-test-tools`)
#   prometheus-node-exporter  the real thing the host metrics are cross-checked against
set -euo pipefail

packages=(libyaml-dev zlib1g-dev pkg-config)
if [ "${1:-}" = "--with-test-tools" ]; then
  packages+=(prometheus prometheus-node-exporter)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
