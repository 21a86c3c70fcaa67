package io.meshlens.proxy.internal.http1;

import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The one timer of an HTTP/1 connection: at most one deadline is armed at a time (header read,
 * response, or idle), and at most one task is scheduled. Arming and disarming only write two
 * fields; a task that fires early re-schedules itself for the rest, so a keep-alive connection
 * costs one scheduled task per timeout period rather than one per request (the old path
 * scheduled and cancelled a response timer for every request).
 */
final class Http1Deadline implements Runnable {
    /** What a deadline guards. */
    enum Kind { HEADER_READ, RESPONSE, IDLE }

    /** Called on the event loop when an armed deadline passes. */
    interface Listener {
        void onDeadline(Kind kind);
    }

    private final EventExecutor executor;
    private final Listener listener;
    private long deadline; // System.nanoTime() based; meaningful only while kind != null
    private Kind kind;
    private ScheduledFuture<?> task;
    private long taskAt;

    Http1Deadline(EventExecutor executor, Listener listener) {
        this.executor = executor;
        this.listener = listener;
    }

    void arm(Kind k, long timeoutNanos) {
        long at = System.nanoTime() + timeoutNanos;
        kind = k;
        deadline = at;
        if (task != null && taskAt - at > 0) { // the pending task would fire too late
            task.cancel(false);
            task = null;
        }
        if (task == null) {
            schedule(at);
        }
    }

    void disarm() {
        kind = null;
    }

    Kind armed() {
        return kind;
    }

    /** Connection closed: nothing may fire any more. */
    void stop() {
        kind = null;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void schedule(long at) {
        taskAt = at;
        task = executor.schedule(this, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        task = null;
        Kind k = kind;
        if (k == null) {
            return;
        }
        if (System.nanoTime() - deadline >= 0) {
            kind = null;
            listener.onDeadline(k);
        } else {
            schedule(deadline);
        }
    }
}
