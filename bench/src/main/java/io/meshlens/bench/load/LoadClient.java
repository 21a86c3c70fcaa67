package io.meshlens.bench.load;

/** One protocol's client: sends a request now, charging its latency from {@code intendedNanos}. */
interface LoadClient extends AutoCloseable {
    void send(long intendedNanos);

    /** Requests sent but not answered yet. */
    long inFlight();

    @Override
    void close();
}
