#!/usr/bin/env bash
# Installs what meshlens' tests and demo need on a fresh Debian machine (Java 17, Maven and Go are
# assumed): Debian packages first, then the ecosystem's tools built from the Go module proxy into a
# per-machine cache (scripts/tools.sh). Idempotent: what is present is not touched.
#   scripts/setup.sh            everything the tests need
#   scripts/setup.sh demo       what the demo needs (Debian packages; Prometheus and Alertmanager)
#   scripts/setup.sh bench      also wrk, haproxy for bench/
set -euo pipefail
cd "$(dirname "$0")/.."
group="${1:-test}"

need=()
want() { # want COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || need+=("$2")
}
want curl curl
want h2load nghttp2-client
want ip iproute2
want iptables iptables
want tmux tmux # the live `meshlens top` is tested on a real terminal
# Prometheus and Alertmanager are the pinned 3.x / 0.35 builds of tools/ (the floor the tests
# prove: the mixin's config needs 3.9+), never Debian's 2.42 / 0.25.
# Real peers for the proxy's conformance tests: nghttpd (HTTP/2 server for h2spec) and nginx
# (the HTTP/1 app of the edge-case test; -light brings the echo module the test config uses).
want nghttpd nghttp2-server
want nginx nginx-light
if [[ "$group" == "test" ]]; then
  # The dashboard's browser tests (cli DashboardIT): Debian's Chromium and its chromedriver.
  want chromium chromium
  want chromedriver chromium-driver
  # The container images: built without a daemon (scripts/images.sh), run by the image tests.
  want podman podman
  want runc runc
  want skopeo skopeo
  want umoci umoci
  want mmdebstrap mmdebstrap
  want jq jq
fi
if [[ "$group" == "bench" ]]; then
  want wrk wrk
  want haproxy haproxy
fi

if ((${#need[@]})); then
  # shellcheck disable=SC2207
  pkgs=($(printf '%s\n' "${need[@]}" | sort -u))
  echo "setup: installing ${pkgs[*]}" >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Debian's packages start their services on install; we never want the system instances
  # (they would hold :9090/:9093/:80), only the binaries.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

case "$group" in
  demo) bash scripts/tools.sh prometheus alertmanager ;;
  bench) bash scripts/tools.sh prometheus ;;
  *) bash scripts/tools.sh ;;
esac
echo "setup: ok" >&2
