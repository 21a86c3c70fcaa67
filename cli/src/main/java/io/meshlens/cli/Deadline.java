package io.meshlens.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a streaming call, interrupting it when its time is up (tap and top stop by themselves). */
final class Deadline {
    private Deadline() {}

    static void run(Duration limit, Runnable streaming) {
        if (limit == null) {
            streaming.run();
            return;
        }
        Thread caller = Thread.currentThread();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshlens-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.schedule(caller::interrupt, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            streaming.run();
        } finally {
            timer.shutdownNow();
            Thread.interrupted(); // clear a late interrupt
        }
    }
}
