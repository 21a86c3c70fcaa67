package io.meshlens.install.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.meshlens.install.kustomize.Rendered.Template;

/**
 * {@code kubectl kustomize} renders the bundle and each overlay; every rendered resource is a
 * known fabric8 type (prometheus-operator's two CRDs aside) with no field fabric8 does not know;
 * every container meets the security settings; RBAC is read-only and minimal; NetworkPolicies
 * cover every pod; every config map a pod mounts exists and holds the mixin's rendered files.
 */
class KustomizeRenderTest {
    static final List<String> OVERLAYS = List.of(".", "overlays/exporter-deployment", "overlays/rules-only",
            "overlays/prometheus-operator", "overlays/demo");
    /** Health endpoints each image really serves (docs/exporter.md, docs/proxy.md, upstream docs). */
    static final Map<String, Set<String>> PROBE_PATHS = Map.of(
            "exporter", Set.of("/ready", "/live"),
            "meshlens-proxy", Set.of("/ready", "/live"),
            "prometheus", Set.of("/-/ready", "/-/healthy"),
            "alertmanager", Set.of("/-/ready", "/-/healthy"),
            "grafana", Set.of("/api/health"));
    static final Set<String> EXPORTER_RESOURCES = Set.of("pods", "services", "nodes", "replicasets", "deployments",
            "statefulsets", "daemonsets", "jobs", "cronjobs", "endpointslices");

    @TempDir
    static Path tmp;
    static KustomizeTree tree;
    static final Map<String, Rendered> RENDERED = new HashMap<>();

    @BeforeAll
    static void render() {
        tree = new KustomizeTree(tmp);
        if (!tree.missing().isEmpty()) {
            System.err.println("KustomizeRenderTest: not rendered by the mixin yet, left out: " + tree.missing());
        }
        for (String o : OVERLAYS) {
            RENDERED.put(o, new Rendered(o, tree.render(o)));
        }
    }

