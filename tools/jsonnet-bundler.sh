# jsonnet-bundler (`jb`): the tests install the mixin with it from a local path, as an importer would.
TOOL_VERSION=0.6.0
TOOL_BINARIES=(jb)
tool_build() {
  go_module_source github.com/jsonnet-bundler/jsonnet-bundler "v$TOOL_VERSION" "$2/src"
  go_build "$2/src" "$1/jb" ./cmd/jb
}
