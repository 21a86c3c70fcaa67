# Shared helpers of bench/soak and bench/abuse (sourced). Expects ROOT and TMP set.
PIDS=()
log() { echo "bench: $*" >&2; }
build_bench() {
  if [[ -z "${SKIP_BUILD:-}" ]]; then # through the reactor: the classpath names the modules' own target jars
    mvn -B -ntp -q package -DskipTests -pl proxy,bench -am dependency:build-classpath \
      -Dmdep.outputFile=target/bench.classpath >&2
  fi
  BENCH_CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/bench.classpath")"
  PROXY_JAR=${PROXY_JAR:-$ROOT/proxy/target/meshlens-proxy.jar} # PROXY_JAR=other.jar: A/B another build
}
start_bg() { # start_bg NAME CMD... ; sets LAST_PID
  "${@:2}" >"$TMP/$1.out" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
wait_port() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  log "nothing listens on $1:$2"; return 1
}
stop() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_all() {
  for p in "${PIDS[@]}"; do stop "$p"; done
}
cleanup() {
  stop_all
  rm -rf "$TMP"
}
rss_kb() { awk '/^VmRSS/ {print $2}' /proc/"$1"/status; }
hwm_kb() { awk '/^VmHWM/ {print $2}' /proc/"$1"/status; }
fds() { ls /proc/"$1"/fd | wc -l; }
# live heap after a full GC (KB): what a leak would grow, unlike RSS, which also grows while the
# JVM first touches heap pages up to -Xmx
live_heap_kb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/generation/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); gsub(/[^0-9]/, "", v); s += v } } END { print s + 0 }'
}
source "$(dirname "${BASH_SOURCE[0]}")/jvm-flags.sh"
ML_JAVA_OPTS=${ML_JAVA_OPTS:-$ML_SIDECAR_JAVA_OPTS}
# responses by status code from a proxy's text /metrics: "200=N 502=N ..." (sorted like norm_counts)
proxy_statuses() { # proxy_statuses ADMIN_HOST:PORT DIRECTION
  curl -s -m 5 "http://$1/metrics" | awk -v d="$2" '
    /^meshlens_responses_total\{/ && index($0, "direction=\"" d "\"") {
      match($0, /status_code="[0-9]*"/); s = substr($0, RSTART + 13, RLENGTH - 14); if (s == "") s = "none"
      c[s] += $NF }
    END { for (k in c) printf "%s=%d\n", k, c[k] }' | norm_counts
}
# "a=1 b=2" or one per line -> one sorted line, zero counts dropped
norm_counts() { tr ' ' '\n' | grep -v -e '^$' -e '=0$' | sort | paste -sd' ' -; }
