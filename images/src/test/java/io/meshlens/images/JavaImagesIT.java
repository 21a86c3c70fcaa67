package io.meshlens.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Java images and their base: every one starts with the base's layer (one download per node
 * for all of them), and the base's runtime has every JDK module their jars need: jdeps over the
 * jars and classes exactly as the Jib images hold them must name no module outside
 * install/images/jlink-modules (the list scripts/images.sh jlinks).
 */
class JavaImagesIT {
    private static final List<String> JAVA_IMAGES = List.of("proxy", "exporter", "cli", "demo");

    @Test
    void everyJavaImageStartsWithTheBaseLayer(@TempDir Path tmp) throws Exception {
        String base = diffIds(PodmanImages.tarball("base"), tmp.resolve("base")).get(0);
        for (String image : JAVA_IMAGES) {
            List<String> layers = diffIds(PodmanImages.tarball(image), tmp.resolve(image));
            assertThat(layers.get(0)).as("%s's first layer", image).isEqualTo(base);
            assertThat(layers).as("%s: the base, then dependencies, resources and classes", image).hasSizeGreaterThan(1);
        }
    }

    @Test
    void theBaseRuntimeHasEveryModuleTheImagesNeed(@TempDir Path tmp) throws Exception {
        TreeMap<String, Path> jars = new TreeMap<>();
        List<Path> classes = new ArrayList<>();
        for (String image : JAVA_IMAGES) {
            Path root = unpack(PodmanImages.tarball(image), tmp.resolve(image));
            // Jib's layouts: dependency jars in app/libs, then the module's own classes either as
            // app/classes or packaged in app/classpath (the proxy: its class-data archive needs jars)
            for (String dir : List.of("app/libs", "app/classpath")) {
                if (Files.isDirectory(root.resolve(dir))) {
                    try (Stream<Path> libs = Files.list(root.resolve(dir))) {
                        libs.forEach(j -> jars.putIfAbsent(j.getFileName().toString(), j));
                    }
                }
            }
            if (Files.isDirectory(root.resolve("app/classes"))) {
                classes.add(root.resolve("app/classes"));
            }
        }
        List<String> args = new ArrayList<>(List.of("--print-module-deps", "--ignore-missing-deps", "--multi-release", "17", "--no-recursive",
                "--class-path", String.join(":", jars.values().stream().map(Path::toString).toList())));
        // Every jar is an input, so nothing needs following beyond them.
        jars.values().forEach(j -> args.add(j.toString()));
        classes.forEach(c -> args.add(c.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ToolProvider.findFirst("jdeps").orElseThrow()
                .run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertThat(exit).as("jdeps: %s", err).isZero();
        String[] lines = out.toString().strip().split("\\R");
        List<String> needed = Arrays.asList(lines[lines.length - 1].split(","));

        List<String> jlinked = Files.readAllLines(Manifests.repo().resolve("install/images/jlink-modules")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(jlinked).as("install/images/jlink-modules (hint: add what jdeps names, then bash scripts/images.sh)")
                .containsAll(needed);
    }

    /** The image's layer diff ids, in order (from its config). */
    private static List<String> diffIds(Path tarball, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        tar("-xf", tarball.toString(), "-C", dir.toString(), "manifest.json");
        String config = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).get(0).get("Config").asText();
        tar("-xf", tarball.toString(), "-C", dir.toString(), config);
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(dir.resolve(config).toFile()).get("rootfs").get("diff_ids").forEach(d -> ids.add(d.asText()));
        return ids;
    }

    /** The image's layers, in order, unpacked into DIR. */
    private static Path unpack(Path tarball, Path dir) throws IOException, InterruptedException {
        Path archive = dir.resolve("archive");
        Path root = dir.resolve("root");
        Files.createDirectories(archive);
        Files.createDirectories(root);
        tar("-xf", tarball.toString(), "-C", archive.toString());
        JsonNode manifest = new ObjectMapper().readTree(archive.resolve("manifest.json").toFile()).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            tar("-xf", archive.resolve(layer.asText()).toString(), "-C", root.toString(), "--exclude=dev/*");
        }
        return root;
    }

    private static void tar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tar"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, output).isZero();
    }
}
