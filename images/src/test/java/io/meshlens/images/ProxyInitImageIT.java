package io.meshlens.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.meshlens.install.inject.InjectOptions;
import io.meshlens.install.inject.Injector;

/**
 * The proxy-init image runs the script {@code meshlens inject} writes, exactly as the injected
 * init container says (root with only NET_ADMIN and NET_RAW, read-only root, its memory limit),
 * in a network namespace of its own ({@code --network none}), and leaves the redirect rules.
 */
@ExtendWith(PodmanImages.class)
class ProxyInitImageIT {
    private static final String APP = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/shop/api:5.1
                      ports: [{containerPort: 9000}]
            """;

    @Test
    void runsTheInjectedScriptAndLeavesTheRedirectRules(Podman podman) throws Exception {
        ContainerSettings init = injectedInitContainer();
        assertThat(init.image()).isEqualTo(PodmanImages.image("proxy-init"));
        assertThat(init.capabilitiesDropped()).containsExactly("ALL");
        assertThat(init.capabilitiesAdded()).containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");

        Podman.Result r = podman.run(options(init), init.image(), init.args());

        assertThat(r.exit()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output().lines()).contains(
                "-A PREROUTING -p tcp -j MESHLENS_INBOUND",
                "-A OUTPUT -p tcp -j MESHLENS_OUTBOUND",
                "-A MESHLENS_INBOUND -p tcp -m multiport --dports 9000 -j REDIRECT --to-ports 4143",
                "-A MESHLENS_OUTBOUND -m owner --uid-owner 2102 -j RETURN",
                "-A MESHLENS_OUTBOUND -p tcp -j REDIRECT --to-ports 4140");
    }

    @Test
    void withoutNetAdminTheScriptFails(Podman podman) throws Exception {
        ContainerSettings init = injectedInitContainer();
        List<String> options = options(init);
        int add = options.indexOf("NET_ADMIN");
        options.subList(add - 1, add + 1).clear();

        Podman.Result r = podman.run(options, init.image(), init.args());

        assertThat(r.exit()).as("exit code; output:%n%s", r.output()).isNotZero();
        assertThat(r.output()).containsIgnoringCase("permission denied");
    }

    private static ContainerSettings injectedInitContainer() throws Exception {
        String injected = new Injector(InjectOptions.defaults()).inject(APP).yaml();
        return Manifests.parse(injected).podTemplate("Deployment/api").container("meshlens-init");
    }

    private static List<String> options(ContainerSettings init) {
        List<String> options = new ArrayList<>(List.of("--network", "none"));
        options.addAll(init.podmanOptions(init.env()));
        return options;
    }
}
