package io.meshlens.proxy.trace;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * The trace id a request carries, read from the W3C {@code traceparent} header or, failing that,
 * from Zipkin's B3 ({@code b3} single header or {@code x-b3-traceid}); attached as the
 * {@code trace_id} exemplar of the request's latency observation and shown by tap.
 *
 * <p>Only called when such a header is present: a request without one costs nothing here. The
 * id is returned as 32 lowercase hex characters (a 64-bit B3 id is left-padded with zeros, as
 * W3C and most tracing backends store it); an invalid value yields null, never an exception, so
 * that a malformed header from a client can never fail the exchange.
 */
public final class TraceContext {
    public static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    public static final AsciiString B3 = AsciiString.cached("b3");
    public static final AsciiString X_B3_TRACE_ID = AsciiString.cached("x-b3-traceid");
    /** The exemplar and tap label name. */
    public static final String LABEL = "trace_id";

    private static final int TRACEPARENT_LENGTH = 55; // 2 + 1 + 32 + 1 + 16 + 1 + 2
    private static final String ZERO_PAD = "0000000000000000";

    private TraceContext() {}

    /**
     * The trace id of an HTTP/2 request: {@code traceparent}, else {@code b3}, else
     * {@code x-b3-traceid}; null without a valid one. Three header lookups, no allocation when
     * none is there.
     */
    public static String fromHeaders(Http2Headers h) {
        CharSequence v = h.get(TRACEPARENT);
        String id = v == null ? null : fromTraceparent(v);
        if (id == null && (v = h.get(B3)) != null) {
            id = fromB3(v);
        }
        if (id == null && (v = h.get(X_B3_TRACE_ID)) != null) {
            id = fromB3TraceId(v);
        }
        return id;
    }

    /**
     * {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01} -> its trace id; null when
     * the value is not a valid traceparent (version {@code ff}, wrong length, upper-case or
     * non-hex digits, an all-zero trace or parent id).
     */
    public static String fromTraceparent(CharSequence v) {
        if (v == null || v.length() < TRACEPARENT_LENGTH) {
            return null;
        }
        if (!hex(v, 0, 2) || (v.charAt(0) == 'f' && v.charAt(1) == 'f')) {
            return null;
        }
        boolean version0 = v.charAt(0) == '0' && v.charAt(1) == '0';
        // Version 00 is exactly 55 characters; a later version may append "-..." fields.
        if (version0 ? v.length() != TRACEPARENT_LENGTH : v.length() > TRACEPARENT_LENGTH && v.charAt(TRACEPARENT_LENGTH) != '-') {
            return null;
        }
        if (v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
            return null;
        }
        if (!hex(v, 3, 35) || !hex(v, 36, 52) || !hex(v, 53, 55) || zeros(v, 3, 35) || zeros(v, 36, 52)) {
            return null;
        }
        return v.subSequence(3, 35).toString();
    }

    /**
     * The B3 single header ({@code TRACEID-SPANID[-SAMPLED[-PARENTSPANID]]}, or only a sampling
     * decision such as {@code 0}) -> its trace id; null when there is none or it is invalid.
     */
    public static String fromB3(CharSequence v) {
        if (v == null) {
            return null;
        }
        int dash = indexOf(v, '-');
        return dash < 0 ? null : fromB3TraceId(v.subSequence(0, dash));
    }

    /** {@code x-b3-traceid} (16 or 32 lowercase hex) -> the trace id as 32 hex; null when invalid. */
    public static String fromB3TraceId(CharSequence v) {
        if (v == null || (v.length() != 16 && v.length() != 32) || !hex(v, 0, v.length()) || zeros(v, 0, v.length())) {
            return null;
        }
        return v.length() == 32 ? v.toString() : ZERO_PAD + v;
    }

    private static boolean hex(CharSequence v, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = v.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(CharSequence v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (v.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(CharSequence v, char c) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
