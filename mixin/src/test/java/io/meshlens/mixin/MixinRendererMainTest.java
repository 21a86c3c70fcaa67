package io.meshlens.mixin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.meshlens.mixin.testing.Repo;

/**
 * The renderer's command line (what scripts/render-mixin.sh runs) on a copy of jsonnet/: it
 * writes every file, removes stale dashboards, leaves unchanged files alone, and reports jsonnet
 * errors with the file and line.
 */
class MixinRendererMainTest {
    @TempDir
    Path root;

    private void copyJsonnet() throws IOException {
        Path from = Repo.root().resolve("jsonnet");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = root.resolve("jsonnet").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    @Test
    void writesEveryFileAndRemovesStaleOnes() throws Exception {
        copyJsonnet();
        Path stale = root.resolve("grafana/dashboards/meshlens-old.json");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "{}");
        Path staleMap = root.resolve("kustomize/grafana/dashboards-configmap-9.yaml");
        Files.createDirectories(staleMap.getParent());
        Files.writeString(staleMap, "kind: ConfigMap\n");

        MixinRenderer.main(new String[] {root.toString()});

        List<RenderedFile> expected = MixinRenderer.render(root);
        for (RenderedFile f : expected) {
            assertThat(root.resolve(f.path())).hasContent(f.content());
        }
        assertThat(stale).doesNotExist();
        assertThat(staleMap).doesNotExist();

        // a second run rewrites nothing
        Path dashboard = root.resolve("grafana/dashboards/meshlens-workload.json");
        FileTime before = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(dashboard, before);
        MixinRenderer.main(new String[] {root.toString()});
        assertThat(Files.getLastModifiedTime(dashboard)).isEqualTo(before);
    }

    @Test
    void aJsonnetErrorNamesTheFile() throws Exception {
        copyJsonnet();
        Files.writeString(root.resolve("jsonnet/config.libsonnet"), "{ _config+:: { broken: } }");
        assertThatThrownBy(() -> MixinRenderer.render(root)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("config.libsonnet");
    }
}
