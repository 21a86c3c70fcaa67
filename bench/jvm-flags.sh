# The proxy's documented JVM flags (docs/performance.md), defined once for every bench script.
# The injector's sidecar gives the same flags as JAVA_TOOL_OPTIONS (install:
# SidecarContainers.PROXY_JVM_OPTIONS; a test keeps the two equal). The class-data archive is not
# among them: where it lies belongs to the image (its entrypoint names /app/meshlens-proxy.jsa,
# proxy/pom.xml); the bench scripts name theirs, relative to sidecar_dir below, in ML_ARCHIVE_OPTS.
# Without the archive the JVM runs as before, only without sharing.
ML_DOCUMENTED_JAVA_OPTS="-Xms16m -Xmx48m -Xmn8m -Xss256k -XX:+UseSerialGC -XX:MaxDirectMemorySize=16m -XX:ReservedCodeCacheSize=20m -XX:MetaspaceSize=32m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:TrimNativeHeapInterval=1000 -Dio.netty.allocator.type=pooled -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1 -Dio.netty.allocator.maxOrder=7"
ML_ARCHIVE_OPTS="-XX:SharedArchiveFile=meshlens-proxy.jsa"
# what the image runs: the documented flags and its archive
ML_SIDECAR_JAVA_OPTS="$ML_DOCUMENTED_JAVA_OPTS $ML_ARCHIVE_OPTS"
# glibc: two malloc arenas instead of 8 per core (the JVM's native allocations are few)
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

# The proxy laid out as the image holds it: the jar and its class-data archive side by side in
# SIDECAR (bench/target/sidecar), the JVM started there (the archive and jar paths in the flags are
# relative). The archive is made by bench/appcds when the flags name one and it is missing or
# older than the jar (the JVM would silently run without it).
sidecar_dir() { # sidecar_dir PROXY_JAR [FLAGS...]
  SIDECAR=$ROOT/bench/target/sidecar
  mkdir -p "$SIDECAR"
  if ! cmp -s "$1" "$SIDECAR/meshlens-proxy.jar"; then
    cp "$1" "$SIDECAR/meshlens-proxy.jar"
    rm -f "$SIDECAR"/*.jsa "$SIDECAR"/*.classlist "$SIDECAR"/*.aot
  fi
  if [[ "${*:2}" == *SharedArchiveFile=meshlens-proxy.jsa* && ! -s $SIDECAR/meshlens-proxy.jsa ]]; then
    echo "bench: making the class-data archive (bench/appcds)" >&2
    SKIP_BUILD=1 bash "$ROOT/bench/appcds" >&2
  fi
}
