package io.meshlens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.meshlens.cli.dashboard.DashboardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens dashboard}: the live web dashboard (namespaces, a namespace's workloads and
 * dependency graph, a workload's traffic, routes, top and tap), served on loopback from the
 * exporter's live API until Ctrl-C.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serve the live web dashboard on 127.0.0.1 (Ctrl-C stops it).")
public final class DashboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:MESHLENS_API:-" + ApiOptions.DEFAULT_API + "}",
            description = "the meshlens exporter's address (default: $MESHLENS_API or ${DEFAULT-VALUE}); "
                    + "in a cluster: kubectl -n meshlens port-forward svc/meshlens-exporter 9995")
    URI api;

    @Option(names = "--address", defaultValue = "127.0.0.1", description = "loopback address to listen on (default: ${DEFAULT-VALUE})")
    String address;

    @Option(names = "--port", defaultValue = "50750", description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--grafana", paramLabel = "URL", defaultValue = "${env:MESHLENS_GRAFANA}",
            description = "Grafana with the meshlens dashboards, for links from each workload (default: $MESHLENS_GRAFANA; none: no links)")
    URI grafana;

    @Option(names = "--tap-token-file", paramLabel = "FILE",
            description = "file holding the tap bearer token the dashboard presents to the exporter (default: $MESHLENS_TAP_TOKEN); "
                    + "it never reaches the browser")
    Path tapTokenFile;

    @Option(names = "--refresh", defaultValue = "3s", description = "how often the pages refresh (default: ${DEFAULT-VALUE})")
    Duration refresh;

    @Option(names = {"-t", "--window"}, defaultValue = "1m", description = "the window of rates and latencies (default: ${DEFAULT-VALUE})")
    String window;

    @Option(names = "--duration", description = "stop after this long, e.g. 10m (default: until Ctrl-C)")
    Duration duration;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        DashboardServer server;
        try {
            server = DashboardServer.start(new DashboardServer.Options(listen(), api, grafana, tapToken(), refresh, window));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "port: " + port + " on " + address + " cannot be used ("
                    + e.getMessage() + "); hint: pass --port 0 for any free port", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "meshlens-dashboard-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("meshlens dashboard: " + server.url() + "  (exporter " + api + ", Ctrl-C stops it)");
        out.flush();
        if (duration == null) {
            stopped.await();
        } else if (!stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
        }
        return 0;
    }

    private InetSocketAddress listen() {
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "address: '" + address + "' (expected: a loopback address such as 127.0.0.1)");
        }
    }

    private String tapToken() {
        if (tapTokenFile == null) {
            String env = System.getenv("MESHLENS_TAP_TOKEN");
            return env == null ? "" : env.strip();
        }
        try {
            return Files.readString(tapTokenFile).strip();
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--tap-token-file: '" + tapTokenFile + "' cannot be read ("
                    + e.getMessage() + "; expected: a file holding the exporter's tap token)", e);
        }
    }
}
