package io.meshlens.install.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.meshlens.install.kustomize.UnknownFields;

/** Inject's behaviour beyond the golden files: safety, errors, what the exporter relies on. */
class InjectorTest {
    private final Injector injector = new Injector(InjectOptions.defaults());
    private final KubernetesSerialization k8s = new KubernetesSerialization();

    @Test
    void injectedDeploymentIsAValidTypedObjectWithWhatTheExporterReads() throws Exception {
        String out = injector.inject(InjectGoldenTest.read("deployment-two-containers.input.yaml")).yaml();
        Deployment d = k8s.unmarshal(out, Deployment.class);
        assertThat(UnknownFields.find(d)).isEmpty();
        PodTemplateSpec t = d.getSpec().getTemplate();
        assertThat(t.getMetadata().getLabels()).containsEntry("meshlens.io/meshed", "true").containsEntry("app.kubernetes.io/name", "web");
        assertThat(t.getMetadata().getAnnotations())
                .containsEntry("meshlens.io/proxy-version", io.meshlens.proxy.Version.VERSION)
                .containsEntry("meshlens.io/admin-port", "4191")
                .containsEntry("kubectl.kubernetes.io/default-container", "web")
                .containsEntry("prometheus.io/scrape", "false");
        // The selector is untouched: a changed selector cannot be applied to an existing Deployment.
        assertThat(d.getSpec().getSelector().getMatchLabels()).containsExactly(Map.entry("app.kubernetes.io/name", "web"));
        PodSpec spec = t.getSpec();
        // A native sidecar: the rules first, then the proxy, which is up before the app starts.
        assertThat(spec.getContainers()).extracting(Container::getName).containsExactly("web", "log-shipper");
        assertThat(spec.getInitContainers()).extracting(Container::getName).containsExactly("meshlens-init", "meshlens-proxy");
        Container proxy = spec.getInitContainers().get(1);
        assertThat(proxy.getRestartPolicy()).isEqualTo("Always");
        assertThat(proxy.getStartupProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(proxy.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MESHLENS_POD");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(proxy.getEnv()).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("MESHLENS_TRANSPARENT=true"));
        assertThat(proxy.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(4191));
        assertThat(proxy.getSecurityContext().getRunAsUser()).isEqualTo(2102L);
        assertThat(proxy.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        // The UDP port of the log shipper is not intercepted (iptables REDIRECT is TCP only here).
        String script = spec.getInitContainers().get(0).getArgs().get(0);
        assertThat(script).contains("--dports 8080,9102 -j REDIRECT --to-ports 4143").doesNotContain("5140");
        // The app's original containers are the same objects.
        Deployment in = k8s.unmarshal(InjectGoldenTest.read("deployment-two-containers.input.yaml"), Deployment.class);
        assertThat(spec.getContainers()).isEqualTo(in.getSpec().getTemplate().getSpec().getContainers());
        assertThat(spec.getVolumes()).containsAll(in.getSpec().getTemplate().getSpec().getVolumes());
    }

    @Test
    void withoutNativeSidecarsTheProxyIsTheFirstContainerAndTheRulesComeAfterTheAppsInitContainers() throws Exception {
        Injector old = new Injector(InjectOptions.builder().nativeSidecar(InjectOptions.NativeSidecar.NEVER).build());
        KubernetesList list = k8s.unmarshal(old.inject(InjectGoldenTest.read("list.input.yaml")).yaml(), KubernetesList.class);
        PodSpec spec = ((StatefulSet) list.getItems().get(1)).getSpec().getTemplate().getSpec();
        assertThat(spec.getContainers()).extracting(Container::getName).containsExactly("meshlens-proxy", "postgres");
        // No proxy listens while init containers run: the app's own run before any redirect exists.
        assertThat(spec.getInitContainers()).extracting(Container::getName).containsExactly("fix-permissions", "meshlens-init");
        assertThat(spec.getContainers().get(0).getRestartPolicy()).isNull();
        assertThat(spec.getContainers().get(0).getStartupProbe()).isNull();
    }

    @Test
    void blankLinesAreKeptExceptBeforeAKeyWrittenAsExplicitKeySoASecondRunChangesNothing() throws Exception {
        String longKey = "k".repeat(200);
        String once = injector.inject("a: b\n\n\nshort: 1\n\n" + longKey + ": 2\n").yaml();
        assertThat(once).isEqualTo("a: b\n\n\nshort: 1\n? " + longKey + "\n: 2\n");
        assertThat(injector.inject(once).yaml()).isEqualTo(once);
    }

    @Test
    void runToCompletionPodsGetTheProxyAsANativeSidecarSoTheyCanFinish() throws Exception {
        Injector auto = new Injector(InjectOptions.builder().nativeSidecar(InjectOptions.NativeSidecar.AUTO).build());
        CronJob cj = k8s.unmarshal(auto.inject(InjectGoldenTest.read("cronjob.input.yaml")).yaml(), CronJob.class);
        PodSpec spec = cj.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertThat(spec.getContainers()).extracting(Container::getName).containsExactly("report");
        assertThat(spec.getInitContainers()).extracting(Container::getName).containsExactly("meshlens-init", "meshlens-proxy");
        assertThat(spec.getInitContainers().get(1).getRestartPolicy()).isEqualTo("Always");
    }

    @Test
    void everyItemOfAListIsHandled() throws Exception {
        InjectResult r = injector.inject(InjectGoldenTest.read("list.input.yaml"));
        KubernetesList list = k8s.unmarshal(r.yaml(), KubernetesList.class);
        assertThat(list.getItems()).hasSize(3);
        StatefulSet sts = (StatefulSet) list.getItems().get(1);
        assertThat(sts.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("meshlens.io/meshed", "true");
        // The app's own init containers run after the proxy is up, so through it.
        assertThat(sts.getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getName)
                .containsExactly("meshlens-init", "meshlens-proxy", "fix-permissions");
        Pod pod = (Pod) list.getItems().get(2);
        assertThat(pod.getMetadata().getLabels()).containsEntry("meshlens.io/meshed", "true");
        assertThat(r.outcomes()).extracting(Outcome::line).containsExactly(
                "service/db passed through (not a workload)", "statefulset/db injected", "pod/migrate injected");
        for (HasMetadata item : list.getItems()) {
            assertThat(UnknownFields.find(item)).isEmpty();
        }
    }

    @Test
    void anchoredLabelsSharedWithTheSelectorAreCopiedNotEdited() throws Exception {
        String out = injector.inject(InjectGoldenTest.read("comments-anchors.input.yaml")).yaml();
        Deployment d = k8s.unmarshal(out.substring(0, out.indexOf("\n---\n")), Deployment.class);
        assertThat(d.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("app", "frontend", "tier", "web"));
        assertThat(d.getMetadata().getLabels()).isEqualTo(Map.of("app", "frontend", "tier", "web"));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .isEqualTo(Map.of("app", "frontend", "tier", "web", "meshlens.io/meshed", "true"));
        assertThat(out).contains("# Shop frontend, hand-written", "# the name users see", "# the application", "# kept verbatim");
    }

    @Test
    void nonWorkloadDocumentsPassThroughWithTheSameContent() throws Exception {
        String in = InjectGoldenTest.read("comments-anchors.input.yaml");
        String out = injector.inject(in).yaml();
        Load load = new Load(LoadSettings.builder().build());
        List<Object> before = list(load.loadAllFromString(in));
        List<Object> after = list(load.loadAllFromString(out));
        assertThat(after).hasSize(before.size());
        assertThat(after.get(2)).isEqualTo(before.get(2));
    }

    @Test
    void mergeKeysAreFollowedWhenReading() throws Exception {
        String yaml = String.join("\n",
                "apiVersion: v1", "kind: Pod", "metadata: {name: merged}",
                "spec:",
                "  <<: &base {hostNetwork: true}",
                "  containers: [{name: a, image: a}]", "");
        InjectResult r = injector.inject(yaml);
        assertThat(r.outcomes().get(0).kind()).isEqualTo(Outcome.Kind.SKIPPED);
        assertThat(r.outcomes().get(0).reason()).startsWith("hostNetwork: true");
    }

    @Test
    void aDocumentThatCannotBeParsedIsNamedAndNothingIsReturned() {
        String yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n---\nkind: Deployment\nmetadata: {name: broken\n";
        assertThatThrownBy(() -> injector.inject(yaml))
                .isInstanceOf(InjectException.class)
                .hasMessageStartingWith("document 2 cannot be parsed");
    }

    @Test
    void aMalformedWorkloadIsNamedByNumberLineKindAndName() {
        String yaml = "kind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template: {spec: {containers: oops}}\n";
        assertThatThrownBy(() -> injector.inject(yaml))
                .isInstanceOf(InjectException.class)
                .hasMessage("document 2 (line 4), deployment/web: the pod spec has no containers list");
    }

    @Test
    void anAppUsingTheProxyPortsIsRefused() {
        String yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: a, ports: [{containerPort: 4191}]}]\n";
        assertThatThrownBy(() -> injector.inject(yaml)).hasMessageContaining("uses port 4191");
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                y.append(j > 0 ? ", " : "").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        assertThatThrownBy(() -> injector.inject(y.toString()))
                .isInstanceOf(InjectException.class)
                .hasMessageContaining("document 1 cannot be parsed")
                .hasMessageContaining("aliases");
    }

    @Test
    void recursiveStructuresAreRefused() {
        assertThatThrownBy(() -> injector.inject("kind: Pod\nmetadata: &m {self: *m}\n"))
                .isInstanceOf(InjectException.class)
                .hasMessageContaining("document 1");
    }

    @Test
    void languageTagsNeverConstructObjects() throws Exception {
        // A snakeyaml 1.x gadget: with a constructing loader this would instantiate a class.
        String yaml = "kind: ConfigMap\nmetadata: {name: x}\ndata:\n  y: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]\n";
        InjectResult r = injector.inject(yaml);
        assertThat(r.outcomes()).extracting(Outcome::line).containsExactly("configmap/x passed through (not a workload)");
        assertThat(r.yaml()).contains("ScriptEngineManager");
    }

    @Test
    void skipPortAnnotationsAndOptionsReachTheRules() throws Exception {
        String yaml = "kind: Pod\nmetadata:\n  name: p\n  annotations: {meshlens.io/skip-inbound-ports: \"9000-9001\"}\n"
                + "spec:\n  containers: [{name: a, image: a}]\n";
        Pod p = k8s.unmarshal(injector.inject(yaml).yaml(), Pod.class);
        String script = p.getSpec().getInitContainers().stream().filter(c -> c.getName().equals("meshlens-init")).findFirst().orElseThrow().getArgs().get(0);
        assertThat(script).contains("--dports 4143,4191,9000:9001 -j RETURN");
        assertThatThrownBy(() -> injector.inject(yaml.replace("9000-9001", "ninety")))
                .hasMessageContaining("port range: 'ninety'");
    }

    private static List<Object> list(Iterable<Object> it) {
        List<Object> l = new java.util.ArrayList<>();
        it.forEach(l::add);
        return l;
    }
}
