package io.meshlens.proxy.tap;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;


/**
 * One {@code /tap} client: a filter and a bounded queue of rendered JSON lines. The data path
 * only ever {@code offer}s (never blocks); the admin side drains the queue to the client.
 */
public final class TapSubscriber {
    static final String REQ = "req";
    static final String RSP = "rsp";
    static final String END = "end";

    private final TapFilter filter;
    private final BlockingQueue<String> queue;
    private final long minIntervalNanos;
    private long lastAdmitNanos;
    /** Exchange ids admitted at their req event (so rsp/end follow), bounded ring. */
    private final long[] admitted = new long[1024];

    public TapSubscriber(TapFilter filter, int queueSize) {
        this.filter = filter;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.minIntervalNanos = filter.maxRps > 0 ? (long) (1e9 / filter.maxRps) : 0;
    }

    /** Returns false when the event matched but the queue was full (a drop). */
    synchronized boolean offer(String type, TapSource x, String idPrefix) {
        long id = x.tapId();
        int slot = (int) (id & (admitted.length - 1));
        if (type == REQ) {
            if (!filter.matchesRequest(x)) {
                return true;
            }
            if (filter.filtersStatus()) {
                admitted[slot] = id; // decide on the status at rsp time; req is not emitted
                return true;
            }
            if (minIntervalNanos > 0) {
                long now = System.nanoTime();
                if (lastAdmitNanos != 0 && now - lastAdmitNanos < minIntervalNanos) {
                    return true;
                }
                lastAdmitNanos = now;
            }
            admitted[slot] = id;
        } else {
            if (admitted[slot] != id) {
                return true;
            }
            if (type == RSP && filter.filtersStatus()) {
                if (!filter.matchesStatus(x.statusCode())) {
                    admitted[slot] = 0;
                    return true;
                }
                if (minIntervalNanos > 0) {
                    long now = System.nanoTime();
                    if (lastAdmitNanos != 0 && now - lastAdmitNanos < minIntervalNanos) {
                        admitted[slot] = 0;
                        return true;
                    }
                    lastAdmitNanos = now;
                }
            }
            if (type == END) {
                admitted[slot] = 0;
                if (filter.filtersStatus() && x.statusCode() == 0) {
                    return true;
                }
            }
        }
        if (queue.remainingCapacity() == 0) {
            // Full (a slow subscriber): drop before paying for the JSON. Rendering events only to
            // drop them cost the data path 4x its p99 in bench/tap-latency. Offers are serialised
            // by this method and the reader only frees space, so the check cannot go stale.
            return false;
        }
        return queue.offer(TapJson.render(type, x, idPrefix));
    }

    /** Waits up to {@code timeoutMillis} for the next line (admin side). */
    public String poll(long timeoutMillis) throws InterruptedException {
        return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public String pollNow() {
        return queue.poll();
    }

}
