# meshlens-lint (tools/src/meshlens-lint): the mixin's dashboards against Grafana's Apache-licensed
# schema types (grafana-foundation-sdk) plus dashboard-linter's rules, and the rule files with
# Prometheus' parser plus mixtool's and pint's rules. It stands in for mixtool, dashboard-linter and
# pint, which the Go module proxy does not serve here (see docs/dashboards.md). Versioned by a hash
# of its source, so an edit rebuilds it.
TOOL_VERSION=$(cat tools/src/meshlens-lint/go.mod tools/src/meshlens-lint/go.sum tools/src/meshlens-lint/*.go | sha256sum | cut -c1-12)
TOOL_BINARIES=(meshlens-lint)
tool_build() {
  mkdir -p "$2/src"
  cp -r tools/src/meshlens-lint/. "$2/src/"
  go_build "$2/src" "$1/meshlens-lint" .
}
