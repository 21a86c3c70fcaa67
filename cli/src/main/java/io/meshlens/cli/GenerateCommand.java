package io.meshlens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.meshlens.mixin.MixinRenderer;
import io.meshlens.mixin.RenderedFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshlens generate [ROOT]}: renders {@code jsonnet/} into {@code grafana/}, {@code alerts/}
 * and the kustomize config maps (the mixin's renderer); {@code --check} only reports drift.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Render the monitoring mixin (jsonnet/) into grafana/, alerts/ and kustomize/ config maps.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", defaultValue = ".", paramLabel = "ROOT", description = "the meshlens checkout (default: ${DEFAULT-VALUE})")
    Path root;

    @Option(names = "--check", description = "write nothing; exit 1 and list the files that differ from a fresh render")
    boolean check;

    @Override
    public Integer call() throws IOException {
        Path r = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(r.resolve("jsonnet/mixin.libsonnet"))) {
            spec.commandLine().getErr().println("meshlens generate: " + r + " has no jsonnet/mixin.libsonnet (expected: a meshlens checkout)");
            return 2;
        }
        if (!check) {
            MixinRenderer.main(new String[] {r.toString()});
            return 0;
        }
        PrintWriter out = spec.commandLine().getOut();
        List<RenderedFile> files = MixinRenderer.render(r);
        List<String> drift = new ArrayList<>();
        for (RenderedFile f : files) {
            Path p = r.resolve(f.path());
            if (!Files.exists(p) || !Files.readString(p, StandardCharsets.UTF_8).equals(f.content())) {
                drift.add(f.path());
            }
        }
        MixinRenderer.staleFiles(r, files).forEach(p -> drift.add(r.relativize(p) + " (stale)"));
        drift.forEach(d -> out.println("differs: " + d));
        out.println(drift.isEmpty() ? "all " + files.size() + " rendered files are up to date" : drift.size() + " file(s) differ: run meshlens generate");
        out.flush();
        return drift.isEmpty() ? 0 : Meshlens.EXIT_FAILURE;
    }
}
