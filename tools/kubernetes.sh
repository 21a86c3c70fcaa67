# The Kubernetes control plane for the tests that need a real API server: kube-apiserver,
# kube-controller-manager, etcd and a kubectl of the same release, built from the project's own
# module tools/kubernetes (k8s.io/kubernetes as a library, its staging modules pinned by replace
# lines; etcd at the release of the client the API server links). The versions come from that
# go.mod, so the cache key changes whenever it does. A fresh machine compiles ~3000 packages.
TOOL_VERSION="$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes v\([^ ]*\).*/\1/p' "$ROOT/tools/kubernetes/go.mod")-etcd$(sed -n 's/^[[:space:]]*go\.etcd\.io\/etcd\/server\/v3 v\([^ ]*\).*/\1/p' "$ROOT/tools/kubernetes/go.mod")"
TOOL_BINARIES=(kube-apiserver kube-controller-manager etcd kubectl)
tool_build() {
  mkdir -p "$2/src"
  cp -r "$ROOT/tools/kubernetes/." "$2/src/"
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b"; done
}
