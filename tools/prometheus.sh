# Prometheus 3 server and promtool. Module version v0.3XX.Y is release 3.XX.Y. The module's go.mod
# has replace/exclude lines, so it is built as the main module from its downloaded source. The web
# UI's compiled assets are not part of the module: built without the `builtinassets` tag, the server
# serves the HTTP API (all the tests use) and answers the UI pages with a notice.
# Built with `remove_all_sd`: the tests and the demo scrape static and file targets only, and
# leaving out the cloud service discoveries (AWS, Azure, GCE, Kubernetes, ...) spares a fresh
# machine about a third of the packages to compile. The cache key says so, and `-v` that the
# binaries print their release with --version (prometheus_version_x).
PROMETHEUS_RELEASE=3.16.0
TOOL_VERSION=$PROMETHEUS_RELEASE-static-sd-v
TOOL_BINARIES=(prometheus promtool)
tool_build() {
  local module=github.com/prometheus/prometheus version="v0.3${PROMETHEUS_RELEASE#3.}" x GO_X
  go_module_source "$module" "$version" "$2/src"
  x=$(prometheus_version_x "$PROMETHEUS_RELEASE" "$module" "$version")
  mapfile -t GO_X <<< "$x"
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b" -tags remove_all_sd; done
}
