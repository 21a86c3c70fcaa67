package io.meshlens.proxy.internal.http2;

import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Request DATA and trailers that arrived before the exchange's upstream stream exists, in order.
 * Bounded by the caller's flow-control window: the bytes are not given back until forwarded.
 */
final class H2PendingRequest {
    /** Where the frames go once the upstream stream is open. */
    interface Forwarder {
        void forwardData(ByteBuf data, int padding, boolean end);

        void forwardTrailers(Http2Headers trailers);
    }

    /** DATA waiting for the upstream stream (retained; released if never sent). */
    private record Data(ByteBuf data, int padding, boolean end) {}

    private final ArrayDeque<Object> frames = new ArrayDeque<>(4);

    void addData(ByteBuf retained, int padding, boolean end) {
        frames.add(new Data(retained, padding, end));
    }

    void addTrailers(Http2Headers trailers) {
        frames.add(trailers);
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    void forwardTo(Forwarder f) {
        Object m;
        while ((m = frames.poll()) != null) {
            if (m instanceof Data d) {
                f.forwardData(d.data, d.padding, d.end);
            } else {
                f.forwardTrailers((Http2Headers) m);
            }
        }
    }

    void release() {
        Object m;
        while ((m = frames.poll()) != null) {
            if (m instanceof Data d) {
                d.data.release();
            }
        }
    }
}
