package io.meshlens.install.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.meshlens.kubetesting.ControlPlane;
import io.meshlens.kubetesting.Kubectl;

/**
 * What {@code meshlens inject} prints is accepted by a real API server (schema, defaulting,
 * validation of native sidecars, admission), and applying the output of a second injection
 * changes nothing the server stores.
 */
class InjectApplyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static ControlPlane k8s;
    static Kubectl kubectl;

    @BeforeAll
    static void start() {
        k8s = ControlPlane.start(ControlPlane.Options.DEFAULT);
        kubectl = k8s.kubectl();
        // Meshed namespaces carry the documented Pod Security exception (docs/install.md#pod-security).
        k8s.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        k8s.createDefaultServiceAccounts("default", "shop");
    }

    @AfterAll
    static void stop() {
        if (k8s != null) {
            k8s.close();
        }
    }

    /**
     * Every golden input and the demo app. Not {@code kubectl-get-json}: inject answers JSON input
     * with YAML flow additions (unquoted keys), which kubectl, seeing a leading '{', parses as JSON
     * and rejects (docs/install.md, "Add a workload").
     */
    static Stream<String> inputs() throws Exception {
        List<String> out = new ArrayList<>(InjectGoldenTest.cases().filter(c -> !c.equals("kubectl-get-json"))
                .map(c -> "inject/" + c + ".input.yaml").toList());
        out.add("demo/emojivoto.yaml");
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("inputs")
    void injectedOutputIsAcceptedAndInjectingAgainChangesNothing(String input) throws Exception {
        Injector injector = new Injector(InjectOptions.defaults());
        String once = injector.inject(Files.readString(Paths.get("src/test/resources", input))).yaml();
        Path file = tmp.resolve(input.replace('/', '-'));
        Files.writeString(file, once);
        Kubectl.Result applied = kubectl.run("apply", "--server-side", "--field-manager=meshlens-inject", "-f", file.toString());
        assertThat(applied.ok()).as("%s", applied).isTrue();
        JsonNode first = stored(file);
        for (JsonNode item : first.get("items")) {
            JsonNode template = template(item);
            if (template != null && template.path("metadata").path("labels").path(MeshlensNames.LABEL_MESHED).asText().equals("true")) {
                JsonNode proxy = container(template.path("spec").path("initContainers"), MeshlensNames.PROXY_CONTAINER);
                JsonNode regular = container(template.path("spec").path("containers"), MeshlensNames.PROXY_CONTAINER);
                assertThat(proxy != null || regular != null).as("%s keeps its proxy", name(item)).isTrue();
                if (proxy != null) {
                    assertThat(proxy.path("restartPolicy").asText()).as("native sidecar of %s", name(item)).isEqualTo("Always");
                }
            }
        }

        String twice = injector.inject(once).yaml();
        assertThat(twice).isEqualTo(once);
        Files.writeString(file, twice);
        Kubectl.Result again = kubectl.run("apply", "--server-side", "--field-manager=meshlens-inject", "-f", file.toString());
        assertThat(again.ok()).as("%s", again).isTrue();
        JsonNode second = stored(file);
        for (int i = 0; i < first.get("items").size(); i++) {
            JsonNode a = first.get("items").get(i).get("metadata");
            JsonNode b = second.get("items").get(i).get("metadata");
            assertThat(b.get("resourceVersion")).as("%s was not written again", name(first.get("items").get(i)))
                    .isEqualTo(a.get("resourceVersion"));
            assertThat(b.path("generation")).isEqualTo(a.path("generation"));
        }
    }

    private static JsonNode stored(Path file) throws Exception {
        Kubectl.Result got = kubectl.run("get", "-f", file.toString(), "-o", "json");
        assertThat(got.ok()).as("%s", got).isTrue();
        JsonNode n = JSON.readTree(got.stdout());
        return n.has("items") ? n : JSON.createObjectNode().set("items", JSON.createArrayNode().add(n));
    }

    private static JsonNode template(JsonNode item) {
        return switch (item.path("kind").asText()) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> item.path("spec").path("template");
            case "CronJob" -> item.path("spec").path("jobTemplate").path("spec").path("template");
            case "Pod" -> item;
            default -> null;
        };
    }

    private static JsonNode container(JsonNode list, String name) {
        for (JsonNode c : list) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    private static String name(JsonNode item) {
        return item.path("kind").asText() + "/" + item.path("metadata").path("name").asText();
    }
}
