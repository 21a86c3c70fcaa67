#!/usr/bin/env bash
# Installs what meshlens' tests and demo need on a fresh Debian machine (Java 17 and Maven are
# assumed). Idempotent: a package already present is not touched. Extra package groups:
#   scripts/setup.sh            test + demo needs (curl, promtool/prometheus, alertmanager, h2load, ip, iptables)
#   scripts/setup.sh bench      also wrk, nginx, haproxy for bench/run
set -euo pipefail

need=()
want() { # want COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || need+=("$2")
}
want curl curl
want promtool prometheus
want prometheus prometheus
want prometheus-alertmanager prometheus-alertmanager
want amtool prometheus-alertmanager
want h2load nghttp2-client
want ip iproute2
want iptables iptables
if [[ "${1:-}" == "bench" ]]; then
  want wrk wrk
  want nginx nginx
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
  # Debian's prometheus packages start their services on install; we never want the system
  # instances (they would hold :9090/:9093), only the binaries.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
echo "setup: ok" >&2
