#!/usr/bin/env bash
# Runs every test of meshlens: unit tests (*Test, surefire) and integration tests against real
# binaries (*IT, failsafe: Prometheus, promtool, Alertmanager, curl, h2load, real sockets on
# 127.0.0.0/8). Installs the Debian packages they need first. Benchmarks are separate (bench/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec mvn -B -ntp verify "$@"
