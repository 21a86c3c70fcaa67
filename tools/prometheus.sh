# Prometheus 3 server and promtool. Module version v0.3XX.Y is release 3.XX.Y. The module's go.mod
# has replace/exclude lines, so it is built as the main module from its downloaded source. The web
# UI's compiled assets are not part of the module: built without the `builtinassets` tag, the server
# serves the HTTP API (all the tests use) and answers the UI pages with a notice.
TOOL_VERSION=3.16.0
TOOL_BINARIES=(prometheus promtool)
tool_build() {
  go_module_source github.com/prometheus/prometheus "v0.3${TOOL_VERSION#3.}" "$2/src"
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b"; done
}
