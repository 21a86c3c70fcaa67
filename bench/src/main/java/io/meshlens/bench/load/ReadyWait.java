package io.meshlens.bench.load;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Polls a URL every 10 ms until it answers 2xx: the load starts the moment a proxy is ready. */
final class ReadyWait {
    private ReadyWait() {}

    /** Returns the nanoseconds waited; throws when {@code url} is not ready within {@code timeout}. */
    static long await(URI url, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers(url)) {
                return System.nanoTime() - start;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new IllegalStateException("--start-when " + url + ": not ready within " + timeout.toSeconds()
                + " s (expected: a 2xx answer; is the proxy starting?)");
    }

    private static boolean answers(URI url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(500);
            try {
                int code = c.getResponseCode();
                c.getInputStream().readAllBytes();
                return code >= 200 && code < 300;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }
}
