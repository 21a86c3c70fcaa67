package io.meshlens.cli;

import java.net.URI;

import io.meshlens.cli.api.ExporterApi;
import io.meshlens.cli.render.OutputFormat;
import picocli.CommandLine.Option;

/** Options every command that reads the exporter shares. */
public final class ApiOptions {
    /** Where the local demo's exporter listens; {@code MESHLENS_API} overrides it. */
    static final String DEFAULT_API = "http://127.0.10.100:9995";

    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:MESHLENS_API:-" + DEFAULT_API + "}",
            description = "the meshlens exporter's address (default: $MESHLENS_API or ${DEFAULT-VALUE}); "
                    + "in a cluster: kubectl -n meshlens port-forward svc/meshlens-exporter 9995")
    URI api;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "table|wide|json",
            description = "output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    @Option(names = {"-n", "--namespace"}, defaultValue = "", description = "namespace (default: all)")
    String namespace;

    /** The exporter's API; an answer that lacks a node's window is flagged on stderr, as kubectl warns. */
    ExporterApi exporter() {
        return new ExporterApi(api, System.err::println);
    }
}
