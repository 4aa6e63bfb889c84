# Sourced by the bench-*.sh scripts: release builds of the agent and the test sink, a work
# directory removed (and background jobs stopped) on exit, and small helpers.
# SKIP_INSTALL=1 skips the apt step on a machine already set up.
[ "${SKIP_INSTALL:-0}" = 1 ] || scripts/install-deps.sh
# Every product with the same flags: a product built without --static-swift-stdlib between
# two built with it makes SwiftPM rebuild the shared modules each time (~100 s here).
swift build -c release --static-swift-stdlib --product outrider | tail -1
swift build -c release --static-swift-stdlib --product outrider-sink | tail -1
bin=.build/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hz=$(getconf CLK_TCK)
