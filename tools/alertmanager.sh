# Alertmanager and amtool, built as the main module from the downloaded source (go.mod has replace
# lines). Without the UI assets tag the API (all the tests use) is served.
TOOL_VERSION=0.35.0
TOOL_BINARIES=(alertmanager amtool)
tool_build() {
  go_module_source github.com/prometheus/alertmanager "v$TOOL_VERSION" "$2/src"
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b"; done
}
