# Alertmanager and amtool, built as the main module from the downloaded source (go.mod has replace
# lines). The web UI's compiled assets (ui/app/dist, built with npm) are not part of the module:
# a one-line page stands in for them, and the API (all the tests use) is served as usual.
# `-v` in the cache key: the binaries print their release with --version (prometheus_version_x).
ALERTMANAGER_RELEASE=0.35.0
TOOL_VERSION=$ALERTMANAGER_RELEASE-v
TOOL_BINARIES=(alertmanager amtool)
tool_build() {
  local module=github.com/prometheus/alertmanager version="v$ALERTMANAGER_RELEASE" x GO_X
  go_module_source "$module" "$version" "$2/src"
  x=$(prometheus_version_x "$ALERTMANAGER_RELEASE" "$module" "$version")
  mapfile -t GO_X <<< "$x"
  for ui in elm mantine; do
    mkdir -p "$2/src/ui/app/dist/$ui"
    echo '<p>Alertmanager built without its web UI (meshlens scripts/tools.sh); the API is served.</p>' > "$2/src/ui/app/dist/$ui/index.html"
  done
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b"; done
}
