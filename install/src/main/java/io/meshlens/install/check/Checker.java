package io.meshlens.install.check;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.meshlens.install.inject.MeshlensNames;
import io.meshlens.proxy.Version;

/**
 * {@code meshlens check}: before installing ({@link #preInstall()}) and after
 * ({@link #postInstall()}), against the API server the client points at. Every check runs even
 * when an earlier one failed (except when the API cannot be reached at all), and every offending
 * object is listed.
 */
public final class Checker {
    static final String API = "kubernetes-api";
    static final String PRE = "pre-install";
    static final String INSTALL = "meshlens-install";
    static final String PROXIES = "meshlens-proxies";
    static final String EXPORTER = "meshlens-exporter";
    static final String PLACEHOLDER_TOKEN = "change-me-before-install";

    /** What {@code kubectl apply -k kustomize/} creates, for the permission checks: group, resource, namespaced. */
    static final List<String[]> INSTALLED = List.of(
            new String[] {"", "namespaces", "false"},
            new String[] {"rbac.authorization.k8s.io", "clusterroles", "false"},
            new String[] {"rbac.authorization.k8s.io", "clusterrolebindings", "false"},
            new String[] {"rbac.authorization.k8s.io", "roles", "true"},
            new String[] {"rbac.authorization.k8s.io", "rolebindings", "true"},
            new String[] {"", "serviceaccounts", "true"},
            new String[] {"", "services", "true"},
            new String[] {"", "configmaps", "true"},
            new String[] {"", "secrets", "true"},
            new String[] {"apps", "daemonsets", "true"},
            new String[] {"apps", "deployments", "true"},
            new String[] {"networking.k8s.io", "networkpolicies", "true"});
    /** What the exporter's ClusterRole grants (get/list/watch); one can only grant what one holds. */
    static final List<String[]> EXPORTER_READS = List.of(
            new String[] {"", "pods"}, new String[] {"", "services"}, new String[] {"", "nodes"},
            new String[] {"apps", "replicasets"}, new String[] {"apps", "deployments"}, new String[] {"apps", "statefulsets"},
            new String[] {"apps", "daemonsets"}, new String[] {"batch", "jobs"}, new String[] {"batch", "cronjobs"},
            new String[] {"discovery.k8s.io", "endpointslices"});

    private final KubernetesClient client;
    private final String namespace;
    private final String expectedVersion;

    public Checker(KubernetesClient client, String namespace, String expectedVersion) {
        this.client = requireNonNull(client, "client");
        this.namespace = requireNonNull(namespace, "namespace");
        this.expectedVersion = requireNonNull(expectedVersion, "expectedVersion");
    }

    public Checker(KubernetesClient client) {
        this(client, "meshlens", Version.VERSION);
    }

