#!/usr/bin/env bash
# Runs every test of meshlens: unit tests (*Test, surefire) and integration tests against real
# binaries (*IT, failsafe: Prometheus 3, promtool, Alertmanager, curl, h2load, real sockets on
# 127.0.0.0/8, the container images under podman). Installs what they need first
# (scripts/setup.sh: Debian packages, then the tools built from the Go module proxy into
# .tools/bin, which goes first on PATH), then builds the pinned images (scripts/images.sh pinned:
# the JVM base and proxy-init, cached by their locks) so that `mvn verify` packages proxy,
# exporter, cli and demo as images (Jib) and the images module runs them. Benchmarks are
# separate (bench/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.tools/bin:$PATH"
bash scripts/images.sh pinned
exec mvn -B -ntp verify "$@"
