# go-jsonnet's formatter and linter (jsonnetfmt --test, jsonnet-lint) and the jsonnet CLI.
TOOL_VERSION=0.22.0
TOOL_BINARIES=(jsonnet jsonnetfmt jsonnet-lint)
tool_build() {
  go_module_source github.com/google/go-jsonnet "v$TOOL_VERSION" "$2/src"
  for b in "${TOOL_BINARIES[@]}"; do go_build "$2/src" "$1/$b" "./cmd/$b"; done
}
