#!/usr/bin/env bash
# The proxy image's class-data archive (AppCDS), made from the image itself. `mvn package` (images
# profile) runs this between Jib's two passes over the proxy module:
#   1. Jib writes the image without the archive (LAYOUT_TAR): the jar, its dependencies and
#      /app/jib-classpath-file exactly as the final image holds them, with Jib's fixed mtimes.
#   2. this script starts that image under podman (its own jlinked runtime, paths, mtimes),
#      once with -XX:DumpLoadedClassList while curl sends it HTTP/1.1, h2c, gRPC-shaped,
#      outbound and scrape traffic, once with -Xshare:dump on that class list
#      -> OUT_DIR/meshlens-proxy.jsa
#   3. Jib's second pass adds OUT_DIR as the layer /app (meshlens-proxy.jsa), over the same layers.
# A JDK 17 archive maps only into the JVM build that dumped it, with the same classpath strings
# and each jar's size and mtime unchanged, which is why it is dumped inside the image and not on
# this machine. The result is cached in .images/cache, keyed by the layout image, this script and
# the sidecar's JVM flags (bench/jvm-flags.sh: the training run uses them).
#   bash scripts/proxy-archive.sh LAYOUT_TAR OUT_DIR
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: scripts/proxy-archive.sh LAYOUT_TAR OUT_DIR (got: $*)" >&2; exit 2; }
layout=$1 outdir=$2
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '[proxy-archive %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "proxy-archive: $*" >&2; exit 1; }
[[ -f "$layout" ]] || die "no image tarball at $layout (expected: Jib's layout pass, execution 'layout' of proxy/pom.xml)"
for tool in podman curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (expected: installed by scripts/setup.sh; hint: apt-get install $tool)"
done

key=$(cat "$layout" "$0" bench/jvm-flags.sh | sha256sum | cut -c1-16)
cache="${MESHLENS_IMAGES:-$root/.images}/cache/proxy-archive-$key.jsa"
mkdir -p "$outdir" "$(dirname "$cache")"
if [[ -s "$cache" ]]; then
  say "cached ($cache)"
  cp "$cache" "$outdir/meshlens-proxy.jsa"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/meshlens-archive.XXXXXX")
# A private store, as the image tests use: runc, cgroupfs, explicit rlimits (podman's defaults are
# refused on this kind of machine).
pm() { podman --root "$work/store/root" --runroot "$work/store/runroot" --tmpdir "$work/store/tmp" --cgroup-manager cgroupfs "$@"; }
finish() {
  pm rm -a -f -t 0 >/dev/null 2>&1 || true
  pm system reset -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT
run_opts=(--runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --user 2102:2102 --volume "$work/out:/out")
mkdir -p "$work/out"
chmod 0777 "$work/out" # written by uid 2102 of the container's user namespace

image=$(pm load -q -i "$layout" | sed -n 's/^Loaded image[^:]*: *//p' | head -1)
[[ -n "$image" ]] || die "podman load -i $layout named no image"

# The sidecar's flags without the archive (there is none yet), and the classpath Jib wrote.
source bench/jvm-flags.sh
read -ra flags <<<"$ML_DOCUMENTED_JAVA_OPTS"
cp_arg=@/app/jib-classpath-file
main=io.meshlens.proxy.Main

# Training run on a loopback address of its own: inbound :4143 -> the admin port (HTTP/1.1),
# inbound :4144 -> :4143 (two hops; h2c callers are forwarded as h2c, which the admin server
# refuses: the error paths), outbound :4140 routed by Host.
a=127.$((RANDOM % 200 + 30)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 2))
say "training run on $a ($image)"
pm run -d --name training --network host "${run_opts[@]}" \
  --env MESHLENS_INBOUND="$a:4143=$a:4191,$a:4144=$a:4143" --env MESHLENS_OUTBOUND="$a:4140" \
  --env MESHLENS_ADMIN="$a:4191" --env MESHLENS_NAMES="admin=$a:4191" --env MESHLENS_IO_THREADS=1 \
  --env MESHLENS_DRAIN_TIMEOUT=1s --env MALLOC_ARENA_MAX=2 \
  --entrypoint java "$image" -Xshare:off -XX:DumpLoadedClassList=/out/classlist "${flags[@]}" -cp "$cp_arg" "$main" >/dev/null
ready=false
for _ in $(seq 1 600); do
  if curl -sf -o /dev/null -m 1 "http://$a:4191/ready"; then ready=true; break; fi
  [[ $(pm inspect -f '{{.State.Running}}' training) == true ]] || break
  sleep 0.1
done
$ready || { pm logs training >&2 || true; die "the training proxy never answered http://$a:4191/ready (its log above)"; }
c() { curl -s -o /dev/null -m 5 "$@" || true; }
for _ in $(seq 1 50); do
  c "http://$a:4143/ready"
  c "http://$a:4144/live"
  c -H "Host: admin" "http://$a:4140/metrics"
done
c "http://$a:4143/missing"
c -X POST --data-binary @bench/jvm-flags.sh "http://$a:4143/ready"
c -H 'Transfer-Encoding: chunked' --data-binary @bench/jvm-flags.sh "http://$a:4143/ready"
for _ in $(seq 1 10); do
  c --http2-prior-knowledge "http://$a:4143/ready"
  c --http2-prior-knowledge "http://$a:4144/ready"
  c --http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' --data-binary '' "http://$a:4143/x.Echo/Echo"
  c --http2 "http://$a:4143/ready"
done
c "http://$a:4191/metrics"
c -H 'Accept: application/openmetrics-text; version=1.0.0' "http://$a:4191/metrics"
c -H 'Accept: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' "http://$a:4191/metrics"
c "http://$a:4191/live"
# SIGTERM: the proxy drains and exits; the JVM completes the class list on exit.
pm kill --signal TERM training >/dev/null
[[ $(pm wait training) == 0 ]] || { pm logs training >&2; die "the training proxy did not exit cleanly after SIGTERM (its log above)"; }
[[ -s "$work/out/classlist" ]] || die "the training run wrote no class list"

# Sorted, the class names first, then the lambda lines (which name classes already listed): the
# archive's input is the same in the same order whatever the order the run loaded them in.
{ grep -E '^[A-Za-z0-9_$/]+( id: [0-9]+)?$' "$work/out/classlist" | sed 's/ id: .*//' | LC_ALL=C sort -u
  grep '^@' "$work/out/classlist" | LC_ALL=C sort -u; } >"$work/out/sorted.classlist"
say "$(grep -vc '^@' "$work/out/sorted.classlist") classes loaded; dumping the archive"
pm run --rm --network none "${run_opts[@]}" --entrypoint java "$image" \
  -Xshare:dump -XX:SharedClassListFile=/out/sorted.classlist -XX:SharedArchiveFile=/out/meshlens-proxy.jsa \
  -cp "$cp_arg" >"$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; die "-Xshare:dump failed (its log above)"; }
[[ -s "$work/out/meshlens-proxy.jsa" ]] || { cat "$work/dump.log" >&2; die "-Xshare:dump wrote no archive"; }
cp "$work/out/meshlens-proxy.jsa" "$cache.tmp" && mv "$cache.tmp" "$cache"
cp "$cache" "$outdir/meshlens-proxy.jsa"
say "archive: $(($(stat -c %s "$cache") / 1024 / 1024)) MB ($cache)"
