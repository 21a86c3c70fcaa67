package io.meshlens.bench.exporter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.meshlens.exporter.ExporterConfig;
import io.meshlens.exporter.collect.CollectionLoop;
import io.meshlens.exporter.collect.Cycle;
import io.meshlens.exporter.collect.ExporterMetrics;
import io.meshlens.exporter.collect.SelfMetrics;
import io.meshlens.exporter.collect.TargetState;
import io.meshlens.exporter.discovery.StaticInventory;
import io.meshlens.exporter.live.LiveWindow;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * The exporter's scale benchmark (issue: "a full cycle over 1,000 targets in under 1 s of one
 * core; memory under 2 KiB per output series"). For each target count it starts
 * {@link FakeProxies} in a separate JVM (so only the exporter's work is measured here), writes a
 * static inventory of that many pods in 5-pod Deployments, and runs the exporter's real
 * {@link CollectionLoop#cycle()} - scrape over HTTP, protobuf decode, identity resolution,
 * enrichment, aggregation - reporting per cycle: wall time, process CPU, CPU per 1,000 input
 * samples, and retained heap per output series.
 *
 * <p>{@code ExporterScale [targets...]} (default 100 1000 5000).
 */
public final class ExporterScale {
    /**
     * {@code -Dscale.warmup=N}: cycles before measuring. A running exporter cycles every 10-30 s
     * for days, so the steady state (JIT done) is what counts; 3 cycles of 1,000 targets still
     * leave C2 compiling in the measured ones (1.48 s of CPU per cycle measured after 3, 1.04 s after 15).
     */
    private static final int WARMUP_CYCLES = Integer.getInteger("scale.warmup", 15);
    /** {@code -Dscale.cycles=N} measures more cycles (e.g. under a profiler, so that warm-up weighs little). */
    private static final int MEASURED_CYCLES = Integer.getInteger("scale.cycles", 5);

    private ExporterScale() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100, 1000, 5000);
        }
        System.out.printf("%8s %10s %10s %12s %12s %14s %14s %12s %12s %10s%n", "targets", "in_series", "out_series",
                "cycle_ms", "cpu_ms", "cpu_us/1k_in", "heap_B/out", "failures", "loop_cpu_ms", "gc_ms");
        for (int n : sizes) {
            run(n);
        }
    }

    private static void run(int targets) throws Exception {
        int port = 19000 + targets % 1000;
        Process fakes = startFakes(port, targets);
        Path dir = Files.createTempDirectory("meshlens-scale");
        try {
            Path inventory = dir.resolve("inventory.yaml");
            Files.writeString(inventory, inventory(targets, port));
            ExporterConfig config = ExporterConfig.builder()
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .inventory(inventory)
                    .scrapeTimeout(Duration.ofSeconds(20))
                    .scrapeInterval(Duration.ofSeconds(30))
                    .liveRetention(Duration.ofSeconds(30))
                    .set(ExporterConfig.Key.SCRAPE_CONCURRENCY, "64")
                    .build();
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = mem.getHeapMemoryUsage().getUsed();
            StaticInventory cluster = StaticInventory.load(inventory);
            LiveWindow live = new LiveWindow(config.liveRetention());
            SelfMetrics self = new SelfMetrics();
            try (CollectionLoop loop = new CollectionLoop(config, cluster, self, live)) {
                for (int i = 0; i < WARMUP_CYCLES; i++) {
                    loop.cycle();
                }
                com.sun.management.OperatingSystemMXBean os =
                        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long loop0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                long gc0 = gcMillis();
                long t0 = System.nanoTime();
                for (int i = 0; i < MEASURED_CYCLES; i++) {
                    loop.cycle();
                }
                double wallMs = (System.nanoTime() - t0) / 1e6 / MEASURED_CYCLES;
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / MEASURED_CYCLES;
                // The calling thread runs the cycle (decode, enrich, publish); the rest is HTTP and GC.
                double loopMs = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - loop0) / 1e6 / MEASURED_CYCLES;
                double gcMs = (gcMillis() - gc0) / (double) MEASURED_CYCLES;
                Cycle c = loop.latest();
                long in = 0;
                long failures = 0;
                for (TargetState t : c.targets().values()) {
                    failures += t.up() ? 0 : 1;
                }
                in = (long) seriesIn(self);
                long out = 0;
                for (MetricSnapshot s : c.enriched()) {
                    out += s.getDataPoints().size();
                }
                // Retained heap: what the exporter keeps between cycles (inventory, last pages
                // for staleness, the enriched output, the live window), after a full GC.
                System.gc();
                long heapAfter = mem.getHeapMemoryUsage().getUsed();
                double perOut = out == 0 ? 0 : (heapAfter - heapBefore) / (double) out;
                System.out.printf(Locale.ROOT, "%8d %10d %10d %12.1f %12.1f %14.1f %14.0f %12d %12.1f %10.1f%n", targets, in, out,
                        wallMs, cpuMs, in == 0 ? 0 : cpuMs * 1000 / (in / 1000.0), perOut, failures, loopMs, gcMs);
                if (c.targets().size() != targets) {
                    throw new IllegalStateException("expected " + targets + " targets, cycle had " + c.targets().size());
                }
                java.lang.ref.Reference.reachabilityFence(cluster);
                java.lang.ref.Reference.reachabilityFence(live);
            }
        } finally {
            fakes.destroy();
            fakes.waitFor();
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Time the collectors report (pauses; with ParallelGC every core works during them). */
    private static long gcMillis() {
        long t = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    /** The exporter's own count of series read in the last cycle ({@code meshlens_exporter_series{stage="in"}}). */
    private static double seriesIn(SelfMetrics self) {
        for (MetricSnapshot s : self.registry().scrape()) {
            if (s.getMetadata().getPrometheusName().equals(ExporterMetrics.SERIES)) {
                for (var d : s.getDataPoints()) {
                    if ("in".equals(d.getLabels().get("stage"))) {
                        return ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) d).getValue();
                    }
                }
            }
        }
        throw new IllegalStateException("no " + ExporterMetrics.SERIES + "{stage=in}");
    }

    private static Process startFakes(int port, int targets) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-Dsun.net.httpserver.nodelay=true", "-cp", System.getProperty("java.class.path"),
                FakeProxies.class.getName(), String.valueOf(port), String.valueOf(targets))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (!"ready".equals(line)) {
            p.destroy();
            throw new IllegalStateException("FakeProxies did not start: " + line);
        }
        return p;
    }

    private static String inventory(int targets, int port) {
        StringBuilder y = new StringBuilder("pods:\n");
        for (int i = 0; i < targets; i++) {
            String wl = "wl-" + (i / 5);
            y.append("  - {namespace: ns-").append((i / 5) % 20).append(", name: ").append(wl).append("-abc-").append(i)
                    .append(", ip: ").append(FakeProxies.ip(i)).append(", meshed: true, adminPort: ").append(port)
                    .append(", labels: {app: ").append(wl).append("}, owners: [{kind: ReplicaSet, name: ")
                    .append(wl).append("-abc}, {kind: Deployment, name: ").append(wl).append("}]}\n");
        }
        return y.toString();
    }
}
