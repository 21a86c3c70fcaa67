package io.meshlens.kubetesting;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes control plane on loopback for integration tests: etcd, kube-apiserver (RBAC,
 * the default admission plugins including Pod Security, a freshly generated service-account
 * signing key, a static token for an admin in {@code system:masters}) and, when asked for,
 * kube-controller-manager (Deployments make ReplicaSets make Pods, Jobs, CronJobs, DaemonSets,
 * StatefulSets, EndpointSlices, garbage collection). There is no scheduler and no kubelet: tests
 * bind pods to nodes and write their status as those would.
 *
 * <pre>{@code
 * try (ControlPlane k8s = ControlPlane.start(ControlPlane.Options.DEFAULT)) {
 *     KubernetesClient admin = k8s.admin();
 *     KubernetesClient exporter = k8s.serviceAccount("meshlens", "meshlens-exporter");
 *     k8s.kubectl().run("apply", "--server-side", "-k", "kustomize/");
 * }
 * }</pre>
 */
public final class ControlPlane implements AutoCloseable {
    /**
     * @param controllers also run kube-controller-manager
     * @param serviceClusterIpRange the API server's {@code --service-cluster-ip-range}: where
     *     Service ClusterIPs are allocated. A loopback range (the API server accepts one) makes
     *     the allocated ClusterIPs addresses a test can listen on.
     */
    public record Options(boolean controllers, String serviceClusterIpRange) {
        public static final String DEFAULT_SERVICE_RANGE = "10.96.0.0/24";
        public static final Options DEFAULT = new Options(false, DEFAULT_SERVICE_RANGE);
        public static final Options WITH_CONTROLLERS = new Options(true, DEFAULT_SERVICE_RANGE);

        public Options {
            requireNonNull(serviceClusterIpRange, "serviceClusterIpRange");
            if (!serviceClusterIpRange.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
                throw new IllegalArgumentException("serviceClusterIpRange: " + serviceClusterIpRange
                        + " (expected: an IPv4 CIDR such as 127.0.100.0/24)");
            }
        }

        /** These options with Service ClusterIPs allocated from {@code cidr}. */
        public Options withServiceClusterIpRange(String cidr) {
            return new Options(controllers, cidr);
        }
    }

    /** The controllers the tests rely on (kube-controller-manager's names). */
    static final String CONTROLLERS = String.join(",", "deployment-controller", "replicaset-controller",
            "statefulset-controller", "daemonset-controller", "job-controller", "cronjob-controller",
            "endpointslice-controller", "garbage-collector-controller", "serviceaccount-controller", "namespace-controller");

    private final Binaries bin;
    private final Path dir;
    private final String adminToken;
    private final int apiPort;
    private final Daemon etcd;
    private final Daemon apiServer;
    private final Daemon controllerManager;
    private final Path adminKubeconfig;
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final Thread cleanup = new Thread(this::stopAll, "control-plane-cleanup");

    private ControlPlane(Binaries bin, Path dir, Options options) throws IOException {
        this.bin = bin;
        this.dir = dir;
        this.adminToken = randomToken();
        ServiceAccountKeys keys = ServiceAccountKeys.generate(dir);
        Path tokens = dir.resolve("tokens.csv");
        Files.writeString(tokens, adminToken + ",meshlens-test-admin,meshlens-test-admin,\"system:masters\"\n");
        int etcdPort = freePort();
        int peerPort = freePort();
        apiPort = freePort();
        String etcdUrl = "http://127.0.0.1:" + etcdPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        etcd = new Daemon("etcd", List.of(bin.etcd().toString(), "--name=default", "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
                "--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=default=" + peerUrl, "--unsafe-no-fsync", "--log-level=warn"), dir.resolve("etcd.log"));
        String issuer = "https://kubernetes.default.svc.cluster.local";
        apiServer = new Daemon("kube-apiserver", List.of(bin.apiServer().toString(),
                "--etcd-servers=" + etcdUrl, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
                "--secure-port=" + apiPort, "--cert-dir=" + dir.resolve("pki"),
                "--service-account-issuer=" + issuer, "--api-audiences=" + issuer,
                "--service-account-key-file=" + keys.publicKey, "--service-account-signing-key-file=" + keys.privateKey,
                "--token-auth-file=" + tokens, "--authorization-mode=RBAC",
                "--service-cluster-ip-range=" + options.serviceClusterIpRange(), "--endpoint-reconciler-type=none",
                "--enable-priority-and-fairness=false", "--profiling=false"), dir.resolve("kube-apiserver.log"));
        adminKubeconfig = writeKubeconfig(dir.resolve("admin.kubeconfig"), adminToken, "default");
        controllerManager = options.controllers() ? new Daemon("kube-controller-manager", List.of(bin.controllerManager().toString(),
                "--kubeconfig=" + adminKubeconfig, "--controllers=" + CONTROLLERS, "--leader-elect=false",
                "--bind-address=127.0.0.1", "--secure-port=" + freePort(),
                "--service-account-private-key-file=" + keys.privateKey, "--use-service-account-credentials=false",
                "--concurrent-deployment-syncs=2", "--profiling=false"), dir.resolve("kube-controller-manager.log")) : null;
    }

