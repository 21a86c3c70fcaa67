#!/usr/bin/env bash
# Builds the ecosystem's real tools that meshlens' tests run (Prometheus 3, Alertmanager, the
# Kubernetes API server, linters...) from the Go module proxy, once per machine, into a cache keyed
# by name and version, then links this checkout's pinned versions into .tools/bin (tests and the
# demo put that folder first on PATH).
#
#   scripts/tools.sh              every tool in tools/*.sh
#   scripts/tools.sh NAME...      only these (e.g. prometheus alertmanager)
#   scripts/tools.sh --list       name, pinned version and whether it is cached
#
# Each recipe tools/NAME.sh sets TOOL_VERSION and TOOL_BINARIES and defines tool_build OUT WORK,
# which leaves the binaries in OUT. The cache lives in $MESHLENS_TOOLS (default
# ~/.cache/meshlens/tools/NAME-VERSION); a recipe's binaries are only used once its build
# finished (a half-built tool is never linked). A fresh machine's first run takes long (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/lib/tools-lib.sh
source "$ROOT/scripts/lib/tools-lib.sh"

list=false
names=()
for a in "$@"; do
  case "$a" in
    --list) list=true ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "tools: unknown option '$a' (expected: --list or tool names). Hint: scripts/tools.sh --list" >&2; exit 2 ;;
    *) names+=("$a") ;;
  esac
done
if ((${#names[@]} == 0)); then
  for f in "$ROOT"/tools/*.sh; do names+=("$(basename "$f" .sh)"); done
fi

mkdir -p "$ROOT/.tools/bin"
started=$SECONDS
for name in "${names[@]}"; do
  recipe="$ROOT/tools/$name.sh"
  if [[ ! -f "$recipe" ]]; then
    echo "tools: no recipe '$name' (expected one of: $(cd "$ROOT/tools" && ls -- *.sh | sed 's/\.sh$//' | tr '\n' ' ')). Hint: scripts/tools.sh --list" >&2
    exit 2
  fi
  (
    unset TOOL_VERSION TOOL_BINARIES
    # shellcheck source=/dev/null
    source "$recipe"
    dir="$(tools_cache)/$name-$TOOL_VERSION"
    if $list; then
      state=missing; [[ -f "$dir/.complete" ]] && state=cached
      printf '%-20s %-14s %s\n' "$name" "$TOOL_VERSION" "$state"
      exit 0
    fi
    if [[ ! -f "$dir/.complete" ]]; then
      tools_say "$name $TOOL_VERSION: building (once per machine) into $dir"
      rm -rf "$dir" "$dir.work"
      mkdir -p "$dir" "$dir.work"
      t0=$SECONDS
      tool_build "$dir" "$dir.work"
      for b in "${TOOL_BINARIES[@]}"; do
        [[ -x "$dir/$b" ]] || { echo "tools: $name's build left no executable '$b' in $dir" >&2; exit 1; }
      done
      rm -rf "$dir.work"
      echo "$TOOL_VERSION built in $((SECONDS - t0)) s on $(date -u +%FT%TZ)" > "$dir/.complete"
      tools_say "$name $TOOL_VERSION: built in $((SECONDS - t0)) s"
    fi
    for b in "${TOOL_BINARIES[@]}"; do ln -sfn "$dir/$b" "$ROOT/.tools/bin/$b"; done
  )
done
$list || tools_say "ready in $((SECONDS - started)) s: $ROOT/.tools/bin ($(ls "$ROOT/.tools/bin" | tr '\n' ' '))"
