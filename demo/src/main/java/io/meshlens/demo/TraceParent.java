package io.meshlens.demo;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.grpc.Metadata;

/**
 * W3C trace context as the demo's apps pass it on, the way an app with a tracing library would:
 * vote-bot starts a trace per request, web continues it (same trace id, its own span id) on its
 * calls to emoji and voting. The proxies only read the header; they never add one.
 */
final class TraceParent {
    static final String HEADER = "traceparent";
    static final Metadata.Key<String> GRPC_KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private TraceParent() {}

    /** A new sampled trace: {@code 00-TRACEID-SPANID-01}. */
    static String root() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return format(hex(r.nextLong() | 1) + hex(r.nextLong()), hex(r.nextLong() | 1));
    }

    /** The same trace with a new span of the caller; a new trace when {@code incoming} is absent or malformed. */
    static String child(String incoming) {
        if (incoming == null || incoming.length() != 55 || incoming.charAt(2) != '-' || incoming.charAt(35) != '-') {
            return root();
        }
        return format(incoming.substring(3, 35), hex(ThreadLocalRandom.current().nextLong() | 1));
    }

    /** gRPC metadata carrying {@code traceparent}. */
    static Metadata metadata(String traceparent) {
        Metadata md = new Metadata();
        md.put(GRPC_KEY, traceparent);
        return md;
    }

    private static String format(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static String hex(long v) {
        return String.format(Locale.ROOT, "%016x", v);
    }
}
