package io.meshlens.cli;

import java.io.PrintWriter;

import io.meshlens.cli.api.ApiException;
import io.meshlens.exporter.ExporterConfig;
import io.meshlens.proxy.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code meshlens} command line. Exit codes: 0 success, 1 a check failed or
 * the exporter/Prometheus could not answer (the message says why), 2 bad usage.
 */
@Command(name = "meshlens", mixinStandardHelpOptions = true, versionProvider = Meshlens.ClientVersion.class,
        description = "Zero-code-change observability for microservices.",
        subcommands = {StatCommand.class, TopCommand.class, TapCommand.class, EdgesCommand.class, RoutesCommand.class,
            CheckCommand.class, InjectCommand.class, VersionCommand.class, DemoCommand.class, DashboardCommand.class, GenerateCommand.class})
public final class Meshlens {
    public static final int EXIT_FAILURE = 1;

    private Meshlens() {}

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; the entry point of tests as well. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new Meshlens());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // Durations as Prometheus writes them (10s, 1m, 500ms), the same parser as the exporter's config.
        cmd.registerConverter(java.time.Duration.class, v -> ExporterConfig.parseDuration("duration", v));
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof ApiException) {
                c.getErr().println("meshlens " + c.getCommandName() + ": " + e.getMessage());
                c.getErr().flush();
                return EXIT_FAILURE;
            }
            throw e;
        });
        return cmd.execute(args);
    }

    /** {@code meshlens --version}. */
    static final class ClientVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"meshlens " + Version.VERSION};
        }
    }
}
