#!/usr/bin/env bash
# Temporary local demo (a teammate replaces it): builds the proxy, starts a small sample app on
# 127.0.1.1:8080 and two proxies on their own loopback "pod" addresses:
#   app pod  127.0.1.1: inbound 127.0.1.1:4143 -> app 127.0.1.1:8080, admin 127.0.1.1:4191
#   client   127.0.1.2: outbound 127.0.1.2:4140 (name 'web' -> 127.0.1.1:4143), admin 127.0.1.2:4191
# then sends a little traffic through both and prints where to look. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_IP=127.0.1.1
CLIENT_IP=127.0.1.2
JAR=proxy/target/meshlens-proxy.jar

if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  echo "demo: building the proxy" >&2
  mvn -B -q -DskipTests package -pl proxy -am
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo "demo: stopping" >&2
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# The sample app: a tiny HTTP server (200 on most paths, 500 on /fail, 404 on unknown files).
mkdir -p "${TMPDIR:-/tmp}/meshlens-demo-app"
echo ok > "${TMPDIR:-/tmp}/meshlens-demo-app/index.html"
echo hello > "${TMPDIR:-/tmp}/meshlens-demo-app/hello"
python3 -m http.server 8080 --bind "$APP_IP" --directory "${TMPDIR:-/tmp}/meshlens-demo-app" >/dev/null 2>&1 &
pids+=($!)

MESHLENS_INBOUND="$APP_IP:4143=$APP_IP:8080" MESHLENS_OUTBOUND="" MESHLENS_ADMIN="$APP_IP:4191" \
MESHLENS_SOURCE_ADDRESS="$APP_IP" MESHLENS_NAMESPACE=demo MESHLENS_POD=web-0 MESHLENS_WORKLOAD=web \
  java -Xmx64m -jar "$JAR" &
pids+=($!)

MESHLENS_INBOUND="" MESHLENS_OUTBOUND="$CLIENT_IP:4140" MESHLENS_ADMIN="$CLIENT_IP:4191" \
MESHLENS_SOURCE_ADDRESS="$CLIENT_IP" MESHLENS_NAMES="web=$APP_IP:4143" \
MESHLENS_NAMESPACE=demo MESHLENS_POD=client-0 MESHLENS_WORKLOAD=client \
  java -Xmx64m -jar "$JAR" &
pids+=($!)

for admin in "$APP_IP:4191" "$CLIENT_IP:4191"; do
  for _ in $(seq 1 100); do
    curl -fs "http://$admin/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
done

echo "demo: sending traffic client -> web (through both proxies)" >&2
for i in $(seq 1 20); do
  curl -s -o /dev/null -x "http://$CLIENT_IP:4140" "http://web/hello" || true
  curl -s -o /dev/null -x "http://$CLIENT_IP:4140" "http://web/missing-$i" || true
done

cat >&2 <<MSG
demo: running. Try:
  curl -x http://$CLIENT_IP:4140 http://web/hello
  curl -s http://$APP_IP:4191/metrics | grep meshlens_responses_total
  curl -s http://$CLIENT_IP:4191/metrics | grep meshlens_responses_total
  curl -N http://$APP_IP:4191/tap
Ctrl-C stops everything.
MSG
wait
