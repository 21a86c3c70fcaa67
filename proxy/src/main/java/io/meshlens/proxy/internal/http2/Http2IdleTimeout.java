package io.meshlens.proxy.internal.http2;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Closes an HTTP/2 caller connection that has had no open stream for the idle timeout, with
 * {@code GOAWAY(NO_ERROR)} first so that the client opens a new connection for its next request
 * instead of failing it. A connection with an open stream is never idle, however quiet the stream
 * (a long-lived gRPC stream waits as long as it likes). One timer per connection, re-armed lazily
 * when it fires, never per stream.
 */
final class Http2IdleTimeout extends Http2ConnectionAdapter {
    private final Channel channel;
    private final Http2Connection connection;
    private final long idleNanos;
    private long idleSinceNanos;
    private ScheduledFuture<?> timer;

    private Http2IdleTimeout(Channel channel, Http2Connection connection, Duration idle) {
        this.channel = channel;
        this.connection = connection;
        this.idleNanos = idle.toNanos();
    }

    /** Watches {@code connection} of the caller connection {@code channel}. */
    static void install(Channel channel, Http2Connection connection, Duration idle) {
        Http2IdleTimeout t = new Http2IdleTimeout(channel, connection, idle);
        connection.addListener(t);
        channel.eventLoop().execute(() -> {
            t.idleSinceNanos = System.nanoTime(); // no stream yet: idle from the start
            t.arm(t.idleNanos);
            channel.closeFuture().addListener(f -> t.cancel());
        });
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        idleSinceNanos = System.nanoTime();
        if (timer == null && channel.isActive()) {
            arm(idleNanos);
        }
    }

    private void arm(long delayNanos) {
        timer = channel.eventLoop().schedule(this::onTimer, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (!channel.isActive() || connection.numActiveStreams() > 0) {
            return; // re-armed when the last stream closes
        }
        long left = idleSinceNanos + idleNanos - System.nanoTime();
        if (left > 0) {
            arm(left);
            return;
        }
        channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
    }
}
