package io.meshlens.proxy.tap;

import java.util.concurrent.CopyOnWriteArrayList;

import io.meshlens.proxy.metrics.ProxyMetrics;

/**
 * The live request stream behind admin {@code /tap}. With no subscriber, {@link #active()} is a
 * single volatile read and nothing else happens on the data path. With subscribers, each event is
 * rendered once per matching subscriber and offered to its bounded queue; a full queue drops the
 * event (counted), so the data path never blocks or waits on a slow tap client.
 */
public final class Tap {
    private final ProxyMetrics metrics;
    private final String idPrefix;
    private final CopyOnWriteArrayList<TapSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean active;

    public Tap(ProxyMetrics metrics) {
        this(metrics, "");
    }

    /**
     * @param pod the pod name: event ids read {@code pod:N}, short and unique across the proxies
     *            a tap fans in from; plain {@code N} when empty
     */
    public Tap(ProxyMetrics metrics, String pod) {
        this.metrics = metrics;
        this.idPrefix = pod.isEmpty() ? "" : pod + ':';
    }

    public boolean active() {
        return active;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    public void add(TapSubscriber s) {
        subscribers.add(s);
        active = true;
    }

    public void remove(TapSubscriber s) {
        subscribers.remove(s);
        active = !subscribers.isEmpty();
    }

    public void request(TapSource x) {
        emit(TapSubscriber.REQ, x);
    }

    public void response(TapSource x) {
        emit(TapSubscriber.RSP, x);
    }

    public void end(TapSource x) {
        emit(TapSubscriber.END, x);
    }

    private void emit(String type, TapSource x) {
        for (TapSubscriber s : subscribers) {
            try {
                if (!s.offer(type, x, idPrefix)) {
                    metrics.tapDropped();
                }
            } catch (RuntimeException e) {
                metrics.recordFailed(e);
            }
        }
    }
}
