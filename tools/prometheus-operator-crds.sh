# prometheus-operator's own CustomResourceDefinitions (ServiceMonitor, PrometheusRule), from its Go
# module, so that overlays/prometheus-operator is applied to the test API server against the real
# schemas. The "binary" is a one-line command that prints the folder holding them.
TOOL_VERSION=0.85.0
TOOL_BINARIES=(prometheus-operator-crds)
tool_build() {
  go_module_source github.com/prometheus-operator/prometheus-operator "v$TOOL_VERSION" "$2/src"
  mkdir -p "$1/crds"
  for kind in servicemonitors prometheusrules; do
    cp "$2/src/example/prometheus-operator-crd/monitoring.coreos.com_$kind.yaml" "$1/crds/"
  done
  printf '#!/bin/sh\n# The folder of the CRDs built with this command.\necho "$(dirname "$(readlink -f "$0")")/crds"\n' > "$1/prometheus-operator-crds"
  chmod +x "$1/prometheus-operator-crds"
}
