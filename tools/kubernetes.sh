# The Kubernetes control plane for the tests that need a real API server: kube-apiserver,
# kube-controller-manager, etcd and a kubectl of the same release, built from the project's own
# module tools/kubernetes (k8s.io/kubernetes as a library, its staging modules pinned by replace
# lines; etcd at the release of the client the API server links). The versions come from that
# go.mod, so the cache key changes whenever it does. A fresh machine compiles ~3000 packages.
KUBERNETES_RELEASE=$(sed -n 's/^[[:space:]]*k8s\.io\/kubernetes v\([^ ]*\).*/\1/p' "$ROOT/tools/kubernetes/go.mod")
# `-v`: kube-apiserver's /version and `kubectl version` give the release (kubernetes_version_x);
# etcd's version is a constant in its source and needs nothing.
TOOL_VERSION="$KUBERNETES_RELEASE-etcd$(sed -n 's/^[[:space:]]*go\.etcd\.io\/etcd\/server\/v3 v\([^ ]*\).*/\1/p' "$ROOT/tools/kubernetes/go.mod")-v"
TOOL_BINARIES=(kube-apiserver kube-controller-manager etcd kubectl)

# The -X definitions Kubernetes' own build (hack/lib/version.sh) stamps: the servers read
# k8s.io/component-base/version, kubectl's client side k8s.io/client-go/pkg/version. The module
# proxy carries no commit hash, so gitCommit keeps its placeholder.
kubernetes_version_x() {
  local minor=${KUBERNETES_RELEASE#*.} t date p
  minor=${minor%%.*}
  t=$(go_module_time k8s.io/kubernetes "v$KUBERNETES_RELEASE") || return 1
  date=$(date -u -d "$t" +%Y-%m-%dT%H:%M:%SZ)
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf '%s\n' "$p.gitVersion=v$KUBERNETES_RELEASE" "$p.gitMajor=${KUBERNETES_RELEASE%%.*}" "$p.gitMinor=$minor" "$p.buildDate=$date"
  done
}

tool_build() {
  local x GO_X
  mkdir -p "$2/src"
  cp -r "$ROOT/tools/kubernetes/." "$2/src/"
  x=$(cd "$2/src" && kubernetes_version_x)
  mapfile -t GO_X <<< "$x"
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b"; done
}
