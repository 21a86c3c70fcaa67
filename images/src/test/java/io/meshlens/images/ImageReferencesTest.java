package io.meshlens.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.meshlens.exporter.ExporterVersion;
import io.meshlens.install.inject.InjectOptions;
import io.meshlens.install.inject.Injector;
import io.meshlens.proxy.Version;

/**
 * Every {@code ghcr.io/meshlens/*} image the bundle (base and every overlay) and {@code meshlens
 * inject} reference is one the build produces, with the tag the build gives it: the project
 * version, which is also what {@code Version} reports.
 */
class ImageReferencesTest {
    private static final Pattern JIB_IMAGE = Pattern.compile("<to><image>(ghcr\\.io/meshlens/[a-z-]+):\\$\\{project\\.version}</image></to>");
    private static final Pattern SCRIPT_IMAGE = Pattern.compile("\"(ghcr\\.io/meshlens/[a-z-]+):\\$\\(project_version\\)\"");

    @Test
    void versionIsTheProjectVersion() {
        assertThat(Version.VERSION).isEqualTo(PodmanImages.version());
        assertThat(ExporterVersion.VERSION).isEqualTo(PodmanImages.version());
    }

    @Test
    void everyReferencedImageIsBuiltWithTheSameTag() throws Exception {
        Set<String> produced = produced();
        assertThat(produced).containsExactlyInAnyOrder(PodmanImages.IMAGES.stream().map(PodmanImages::image).toArray(String[]::new));

        Set<String> referenced = new TreeSet<>();
        for (String bundle : Manifests.BUNDLES) {
            for (PodTemplate t : Manifests.render(bundle).podTemplates()) {
                t.images().stream().filter(i -> i.startsWith("ghcr.io/meshlens/")).forEach(i -> referenced.add(bundle + ": " + i));
            }
        }
        String injected = new Injector(InjectOptions.defaults()).inject("""
                apiVersion: v1
                kind: Pod
                metadata: {name: app}
                spec:
                  containers: [{name: app, image: registry.example.com/app:1, ports: [{containerPort: 8080}]}]
                """).yaml();
        Manifests.parse(injected).podTemplates().forEach(t -> t.images().stream().filter(i -> i.startsWith("ghcr.io/meshlens/"))
                .forEach(i -> referenced.add("inject: " + i)));

        assertThat(referenced).as("references").isNotEmpty();
        for (String ref : referenced) {
            String image = ref.substring(ref.indexOf(": ") + 2);
            assertThat(produced).as("%s: not an image the build produces (expected one of %s; hint: the tag is the root pom's"
                    + " <revision>, the names are the Jib <to> images and scripts/images.sh's proxy-init)", ref, produced)
                    .contains(image);
        }
        assertThat(referenced).as("the base bundle runs the exporter").contains("kustomize: " + PodmanImages.image("exporter"));
        assertThat(referenced).as("inject adds the proxy and its init container")
                .contains("inject: " + PodmanImages.image("proxy"), "inject: " + PodmanImages.image("proxy-init"));
        assertThat(referenced).as("the demo overlay runs the demo image")
                .contains("kustomize/overlays/demo: " + PodmanImages.image("demo"));
    }

    /** The images the build tags: Jib's {@code <to>} of each image module and the script's proxy-init. */
    private static Set<String> produced() throws IOException {
        Set<String> produced = new TreeSet<>();
        for (String module : new String[] {"proxy", "exporter", "cli", "demo"}) {
            Matcher m = JIB_IMAGE.matcher(Files.readString(Manifests.repo().resolve(module).resolve("pom.xml")));
            assertThat(m.find()).as("%s/pom.xml has a Jib <to><image>ghcr.io/meshlens/NAME:${project.version}", module).isTrue();
            produced.add(m.group(1) + ":" + PodmanImages.version());
        }
        Matcher m = SCRIPT_IMAGE.matcher(Files.readString(Manifests.repo().resolve("scripts/images.sh")));
        while (m.find()) {
            produced.add(m.group(1) + ":" + PodmanImages.version());
        }
        return produced;
    }
}
