package io.meshlens.proxy.tap;

import io.meshlens.proxy.metrics.Direction;
import io.meshlens.proxy.metrics.ProxyError;

/** A read-only view of one exchange, rendered into tap events only when someone is tapping. */
public interface TapSource {
    /** The exchange's number, unique within one proxy (the tap adds the pod name). */
    long tapId();
    Direction direction();
    String src();
    String dst();
    String method();
    String authority();
    String path();
    /** 0 when no response was sent. */
    int statusCode();
    /** -1 when none. */
    int grpcStatus();
    long latencyNanos();
    long durationNanos();
    long responseBytes();
    ProxyError error();
}
