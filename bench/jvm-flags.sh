# The proxy's documented JVM flags (docs/performance.md), defined once for every bench script.
# The injector's sidecar uses the same flags (install: SidecarContainers.PROXY_JVM_OPTIONS; a test
# keeps the two equal).
ML_DOCUMENTED_JAVA_OPTS="-Xms16m -Xmx48m -Xmn8m -Xss256k -XX:+UseSerialGC -XX:MaxDirectMemorySize=16m -XX:ReservedCodeCacheSize=20m -XX:MetaspaceSize=32m -Xshare:off -Dio.netty.allocator.type=pooled -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1 -Dio.netty.allocator.maxOrder=7"
# glibc: two malloc arenas instead of 8 per core (the JVM's native allocations are few)
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
