package io.meshlens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.meshlens.cli.api.ApiException;
import io.meshlens.cli.api.ExporterApi;
import io.meshlens.cli.dashboard.DashboardServer;
import io.meshlens.cli.demo.LocalDemo;
import io.meshlens.cli.render.OutputFormat;
import io.meshlens.cli.view.StatView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens demo}: the voting app with its proxies, an exporter and (when installed) a
 * Prometheus, all on loopback addresses; prints where everything listens and what to try, then a
 * live {@code stat} view until Ctrl-C (or {@code --duration}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the local voting demo on 127.0.10.0/24 (Ctrl-C stops everything it started).")
public final class DemoCommand implements Callable<Integer> {
    private static final int DASHBOARD_PORT = 50750;

    @Spec
    CommandSpec spec;

    @Option(names = "--prefix", defaultValue = "127.0.10.", description = "loopback /24 to use (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--rate", defaultValue = "20", description = "vote-bot requests per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--no-prometheus", description = "do not start Prometheus even if it is installed")
    boolean noPrometheus;

    @Option(names = "--repo", defaultValue = ".", description = "meshlens checkout (for alerts/ rules; default: ${DEFAULT-VALUE})")
    Path repo;

    @Option(names = "--duration", description = "stop after this long, e.g. 2m (default: until Ctrl-C)")
    Duration duration;

    @Option(names = "--refresh", defaultValue = "5s", description = "live stat refresh interval (default: ${DEFAULT-VALUE})")
    Duration refresh;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        LocalDemo demo = LocalDemo.start(new LocalDemo.Options(prefix, true, rate, !noPrometheus, repo));
        DashboardServer dashboard = startDashboard(demo);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            dashboard.close();
            demo.close();
            stopped.countDown();
        }, "meshlens-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String api = demo.exporterUrl().toString();
        out.println("meshlens demo: running (Ctrl-C stops everything)");
        out.println();
        out.println("  web      " + prefix + "1   app :8080, proxy inbound :4143, outbound :4140, admin :4191");
        out.println("  emoji    " + prefix + "2   gRPC app :8080, proxy inbound :4143, admin :4191");
        out.println("  voting   " + prefix + "3   gRPC app :8080, proxy inbound :4143, admin :4191");
        out.println("  vote-bot " + prefix + "4   " + rate + " req/s through its outbound proxy :4140, admin :4191");
        out.println("  exporter " + api + "   (/metrics, /api/v1/...)");
        out.println("  dashboard " + dashboard.url() + "   (open it in a browser)");
        demo.prometheusUrl().ifPresentOrElse(u -> out.println("  prometheus " + u + "   (rules from alerts/)"),
                () -> out.println("  prometheus: not started (install Debian's prometheus: bash scripts/setup.sh)"));
        out.println();
        out.println("Try, in another terminal (java -jar cli/target/meshlens.jar, or the meshlens script):");
        out.println("  meshlens stat deploy -n emojivoto                 # which deployment is failing?");
        out.println("  meshlens edges -n emojivoto                       # who calls whom");
        out.println("  meshlens routes deploy/voting -n emojivoto        # which endpoint?");
        out.println("  meshlens tap deploy/voting -n emojivoto --max 20  # the live requests");
        out.println("  meshlens top deploy/voting -n emojivoto           # the busiest paths");
        demo.prometheusUrl().ifPresent(u -> out.println("  meshlens stat deploy -n emojivoto --prometheus " + u + " -t 5m"));
        out.println();
        out.flush();

        ExporterApi exporter = new ExporterApi(demo.exporterUrl());
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        boolean shown = false;
        while (System.nanoTime() < end) {
            // Until the first stat with traffic, look every second: the first one comes as soon as there is data.
            if (stopped.await(shown ? refresh.toMillis() : 1000, TimeUnit.MILLISECONDS)) {
                return 0;
            }
            try {
                var stat = exporter.get("stat", Map.of("resource", "deploy", "namespace", LocalDemo.NAMESPACE, "window", "30s"));
                if (!shown && !hasTraffic(stat)) {
                    continue;
                }
                shown = true;
                out.println("--- meshlens stat deploy -n emojivoto (" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ")");
                StatView.print(stat, OutputFormat.table, false, out);
            } catch (ApiException e) {
                out.println("(exporter not answering yet: " + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            out.flush();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        dashboard.close();
        demo.close();
        return 0;
    }

    private static boolean hasTraffic(com.fasterxml.jackson.databind.JsonNode stat) {
        for (var row : stat.path("rows")) {
            if (row.path("rps").asDouble() > 0) {
                return true;
            }
        }
        return false;
    }

    private DashboardServer startDashboard(LocalDemo demo) {
        try {
            return DashboardServer.start(new DashboardServer.Options(new InetSocketAddress(prefix + "100", DASHBOARD_PORT),
                    demo.exporterUrl(), null, "", Duration.ofSeconds(3), "30s"));
        } catch (IOException e) {
            demo.close();
            throw new UncheckedIOException("dashboard: cannot listen on " + prefix + "100:" + DASHBOARD_PORT, e);
        }
    }
}