    static Rendered r(String overlay) {
        return RENDERED.get(overlay);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "overlays/exporter-deployment", "overlays/rules-only", "overlays/prometheus-operator", "overlays/demo"})
    void everyResourceIsATypedModelWithNoUnknownFields(String overlay) {
        assertThat(r(overlay).resources).isNotEmpty();
        for (HasMetadata res : r(overlay).resources) {
            String id = res.getKind() + "/" + res.getMetadata().getName();
            if (res instanceof GenericKubernetesResource) {
                assertThat(res.getApiVersion()).as("%s: only prometheus-operator's CRDs are untyped", id).isEqualTo("monitoring.coreos.com/v1");
                assertThat(res.getKind()).as(id).isIn("ServiceMonitor", "PrometheusRule");
                assertThat(((GenericKubernetesResource) res).getAdditionalProperties()).as(id).containsKey("spec");
                continue;
            }
            assertThat(UnknownFields.find(res)).as("%s in %s: fields fabric8's model does not know", id, overlay).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "overlays/exporter-deployment", "overlays/rules-only", "overlays/prometheus-operator", "overlays/demo"})
    void everyContainerMeetsTheSecuritySettings(String overlay) {
        List<Template> templates = r(overlay).templates();
        assertThat(templates).isNotEmpty();
        for (Template t : templates) {
            PodSecurityContext pod = t.spec().getSecurityContext();
            assertThat(t.spec().getHostNetwork()).as("%s hostNetwork", t.ref()).isNotEqualTo(Boolean.TRUE);
            assertThat(t.spec().getHostPID()).as("%s hostPID", t.ref()).isNotEqualTo(Boolean.TRUE);
            List<Container> all = new ArrayList<>(t.spec().getContainers());
            all.addAll(t.spec().getInitContainers());
            for (Container c : all) {
                String id = overlay + " " + t.ref() + " container " + c.getName();
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(id + " securityContext").isNotNull();
                assertThat(sc.getPrivileged()).as(id + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getReadOnlyRootFilesystem()).as(id + " readOnlyRootFilesystem").isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).as(id + " allowPrivilegeEscalation").isFalse();
                assertThat(sc.getCapabilities().getDrop()).as(id + " capabilities.drop").containsExactly("ALL");
                String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
                        : pod != null && pod.getSeccompProfile() != null ? pod.getSeccompProfile().getType() : null;
                assertThat(seccomp).as(id + " seccompProfile").isEqualTo("RuntimeDefault");
                if (c.getName().equals("meshlens-init")) {
                    // The one exception: iptables in the pod's own network namespace.
                    assertThat(sc.getCapabilities().getAdd()).as(id + " capabilities.add").containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
                    assertThat(sc.getRunAsUser()).as(id).isEqualTo(0L);
                } else {
                    assertThat(sc.getCapabilities().getAdd()).as(id + " capabilities.add").isNullOrEmpty();
                    Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : pod == null ? null : pod.getRunAsNonRoot();
                    assertThat(nonRoot).as(id + " runAsNonRoot").isTrue();
                    Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : pod == null ? null : pod.getRunAsUser();
                    assertThat(uid).as(id + " runAsUser (numeric, so the kubelet can verify non-root)").isNotNull().isPositive();
                }
                assertThat(c.getResources().getRequests()).as(id + " requests").containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(id + " limits").containsKeys("cpu", "memory");
                boolean server = !c.getPorts().isEmpty();
                if (server) {
                    assertProbe(id + " readinessProbe", c, c.getReadinessProbe());
                    assertProbe(id + " livenessProbe", c, c.getLivenessProbe());
                }
            }
        }
    }

    private static void assertProbe(String id, Container c, Probe p) {
        assertThat(p).as(id).isNotNull();
        IntOrString port;
        if (p.getHttpGet() != null) {
            port = p.getHttpGet().getPort();
            Set<String> paths = PROBE_PATHS.get(c.getName());
            if (paths != null) {
                assertThat(p.getHttpGet().getPath()).as(id + " path").isIn(paths);
            }
        } else if (p.getTcpSocket() != null) {
            port = p.getTcpSocket().getPort();
        } else if (p.getGrpc() != null) {
            port = new IntOrString(p.getGrpc().getPort());
        } else {
            fail(id + ": expected an httpGet, tcpSocket or grpc probe on a port the container serves");
            return;
        }
        boolean declared = false;
        for (ContainerPort cp : c.getPorts()) {
            declared |= port.getIntVal() != null ? Objects.equals(cp.getContainerPort(), port.getIntVal()) : Objects.equals(cp.getName(), port.getStrVal());
        }
        assertThat(declared).as(id + ": port " + port + " is one the container declares").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "overlays/exporter-deployment", "overlays/rules-only", "overlays/prometheus-operator", "overlays/demo"})
    void meshlensResourcesCarryTheRecommendedLabelsAndLiveInTheirNamespace(String overlay) {
        for (HasMetadata res : r(overlay).resources) {
            String id = overlay + " " + res.getKind() + "/" + res.getMetadata().getName();
            Map<String, String> labels = Objects.requireNonNullElse(res.getMetadata().getLabels(), Map.of());
            if (Objects.equals(labels.get("app.kubernetes.io/part-of"), "emojivoto")) {
                if (!res.getKind().equals("Namespace")) {
                    assertThat(res.getMetadata().getNamespace()).as(id).isEqualTo("emojivoto");
                }
                continue;
            }
            assertThat(labels).as(id).containsEntry("app.kubernetes.io/part-of", "meshlens");
            if (!(res instanceof ConfigMap)) { // the mixin's rendered config maps name themselves
                assertThat(labels).as(id).containsKey("app.kubernetes.io/name");
            }
            if (res.getMetadata().getNamespace() != null && !labels.getOrDefault("app.kubernetes.io/name", "").equals("meshlens-proxy")) {
                assertThat(res.getMetadata().getNamespace()).as(id).isEqualTo("meshlens");
            }
        }
        for (Template t : r(overlay).templates()) {
            assertThat(t.meta().getLabels()).as(t.ref() + " pod labels").containsKey("app.kubernetes.io/name");
            if (t.namespace().equals("meshlens")) {
                assertThat(t.meta().getLabels()).as(t.ref() + " pod labels")
                        .containsKeys("app.kubernetes.io/component", "app.kubernetes.io/instance")
                        .containsEntry("app.kubernetes.io/part-of", "meshlens");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "overlays/exporter-deployment", "overlays/rules-only", "overlays/prometheus-operator", "overlays/demo"})
    void everyPodIsSelectedByAnIngressNetworkPolicy(String overlay) {
        List<NetworkPolicy> nps = r(overlay).all(NetworkPolicy.class);
        for (Template t : r(overlay).templates()) {
            boolean covered = nps.stream().anyMatch(np -> Objects.equals(np.getMetadata().getNamespace(), t.namespace())
                    && np.getSpec().getPolicyTypes().contains("Ingress")
                    && t.meta().getLabels().entrySet().containsAll(np.getSpec().getPodSelector().getMatchLabels().entrySet()));
            assertThat(covered).as("%s %s is selected by an Ingress NetworkPolicy", overlay, t.ref()).isTrue();
        }
    }

    @Test
    void onlyPrometheusAndPeerExportersReachTheExportersPort() {
        NetworkPolicy np = r(".").find(NetworkPolicy.class, "meshlens-exporter").orElseThrow();
        for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9995);
            // Prometheus scrapes; peer exporters read each other's live windows (/api/v1/shard).
            assertThat(rule.getFrom()).extracting(peer -> peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
                    .containsExactlyInAnyOrder("meshlens-prometheus", "meshlens-exporter");
            assertThat(rule.getFrom()).allSatisfy(peer -> {
                assertThat(peer.getPodSelector().getMatchLabels()).hasSize(1);
                assertThat(peer.getNamespaceSelector()).isNull(); // same namespace only
            });
        }
        // BYO monitoring: the user's Prometheus (any namespace) instead of ours, still only 9995.
        NetworkPolicy byo = r("overlays/rules-only").find(NetworkPolicy.class, "meshlens-exporter").orElseThrow();
        assertThat(byo.getSpec().getIngress().get(0).getFrom()).hasSize(2).anySatisfy(peer -> {
            assertThat(peer.getNamespaceSelector()).isNotNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "prometheus");
        }).anySatisfy(peer -> {
            assertThat(peer.getNamespaceSelector()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsExactly(java.util.Map.entry("app.kubernetes.io/name", "meshlens-exporter"));
        });
        assertThat(byo.getSpec().getIngress().get(0).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9995);
    }

    @Test
    void theProxyAdminPortIsOpenOnlyToTheExporter() {
        NetworkPolicy np = r("overlays/demo").all(NetworkPolicy.class, n -> n.getMetadata().getName().equals("meshlens-proxy-admin")).get(0);
        assertThat(np.getMetadata().getNamespace()).isEqualTo("emojivoto");
        for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
            boolean admin = rule.getPorts().stream().anyMatch(p -> {
                int from = p.getPort().getIntVal();
                int to = p.getEndPort() == null ? from : p.getEndPort();
                return "TCP".equals(p.getProtocol()) && from <= 4191 && 4191 <= to;
            });
            if (admin) {
                assertThat(rule.getFrom()).hasSize(1);
                NetworkPolicyPeer peer = rule.getFrom().get(0);
                assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "meshlens");
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "meshlens-exporter");
            }
        }
    }

    @Test
    void rbacIsReadOnlyAndOnlyWhatTheExporterWatches() {
        Rendered all = r(".");
        assertThat(all.all(ClusterRole.class)).extracting(c -> c.getMetadata().getName()).containsExactly("meshlens-exporter");
        ClusterRole role = all.all(ClusterRole.class).get(0);
        Set<String> resources = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            resources.addAll(rule.getResources());
        }
        assertThat(resources).isEqualTo(new TreeSet<>(EXPORTER_RESOURCES));
        ClusterRoleBinding b = all.all(ClusterRoleBinding.class).get(0);
        assertThat(b.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("meshlens-exporter");
            assertThat(s.getNamespace()).isEqualTo("meshlens");
        });
        for (Role r : all.all(Role.class)) {
            assertThat(r.getMetadata().getNamespace()).isEqualTo("meshlens");
            for (PolicyRule rule : r.getRules()) {
                assertThat(rule.getVerbs()).isSubsetOf("get", "list", "watch");
                assertThat(rule.getResources()).doesNotContain("secrets", "configmaps");
            }
        }
        // Only pods that talk to the API server get a token.
        for (Template t : all.templates()) {
            boolean api = Objects.equals(t.spec().getServiceAccountName(), "meshlens-exporter") || Objects.equals(t.spec().getServiceAccountName(), "meshlens-prometheus");
            if (!api) {
                assertThat(t.spec().getAutomountServiceAccountToken()).as(t.ref()).isFalse();
            }
        }
    }

    @Test
    void theExporterRunsPerNodeByDefaultAndAsOneDeploymentInTheVariant() throws IOException {
        DaemonSet ds = r(".").find(DaemonSet.class, "meshlens-exporter").orElseThrow();
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MESHLENS_EXPORTER_NODE_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        assertDocumentedExporterEnv(c);
        Rendered variant = r("overlays/exporter-deployment");
        assertThat(variant.find(DaemonSet.class, "meshlens-exporter")).isEmpty();
        Container d = variant.find(Deployment.class, "meshlens-exporter").orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(d.getEnv()).extracting(EnvVar::getName).doesNotContain("MESHLENS_EXPORTER_NODE_NAME");
        assertDocumentedExporterEnv(d);
    }

    /** Every MESHLENS_* variable the manifests set is one docs/exporter.md documents. */
    private static void assertDocumentedExporterEnv(Container c) throws IOException {
        String doc = Files.readString(KustomizeTree.repo().resolve("docs/exporter.md"), StandardCharsets.UTF_8);
        Set<String> documented = new HashSet<>();
        Matcher m = Pattern.compile("\\| `(MESHLENS_EXPORTER_[A-Z_]+)` \\|").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).isNotEmpty();
        assertThat(c.getEnv()).extracting(EnvVar::getName).filteredOn(n -> n.startsWith("MESHLENS")).isNotEmpty().allSatisfy(n -> assertThat(documented).contains(n));
    }

    @Test
    void bringYourOwnMonitoringKeepsTheExporterRulesAndDashboardsOnly() {
        for (String overlay : List.of("overlays/rules-only", "overlays/prometheus-operator")) {
            Rendered byo = r(overlay);
            assertThat(byo.find(DaemonSet.class, "meshlens-exporter")).as(overlay).isPresent();
            assertThat(byo.all(Deployment.class)).as(overlay).isEmpty();
            assertThat(byo.find(Service.class, "meshlens-exporter")).as(overlay).isPresent();
            assertThat(byo.configMaps("meshlens-prometheus-config")).as(overlay).isEmpty();
            if (tree.has("grafana/dashboards-configmap.yaml")) {
                assertThat(byo.configMaps("meshlens-grafana-dashboards")).as(overlay).isNotEmpty()
                        .allSatisfy(cm -> assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1"));
            }
        }
        if (tree.has("prometheus/rules-configmap.yaml")) {
            assertThat(r("overlays/rules-only").configMaps("meshlens-prometheus-rules")).hasSize(1);
        }
        Rendered op = r("overlays/prometheus-operator");
        assertThat(op.configMaps("meshlens-prometheus-rules")).isEmpty();
        GenericKubernetesResource sm = op.all(GenericKubernetesResource.class, g -> g.getKind().equals("ServiceMonitor")).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
        @SuppressWarnings("unchecked")
        Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
        assertThat(endpoint).containsEntry("port", "http").containsEntry("honorLabels", true);
        Service svc = op.find(Service.class, "meshlens-exporter").orElseThrow();
        assertThat(svc.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("http"));
        if (tree.has("components/prometheus-operator/kustomization.yaml")) {
            assertThat(op.all(GenericKubernetesResource.class, g -> g.getKind().equals("PrometheusRule"))).isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "overlays/exporter-deployment", "overlays/rules-only", "overlays/prometheus-operator", "overlays/demo"})
    void everyConfigMapAndSecretAPodNeedsIsInTheBundle(String overlay) {
        Rendered rd = r(overlay);
        for (Template t : rd.templates()) {
            for (Volume v : t.spec().getVolumes()) {
                List<io.fabric8.kubernetes.api.model.ConfigMapVolumeSource> sources = new ArrayList<>();
                if (v.getConfigMap() != null) {
                    sources.add(v.getConfigMap());
                }
                if (v.getProjected() != null) {
                    for (VolumeProjection p : v.getProjected().getSources()) {
                        if (p.getConfigMap() != null) {
                            sources.add(new io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder().withName(p.getConfigMap().getName())
                                    .withItems(p.getConfigMap().getItems()).withOptional(p.getConfigMap().getOptional()).build());
                        }
                    }
                }
                for (var src : sources) {
                    var cm = rd.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(src.getName())
                            && Objects.equals(c.getMetadata().getNamespace(), t.namespace())).findFirst();
                    boolean rendered = isMixinRendered(src.getName());
                    if (cm.isEmpty() && rendered && !tree.missing().isEmpty()) {
                        continue; // the mixin has not rendered it yet (reported in @BeforeAll)
                    }
                    assertThat(cm).as("%s %s volume %s: ConfigMap %s", overlay, t.ref(), v.getName(), src.getName()).isPresent();
                    if (src.getItems() != null) {
                        for (var item : src.getItems()) {
                            assertThat(cm.get().getData()).as("ConfigMap %s key %s (mounted by %s)", src.getName(), item.getKey(), t.ref())
                                    .containsKey(item.getKey());
                        }
                    }
                }
            }
            for (Container c : t.spec().getContainers()) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                            && !Boolean.TRUE.equals(e.getValueFrom().getSecretKeyRef().getOptional())) {
                        String name = e.getValueFrom().getSecretKeyRef().getName();
                        assertThat(rd.all(Secret.class, s -> s.getMetadata().getName().equals(name) && s.getMetadata().getNamespace().equals(t.namespace())))
                                .as("%s needs Secret %s", t.ref(), name).isNotEmpty();
                    }
                }
            }
        }
    }

    private static boolean isMixinRendered(String configMap) {
        return configMap.equals("meshlens-prometheus-rules") || configMap.equals("meshlens-alertmanager-config")
                || configMap.equals("meshlens-grafana-dashboard-providers") || configMap.startsWith("meshlens-grafana-dashboards");
    }

    @Test
    void everyRenderedDashboardsFileIsListedAndProjectedIntoGrafana() throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(tree.source.resolve("grafana"))) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dashboards-configmap") && n.endsWith(".yaml")).sorted().toList();
        }
        String kustomization = Files.readString(tree.source.resolve("grafana/kustomization.yaml"));
        for (String f : files) {
            assertThat(kustomization).as("grafana/kustomization.yaml must list %s", f).contains("  - " + f + "\n");
        }
        Deployment grafana = r(".").find(Deployment.class, "meshlens-grafana").orElseThrow();
        Volume dashboards = grafana.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("dashboards")).findFirst().orElseThrow();
        Set<String> projected = new TreeSet<>();
        dashboards.getProjected().getSources().forEach(s -> projected.add(s.getConfigMap().getName()));
        Set<String> rendered = new TreeSet<>();
        r(".").configMaps("meshlens-grafana-dashboards").forEach(c -> rendered.add(c.getMetadata().getName()));
        if (!rendered.isEmpty()) {
            assertThat(projected).as("every dashboards ConfigMap is projected into Grafana's dashboards volume").isEqualTo(rendered);
        }
    }

    @Test
    void theConfigMapsHoldExactlyTheMixinsRenderedFiles() throws IOException {
        Path repo = KustomizeTree.repo();
        Rendered all = r(".");
        if (tree.has("prometheus/rules-configmap.yaml")) {
            ConfigMap rules = all.configMaps("meshlens-prometheus-rules").get(0);
            for (String f : List.of("alerts/meshlens-rules.yaml", "alerts/meshlens-alerts.yaml")) {
                if (Files.exists(repo.resolve(f))) {
                    assertThat(yamls(rules.getData().values())).as("rules ConfigMap holds %s as rendered", f).contains(yaml(Files.readString(repo.resolve(f))));
                }
            }
            // Prometheus reads the mounted rules (rule_files globs the mount path).
            assertThat(Files.readString(tree.source.resolve("prometheus/prometheus.yml"))).contains("/etc/prometheus/rules/*.yaml");
            assertThat(rules.getData().keySet()).allSatisfy(k -> assertThat(k).matches(".*\\.ya?ml"));
        }
        if (tree.has("alertmanager/config-configmap.yaml") && Files.exists(repo.resolve("alerts/alertmanager.yml"))) {
            ConfigMap am = all.configMaps("meshlens-alertmanager-config").get(0);
            assertThat(yaml(am.getData().get("alertmanager.yml"))).isEqualTo(yaml(Files.readString(repo.resolve("alerts/alertmanager.yml"))));
        }
        if (tree.has("grafana/dashboards-configmap.yaml") && Files.isDirectory(repo.resolve("grafana/dashboards"))) {
            List<Object> values = new ArrayList<>();
            all.configMaps("meshlens-grafana-dashboards").forEach(c -> values.addAll(yamls(c.getData().values())));
            try (Stream<Path> s = Files.list(repo.resolve("grafana/dashboards"))) {
                List<Path> dashboards = s.filter(p -> p.toString().endsWith(".json")).toList();
                assertThat(values).as("one ConfigMap entry per dashboard").hasSameSizeAs(dashboards);
                for (Path json : dashboards) {
                    assertThat(values).as("dashboards ConfigMaps hold %s as rendered", json.getFileName()).contains(yaml(Files.readString(json)));
                }
            }
            all.configMaps("meshlens-grafana-dashboards").forEach(c -> assertThat(c.getData().values().stream().mapToInt(String::length).sum())
                    .as("%s under 256 KiB", c.getMetadata().getName()).isLessThan(256 * 1024));
        }
        Path ds = repo.resolve("grafana/provisioning/datasources/meshlens.yaml");
        if (Files.exists(ds)) {
            ConfigMap datasources = all.configMaps("meshlens-grafana-datasources").get(0);
            assertThat(yaml(datasources.getData().get("meshlens.yaml"))).as("kustomize/grafana/datasources.yaml equals the mixin's %s", ds)
                    .isEqualTo(yaml(Files.readString(ds)));
        }
        if (tree.has("grafana/provisioning-configmap.yaml")) {
            ConfigMap prov = all.configMaps("meshlens-grafana-dashboard-providers").get(0);
            Path db = repo.resolve("grafana/provisioning/dashboards/meshlens.yaml");
            if (Files.exists(db)) {
                assertThat(yamls(prov.getData().values())).contains(yaml(Files.readString(db)));
            }
            // The provider's folder is where Grafana mounts the dashboards.
            Set<String> paths = new TreeSet<>();
            for (String v : prov.getData().values()) {
                Matcher m = Pattern.compile("(?m)^\\s*path:\\s*['\"]?([^'\"\\s]+)").matcher(v);
                while (m.find()) {
                    paths.add(m.group(1));
                }
            }
            assertThat(paths).as("dashboards provider options.path").hasSize(1);
            Deployment grafana = all.find(Deployment.class, "meshlens-grafana").orElseThrow();
            assertThat(grafana.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                    .filteredOn(vm -> vm.getName().equals("dashboards")).extracting(VolumeMount::getMountPath).containsExactlyElementsOf(paths);
        }
    }

    /** Parsed YAML (JSON is YAML), so that formatting and the generated-file banner do not matter. */
    private static Object yaml(String text) {
        return new Load(LoadSettings.builder().setCodePointLimit(16 * 1024 * 1024).build()).loadFromString(text);
    }

    private static List<Object> yamls(java.util.Collection<String> texts) {
        return texts.stream().map(KustomizeRenderTest::yaml).toList();
    }

    @Test
    void theDemoOverlayHoldsTheInjectedApp() {
        Rendered demo = r("overlays/demo");
        List<Template> apps = demo.templates().stream().filter(t -> t.namespace().equals("emojivoto")).toList();
        assertThat(apps).extracting(Template::ref).containsExactlyInAnyOrder("deployment/web", "deployment/emoji", "deployment/voting", "deployment/vote-bot");
        for (Template t : apps) {
            assertThat(t.spec().getInitContainers()).extracting(Container::getName).containsExactly("meshlens-init", "meshlens-proxy");
            assertThat(t.meta().getLabels()).containsEntry("meshlens.io/meshed", "true");
            assertThat(t.meta().getAnnotations()).containsEntry("meshlens.io/admin-port", "4191");
        }
        assertThat(demo.find(DaemonSet.class, "meshlens-exporter")).isPresent();
    }
}
