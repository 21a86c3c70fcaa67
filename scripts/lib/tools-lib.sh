#!/usr/bin/env bash
# Helpers for the recipes in tools/*.sh (sourced by scripts/tools.sh).

tools_cache() { echo "${MESHLENS_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/meshlens/tools}"; }

tools_say() { printf '[tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The Go toolchain on this machine, never a downloaded one; module downloads go to the usual cache.
export GOTOOLCHAIN=local
# A module that ships a go.work (Prometheus does) is built as its own main module, with its go.mod.
export GOWORK=off
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

# go_module_source MODULE VERSION DEST: the module's source as a writable main module in DEST
# (modules with replace/exclude lines cannot be `go install`ed by version).
go_module_source() {
  local dir
  tools_say "downloading $1@$2"
  dir=$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [[ -n "$dir" && -d "$dir" ]] || { echo "tools: go mod download $1@$2 gave no source folder" >&2; return 1; }
  mkdir -p "$3"
  cp -r "$dir/." "$3/"
  chmod -R u+w "$3"
}

# go_module_time MODULE VERSION: the commit time the module proxy gives for a release (a build
# date that does not change from one build to the next, so rebuilt binaries stay identical).
go_module_time() {
  local t
  t=$(go list -m -json "$1@$2" | sed -n 's/^[[:space:]]*"Time": "\(.*\)",*$/\1/p')
  [[ -n "$t" ]] || { echo "tools: go list -m $1@$2 gave no release time (expected a tagged module version)" >&2; return 1; }
  echo "$t"
}

# prometheus_version_x VERSION MODULE MODULE_VERSION: the -X definitions (one a line) that make
# `--version` of a Prometheus-project binary (github.com/prometheus/common/version) print the
# release. The module proxy carries no commit hash: the revision is the module version, which
# names the tagged commit; the branch is HEAD, as the project's release builds of a tag show.
prometheus_version_x() {
  local v=github.com/prometheus/common/version t
  t=$(go_module_time "$2" "$3") || return 1
  printf '%s\n' "$v.Version=$1" "$v.Revision=$3" "$v.Branch=HEAD" "$v.BuildUser=meshlens-scripts/tools.sh" \
    "$v.BuildDate=$(date -u -d "$t" +%Y%m%d-%H:%M:%S)"
}

# go_build DIR OUT PACKAGE [FLAGS...]: builds PACKAGE of the main module in DIR into OUT, printing
# a progress line every 100 packages compiled (a fresh machine compiles thousands). Each entry
# importpath.name=value of the caller's GO_X array is stamped into the binary with -X.
go_build() {
  local dir=$1 out=$2 pkg=$3 ldflags="-s -w" x
  shift 3
  for x in "${GO_X[@]}"; do ldflags+=" -X $x"; done
  tools_say "compiling $pkg"
  (cd "$dir" && go build -v -trimpath -ldflags="$ldflags" "$@" -o "$out" "$pkg" 2>&1) |
    awk -v p="$pkg" 'BEGIN{t=systime()} /^#|^go: |\.go:[0-9]+/{print; next} {n++; if (n%100==0) printf "[tools] %s: %d packages compiled (%d s)\n", p, n, systime()-t > "/dev/stderr"}'
  local rc=${PIPESTATUS[0]}
  [[ $rc -eq 0 && -x "$out" ]] || { echo "tools: go build of $pkg in $dir failed (exit $rc)" >&2; return 1; }
}
