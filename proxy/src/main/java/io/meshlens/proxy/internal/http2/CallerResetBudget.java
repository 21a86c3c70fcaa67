package io.meshlens.proxy.internal.http2;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LifecycleManager;

/**
 * How many RST_STREAM frames the proxy sends one caller: more than {@link #MAX} within
 * {@link #WINDOW_SECONDS} and the connection ends with GOAWAY(ENHANCE_YOUR_CALM), the
 * MadeYouReset mitigation (CVE-2025-55163: frames that make a server reset streams whose work
 * goes on upstream). Netty's own limit, which this replaces on the caller side, also counts
 * REFUSED_STREAM, so a legal caller that opens more streams than SETTINGS_MAX_CONCURRENT_STREAMS
 * before it has seen the proxy's SETTINGS lost its connection after 200 refusals. A refused
 * stream never started any work, so it is not counted; NO_ERROR and CANCEL are not either, as in
 * Netty. Runs on the connection's event loop only.
 */
final class CallerResetBudget extends DecoratingHttp2ConnectionEncoder {
    /** Netty's defaults for the same limit. */
    static final int MAX = 200;
    static final int WINDOW_SECONDS = 30;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);

    private Http2LifecycleManager lifecycle;
    private long windowStart;
    private int sentInWindow;

    CallerResetBudget(Http2ConnectionEncoder delegate) {
        super(delegate);
    }

    @Override
    public void lifecycleManager(Http2LifecycleManager lifecycleManager) {
        this.lifecycle = lifecycleManager;
        super.lifecycleManager(lifecycleManager);
    }

    @Override
    public ChannelFuture writeRstStream(ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
        ChannelFuture written = super.writeRstStream(ctx, streamId, errorCode, promise);
        if (counts(errorCode) && overBudget(System.nanoTime())) {
            lifecycle.onError(ctx, true, Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "more than %d RST_STREAM sent within %d s", MAX, WINDOW_SECONDS));
        }
        return written;
    }

    private static boolean counts(long errorCode) {
        return errorCode != Http2Error.NO_ERROR.code() && errorCode != Http2Error.CANCEL.code()
               && errorCode != Http2Error.REFUSED_STREAM.code();
    }

    private boolean overBudget(long now) {
        if (sentInWindow == 0 || now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            sentInWindow = 1;
            return false;
        }
        return ++sentInWindow > MAX;
    }
}
