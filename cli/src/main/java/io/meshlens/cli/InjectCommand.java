package io.meshlens.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.concurrent.Callable;

import io.meshlens.install.inject.InjectException;
import io.meshlens.install.inject.InjectOptions;
import io.meshlens.install.inject.InjectResult;
import io.meshlens.install.inject.Injector;
import io.meshlens.install.intercept.PortRanges;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens inject FILE|-}: the manifests with the meshlens proxy added, on stdout; one line
 * per resource on stderr. Nothing is written to stdout unless every document could be handled.
 *
 * <pre>
 * meshlens inject deploy.yaml | kubectl apply -f -
 * kubectl get deploy -n shop -o yaml | meshlens inject - | kubectl apply -f -
 * </pre>
 */
@Command(name = "inject", mixinStandardHelpOptions = true,
        description = {"Add the meshlens proxy to Kubernetes manifests (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, Lists).",
            "Writes the result to stdout and a summary to stderr. Injecting twice equals injecting once."})
public final class InjectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "a YAML file with one or more documents, or - for stdin")
    String input;

    @Option(names = "--proxy-image", description = "proxy image (default: ghcr.io/meshlens/proxy:<version>)")
    String proxyImage;

    @Option(names = "--init-image", description = "init container image with iptables (default: ghcr.io/meshlens/proxy-init:<version>)")
    String initImage;

    @Option(names = "--proxy-uid", defaultValue = "2102", description = "uid the proxy runs as; its traffic is not intercepted (default: ${DEFAULT-VALUE})")
    int proxyUid;

    @Option(names = "--skip-inbound-ports", defaultValue = "", paramLabel = "PORTS",
            description = "inbound ports not to intercept, e.g. 25,3306-3307 (per workload: annotation meshlens.io/skip-inbound-ports)")
    String skipInbound;

    @Option(names = "--skip-outbound-ports", defaultValue = "", paramLabel = "PORTS",
            description = "destination ports not to intercept, e.g. 5432,6379 (per workload: annotation meshlens.io/skip-outbound-ports)")
    String skipOutbound;

    @Option(names = "--native-sidecar", defaultValue = "always", paramLabel = "always|auto|never",
            description = "run the proxy as a native sidecar (init container with restartPolicy: Always; Kubernetes >= 1.29); "
                    + "auto: for Jobs, CronJobs and run-to-completion Pods only; never: for older clusters (default: ${DEFAULT-VALUE})")
    String nativeSidecar;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InjectOptions options;
        try {
            InjectOptions.Builder b = InjectOptions.builder()
                    .proxyUid(proxyUid)
                    .skipInboundPorts(PortRanges.parse(skipInbound))
                    .skipOutboundPorts(PortRanges.parse(skipOutbound))
                    .nativeSidecar(InjectOptions.NativeSidecar.valueOf(nativeSidecar.toUpperCase(java.util.Locale.ROOT)));
            if (proxyImage != null) {
                b.proxyImage(proxyImage);
            }
            if (initImage != null) {
                b.initImage(initImage);
            }
            options = b.build();
        } catch (IllegalArgumentException e) {
            err.println("meshlens inject: " + e.getMessage());
            return 2;
        }
        String yaml;
        try {
            yaml = input.equals("-") ? read(System.in) : Files.readString(Paths.get(input), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println("meshlens inject: " + input + ": no such file");
            return 1;
        } catch (IOException e) {
            err.println("meshlens inject: cannot read " + input + ": " + e.getMessage());
            return 1;
        }
        InjectResult result;
        try {
            result = new Injector(options).inject(yaml);
        } catch (InjectException e) {
            err.println("meshlens inject: " + (input.equals("-") ? "stdin" : input) + ": " + e.getMessage());
            return 1;
        }
        out.print(result.yaml());
        out.flush();
        err.print(result.summary());
        err.flush();
        return 0;
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