    public CheckReport preInstall() {
        List<CheckResult> out = new ArrayList<>();
        if (!apiReachable(out)) {
            return new CheckReport(out);
        }
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                out.add(CheckResult.ok(PRE, "namespace " + namespace + " does not exist yet"));
            } else {
                out.add(CheckResult.fail(PRE, "namespace " + namespace + " does not exist yet",
                        List.of("namespace " + namespace + " already exists"), "meshlens is installed already? run `meshlens check` (post-install)"));
            }
            List<String> leftovers = new ArrayList<>();
            if (client.rbac().clusterRoles().withName(EXPORTER).get() != null) {
                leftovers.add("clusterrole/" + EXPORTER);
            }
            if (client.rbac().clusterRoleBindings().withName(EXPORTER).get() != null) {
                leftovers.add("clusterrolebinding/" + EXPORTER);
            }
            out.add(leftovers.isEmpty() ? CheckResult.ok(PRE, "no cluster-wide meshlens resources exist yet")
                    : CheckResult.fail(PRE, "no cluster-wide meshlens resources exist yet", leftovers,
                            "left over from an earlier install: kubectl delete -k kustomize/"));
        } catch (KubernetesClientException e) {
            out.add(CheckResult.fail(PRE, "can read namespaces and cluster roles", List.of(message(e)), ""));
        }
        List<String> cannotCreate = new ArrayList<>();
        for (String[] r : INSTALLED) {
            if (!allowed("create", r[0], r[1], Boolean.parseBoolean(r[2]) ? namespace : null)) {
                cannotCreate.add("create " + resource(r[0], r[1]));
            }
        }
        out.add(cannotCreate.isEmpty() ? CheckResult.ok(PRE, "can create every resource the bundle installs")
                : CheckResult.fail(PRE, "can create every resource the bundle installs", cannotCreate, "ask a cluster admin to install meshlens"));
        List<String> cannotGrant = new ArrayList<>();
        for (String[] r : EXPORTER_READS) {
            for (String verb : List.of("get", "list", "watch")) {
                if (!allowed(verb, r[0], r[1], null)) {
                    cannotGrant.add(verb + " " + resource(r[0], r[1]) + " (cluster-wide)");
                }
            }
        }
        out.add(cannotGrant.isEmpty() ? CheckResult.ok(PRE, "can grant the exporter its read-only RBAC")
                : CheckResult.fail(PRE, "can grant the exporter its read-only RBAC", cannotGrant,
                        "RBAC only lets you grant permissions you hold yourself"));
        return new CheckReport(out);
    }

    public CheckReport postInstall() {
        List<CheckResult> out = new ArrayList<>();
        if (!apiReachable(out)) {
            return new CheckReport(out);
        }
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                out.add(CheckResult.fail(INSTALL, "namespace " + namespace + " exists", List.of("namespace " + namespace + " not found"),
                        "kubectl apply -k kustomize/"));
                return new CheckReport(out);
            }
            out.add(CheckResult.ok(INSTALL, "namespace " + namespace + " exists"));
            out.add(exporterReady());
            out.add(client.rbac().clusterRoleBindings().withName(EXPORTER).get() != null
                    ? CheckResult.ok(INSTALL, "the exporter may read pods and their owners (clusterrolebinding/" + EXPORTER + ")")
                    : CheckResult.fail(INSTALL, "the exporter may read pods and their owners (clusterrolebinding/" + EXPORTER + ")",
                            List.of("clusterrolebinding/" + EXPORTER + " not found"), "kubectl apply -k kustomize/"));
            for (String name : List.of("meshlens-prometheus", "meshlens-alertmanager", "meshlens-grafana")) {
                Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
                if (d != null) { // absent in the bring-your-own-monitoring overlays
                    out.add(deploymentReady(d));
                }
            }
            out.add(tapToken());
            out.add(proxies());
        } catch (KubernetesClientException e) {
            out.add(CheckResult.fail(INSTALL, "can read the installation", List.of(message(e)), ""));
        }
        return new CheckReport(out);
    }

    private boolean apiReachable(List<CheckResult> out) {
        try {
            VersionInfo v = client.getKubernetesVersion();
            out.add(CheckResult.ok(API, "can reach the Kubernetes API (" + client.getMasterUrl() + ", v" + v.getMajor() + "." + v.getMinor() + ")"));
            return true;
        } catch (KubernetesClientException e) {
            out.add(CheckResult.fail(API, "can reach the Kubernetes API", List.of(client.getMasterUrl() + ": " + message(e)),
                    "check your kubeconfig context (kubectl cluster-info)"));
            return false;
        }
    }

    private CheckResult exporterReady() {
        String what = "the exporter is ready";
        DaemonSet ds = client.apps().daemonSets().inNamespace(namespace).withName(EXPORTER).get();
        Deployment dep = client.apps().deployments().inNamespace(namespace).withName(EXPORTER).get();
        if (ds == null && dep == null) {
            return CheckResult.fail(INSTALL, what, List.of("neither daemonset/" + EXPORTER + " nor deployment/" + EXPORTER + " found"),
                    "kubectl apply -k kustomize/");
        }
        List<String> problems = new ArrayList<>();
        if (ds != null) {
            var st = ds.getStatus();
            int desired = st == null ? 0 : nz(st.getDesiredNumberScheduled());
            int ready = st == null ? 0 : nz(st.getNumberReady());
            int updated = st == null ? 0 : nz(st.getUpdatedNumberScheduled());
            if (desired == 0) {
                problems.add("daemonset/" + EXPORTER + ": scheduled on no node");
            } else if (ready < desired) {
                problems.add("daemonset/" + EXPORTER + ": " + ready + "/" + desired + " ready");
            } else if (updated < desired) {
                problems.add("daemonset/" + EXPORTER + ": " + updated + "/" + desired + " updated (rollout in progress)");
            }
            what = "the exporter is ready on every node (" + ready + "/" + desired + ")";
        } else {
            CheckResult r = deploymentReady(dep);
            problems.addAll(r.details());
            what = r.description();
        }
        // Name the unready exporter pods, as for the proxies.
        if (!problems.isEmpty()) {
            for (Pod p : client.pods().inNamespace(namespace).withLabel("app.kubernetes.io/name", EXPORTER).list().getItems()) {
                if (!podReady(p)) {
                    problems.add("pod " + p.getMetadata().getName() + " not ready");
                }
            }
        }
        return problems.isEmpty() ? CheckResult.ok(INSTALL, what)
                : CheckResult.fail(INSTALL, what, problems, "kubectl -n " + namespace + " describe pods -l app.kubernetes.io/name=" + EXPORTER);
    }

    private CheckResult deploymentReady(Deployment d) {
        int want = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = d.getStatus() == null ? 0 : nz(d.getStatus().getReadyReplicas());
        String ref = "deployment/" + d.getMetadata().getName();
        String what = ref + " is ready (" + ready + "/" + want + ")";
        return ready >= want ? CheckResult.ok(INSTALL, what)
                : CheckResult.fail(INSTALL, what, List.of(ref + ": " + ready + "/" + want + " ready"),
                        "kubectl -n " + namespace + " describe " + ref);
    }

    private CheckResult tapToken() {
        String what = "the tap token has been changed from the placeholder";
        Secret s;
        try {
            s = client.secrets().inNamespace(namespace).withName("meshlens-tap-token").get();
        } catch (KubernetesClientException e) {
            return CheckResult.warn(INSTALL, what, List.of("cannot read secret/meshlens-tap-token: " + message(e)), "");
        }
        if (s == null) {
            return CheckResult.warn(INSTALL, what, List.of("secret/meshlens-tap-token not found: the exporter cannot tap"), "docs/install.md");
        }
        String token = Optional.ofNullable(s.getStringData()).map(m -> m.get("token"))
                .or(() -> Optional.ofNullable(s.getData()).map(m -> m.get("token")).map(b -> new String(Base64.getDecoder().decode(b))))
                .orElse("");
        return token.equals(PLACEHOLDER_TOKEN)
                ? CheckResult.warn(INSTALL, what, List.of("secret/meshlens-tap-token still holds the placeholder"), "docs/install.md#tap-token")
                : CheckResult.ok(INSTALL, what);
    }

    private CheckResult proxies() {
        List<Pod> pods = client.pods().inAnyNamespace().withLabel(MeshlensNames.LABEL_MESHED, "true").list().getItems();
        Map<ProxyStatus.Verdict, Integer> counts = new EnumMap<>(ProxyStatus.Verdict.class);
        List<String> problems = new ArrayList<>();
        for (Pod p : pods.stream().sorted((a, b) -> ref(a).compareTo(ref(b))).toList()) {
            ProxyStatus s = ProxyStatus.of(p, expectedVersion);
            counts.merge(s.verdict(), 1, Integer::sum);
            if (s.verdict() == ProxyStatus.Verdict.PROBLEM) {
                problems.add(ref(p) + ": " + s.reason());
            }
        }
        int ready = counts.getOrDefault(ProxyStatus.Verdict.READY, 0);
        List<String> aside = new ArrayList<>();
        for (ProxyStatus.Verdict v : List.of(ProxyStatus.Verdict.COMPLETED, ProxyStatus.Verdict.EVICTED, ProxyStatus.Verdict.FAILED,
                ProxyStatus.Verdict.TERMINATING)) {
            if (counts.containsKey(v)) {
                aside.add(counts.get(v) + " " + v.name().toLowerCase());
            }
        }
        String what = "every meshed pod runs a ready proxy on " + expectedVersion + " (" + ready + "/" + (ready + problems.size()) + ")"
                + (aside.isEmpty() ? "" : ", ignoring " + String.join(", ", aside));
        return problems.isEmpty() ? CheckResult.ok(PROXIES, what)
                : CheckResult.fail(PROXIES, what, problems, "kubectl describe pod; re-inject with `meshlens inject` and roll out");
    }

    private boolean allowed(String verb, String group, String resource, String ns) {
        try {
            SelfSubjectAccessReview review = client.authorization().v1().selfSubjectAccessReview().create(new SelfSubjectAccessReviewBuilder()
                    .withNewSpec().withNewResourceAttributes()
                    .withVerb(verb).withGroup(group).withResource(resource).withNamespace(ns)
                    .endResourceAttributes().endSpec().build());
            return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    private static boolean podReady(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String ref(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    private static String resource(String group, String resource) {
        return group.isEmpty() ? resource : resource + "." + group;
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    private static String message(KubernetesClientException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Objects.requireNonNullElse(e.getMessage(), root.toString()) + (root != e ? " (" + root + ")" : "");
    }
}
