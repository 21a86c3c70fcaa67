#!/usr/bin/env bash
# Renders the monitoring mixin (jsonnet/) into grafana/, alerts/ and the kustomize config maps
# with sjsonnet on the JVM (io.meshlens.mixin.MixinRenderer). Run after editing jsonnet/; the
# mixin module's drift test fails until the rendered files are committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -ntp -o -q -pl mixin compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.args="$root"
