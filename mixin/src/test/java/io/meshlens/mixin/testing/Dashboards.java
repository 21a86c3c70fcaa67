package io.meshlens.mixin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The rendered dashboards as JSON trees, and their panels and targets. */
public final class Dashboards {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Dashboards() {}

    public static List<JsonNode> load(Path root) {
        try (Stream<Path> s = Files.list(root.resolve("grafana/dashboards"))) {
            List<JsonNode> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(JSON.readTree(p.toFile()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel, including those nested in collapsed rows. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    public static List<String> variableNames(JsonNode dashboard) {
        List<String> names = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }
}