    /**
     * Starts the control plane and waits until the API server is ready.
     *
     * @throws IllegalStateException naming the process that failed, with the end of its log
     */
    public static ControlPlane start(Options options) {
        Binaries bin = Binaries.require(options.controllers());
        ControlPlane cp;
        try {
            cp = new ControlPlane(bin, Files.createTempDirectory("meshlens-kube-"), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the control plane's files", e);
        }
        Runtime.getRuntime().addShutdownHook(cp.cleanup);
        try {
            cp.etcd.start();
            cp.apiServer.start();
            cp.awaitReady(Duration.ofSeconds(120));
            if (cp.controllerManager != null) {
                cp.controllerManager.start();
            }
            return cp;
        } catch (IOException | RuntimeException e) {
            String logs = cp.etcd.tail(15) + "\n" + cp.apiServer.tail(30);
            cp.close();
            throw new IllegalStateException("the control plane did not start: " + e.getMessage() + "\n" + logs, e);
        }
    }

    /** {@code https://127.0.0.1:PORT}. */
    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** A client with the admin's token (group {@code system:masters}). */
    public KubernetesClient admin() {
        return client(adminToken, "default");
    }

    /**
     * Creates the {@code default} service account of each namespace, as kube-controller-manager's
     * service-account controller does: a pod without {@code serviceAccountName} runs as it, and
     * admission refuses the pod while it is missing. For control planes without controllers.
     */
    public void createDefaultServiceAccounts(String... namespaces) {
        for (String ns : namespaces) {
            admin().serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                    .withNewMetadata().withName("default").endMetadata().build()).create();
        }
    }

    /** The admin's kubeconfig file (token, TLS not verified: the server's certificate is self-signed). */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** A real token of the service account, issued by the API server (TokenRequest), valid for an hour. */
    public String serviceAccountToken(String namespace, String name) {
        return admin().serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    }

    /** A client authenticated as the service account (which must exist). */
    public KubernetesClient serviceAccount(String namespace, String name) {
        return client(serviceAccountToken(namespace, name), namespace);
    }

    /** A kubeconfig file for the service account, for kubectl and the CLI. */
    public Path serviceAccountKubeconfig(String namespace, String name) {
        try {
            return writeKubeconfig(dir.resolve("sa-" + namespace + "-" + name + ".kubeconfig"),
                    serviceAccountToken(namespace, name), namespace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kubectl of the same release, as the admin. */
    public Kubectl kubectl() {
        return new Kubectl(bin.kubectl(), adminKubeconfig);
    }

    public Kubectl kubectl(Path kubeconfig) {
        return new Kubectl(bin.kubectl(), kubeconfig);
    }

    /** Stops the API server and starts it again on the same port and data (etcd keeps running). */
    public void restartApiServer() {
        stopApiServer();
        startApiServer();
    }

    public void stopApiServer() {
        apiServer.stop();
    }

    public void startApiServer() {
        try {
            apiServer.start();
            awaitReady(Duration.ofSeconds(120));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("kube-apiserver did not come back: " + e.getMessage() + "\n" + apiServer.tail(30), e);
        }
    }

    /** The end of a process's log ({@code etcd}, {@code kube-apiserver}, {@code kube-controller-manager}). */
    public String log(String process, int lines) {
        return switch (process) {
            case "etcd" -> etcd.tail(lines);
            case "kube-apiserver" -> apiServer.tail(lines);
            default -> controllerManager == null ? "no kube-controller-manager" : controllerManager.tail(lines);
        };
    }

    private KubernetesClient client(String token, String namespace) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withOauthToken(token).withTrustCerts(true)
                .withDisableHostnameVerification(true).withNamespace(namespace).withRequestTimeout(30_000)
                .withConnectionTimeout(10_000).build();
        KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    private void awaitReady(Duration limit) throws IOException {
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!apiServer.alive()) {
                throw new IOException("kube-apiserver exited");
            }
            if (!etcd.alive()) {
                throw new IOException("etcd exited");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                        .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode() + ": " + r.body().lines().filter(l -> l.contains("failed")).toList();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            try {
                Thread.sleep(250); // polling an external process's readiness endpoint
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("kube-apiserver not ready within " + limit.toSeconds() + " s (" + last + ")");
    }

    private Path writeKubeconfig(Path file, String token, String namespace) throws IOException {
        Files.writeString(file, String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: test",
                "  cluster:",
                "    server: " + url(),
                "    insecure-skip-tls-verify: true",
                "users:",
                "- name: test",
                "  user:",
                "    token: " + token,
                "contexts:",
                "- name: test",
                "  context: {cluster: test, user: test, namespace: " + namespace + "}",
                "current-context: test", ""), StandardCharsets.UTF_8);
        return file;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void stopAll() {
        synchronized (clients) {
            clients.forEach(KubernetesClient::close);
            clients.clear();
        }
        if (controllerManager != null) {
            controllerManager.stop();
        }
        apiServer.stop();
        etcd.stop();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        if (!Boolean.getBoolean("meshlens.kube.keep")) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is harmless
            }
        }
    }
}
