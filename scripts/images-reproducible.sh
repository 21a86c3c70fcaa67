#!/usr/bin/env bash
# Proves the images are reproducible: two clean builds (no image cache, `mvn clean`) must give
# byte-identical tarballs and equal digests for every image. Prints both digests per image and
# exits 1 naming each image that differs. Takes two full image builds (minutes).
#   bash scripts/images-reproducible.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/meshlens-repro.XXXXXX")
trap 'rm -rf "$work"' EXIT

build() { # build N: a clean build, its digests in $work/N
  echo "[repro] clean build $1" >&2
  mvn -B -ntp -q -pl proxy,exporter,cli,demo -am clean >/dev/null
  rm -f .images/*.tar
  bash scripts/images.sh --no-cache all > "$work/$1.list"
  (cd .images && sha256sum ./*.tar) > "$work/$1.sha"
}
build 1
build 2

printf '%-36s %-73s %s\n' IMAGE "DIGEST (build 1)" "SAME IN BUILD 2"
status=0
while read -r image _ _ digest; do
  [[ "$image" == ghcr.io/* || "$image" == meshlens/* ]] || continue
  again=$(awk -v i="$image" '$1 == i {print $4}' "$work/2.list")
  same=yes
  [[ "$digest" == "$again" ]] || { same="no: $again"; status=1; }
  printf '%-36s %-73s %s\n' "$image" "$digest" "$same"
done < "$work/1.list"
if ! diff "$work/1.sha" "$work/2.sha" >/dev/null; then
  echo "tarballs differ:" >&2
  diff "$work/1.sha" "$work/2.sha" >&2 || true
  status=1
fi
[[ $status -eq 0 ]] && echo "reproducible: every tarball is byte-identical across two clean builds" >&2
exit $status
