package io.meshlens.exporter.live;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A short ring of recent {@link LiveSnapshot}s, so rates and quantiles over the last 10 s .. 5
 * min can be answered without Prometheus: the difference between the newest snapshot and the
 * newest one at least a window older (or the oldest one kept).
 */
public final class LiveWindow {
    private final long retentionNanos;
    private final ArrayDeque<LiveSnapshot> ring = new ArrayDeque<>();

    public LiveWindow(Duration retention) {
        this.retentionNanos = retention.toNanos();
    }

    public synchronized void record(LiveSnapshot s) {
        ring.addLast(s);
        // keep one snapshot older than the retention, so a full-length window has a base
        while (ring.size() > 2) {
            Iterator<LiveSnapshot> it = ring.iterator();
            it.next();
            if (s.nanos - it.next().nanos >= retentionNanos) {
                ring.removeFirst();
            } else {
                break;
            }
        }
    }

    /** Deltas over (at most) {@code window}; empty when fewer than two snapshots exist. */
    public synchronized Delta delta(Duration window) {
        if (ring.size() < 2) {
            return Delta.EMPTY;
        }
        LiveSnapshot newest = ring.peekLast();
        LiveSnapshot base = ring.peekFirst();
        long from = newest.nanos - window.toNanos();
        for (Iterator<LiveSnapshot> it = ring.descendingIterator(); it.hasNext(); ) {
            LiveSnapshot s = it.next();
            if (s != newest && s.nanos <= from) {
                base = s;
                break;
            }
        }
        double seconds = (newest.nanos - base.nanos) / 1e9;
        Map<TrafficKey, Counts> deltas = new HashMap<>();
        for (var e : newest.traffic.entrySet()) {
            Counts d = Counts.delta(e.getValue(), base.traffic.get(e.getKey()), seconds);
            if (d.total() > 0) {
                deltas.put(e.getKey(), d);
            }
        }
        Map<String, double[]> tcp = new HashMap<>();
        for (var e : newest.tcp.entrySet()) {
            PodTcp old = base.tcp.get(e.getKey());
            PodTcp now = e.getValue();
            double read = old == null || now.readBytes < old.readBytes ? now.readBytes : now.readBytes - old.readBytes;
            double write = old == null || now.writeBytes < old.writeBytes ? now.writeBytes : now.writeBytes - old.writeBytes;
            tcp.put(e.getKey(), new double[] {now.open, read / seconds, write / seconds});
        }
        return new Delta(seconds, newest.bounds, deltas, tcp);
    }

    /**
     * The requests of a window: per-key deltas (each with the length of the window it covers),
     * per-pod TCP (open, read B/s, write B/s).
     */
    public record Delta(double seconds, double[] bounds, Map<TrafficKey, Counts> traffic, Map<String, double[]> tcp) {
        public static final Delta EMPTY = new Delta(0, new double[0], Map.of(), Map.of());

        public double[] tcp(String namespace, String pod) {
            return tcp.getOrDefault(podKey(namespace, pod), new double[3]);
        }

        public static String podKey(String namespace, String pod) {
            return LiveSnapshot.podKey(namespace, pod);
        }

        /**
         * This window and another exporter's: counts and TCP figures add up (exporters scrape
         * disjoint sets of pods, so a key is normally in one of them only). Latency buckets are
         * brought to the wider set of bounds; {@link #seconds()} stays this window's.
         */
        public Delta plus(Delta other) {
            double[] target = other.bounds.length > bounds.length ? other.bounds : bounds;
            Map<TrafficKey, Counts> sum = new HashMap<>();
            addAll(sum, traffic, bounds, target);
            addAll(sum, other.traffic, other.bounds, target);
            Map<String, double[]> tcpSum = new HashMap<>();
            for (Map<String, double[]> m : List.of(tcp, other.tcp)) {
                m.forEach((pod, t) -> tcpSum.merge(pod, t.clone(), (a, b) -> {
                    for (int i = 0; i < a.length; i++) {
                        a[i] += b[i];
                    }
                    return a;
                }));
            }
            return new Delta(seconds, target, sum, tcpSum);
        }

        private static void addAll(Map<TrafficKey, Counts> into, Map<TrafficKey, Counts> from, double[] own, double[] target) {
            from.forEach((k, c) -> {
                Counts aligned = c.alignedTo(own, target);
                Counts prev = into.putIfAbsent(k, aligned);
                if (prev != null) {
                    prev.add(aligned);
                }
            });
        }
    }
}
