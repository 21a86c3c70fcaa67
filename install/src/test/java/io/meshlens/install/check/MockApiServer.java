package io.meshlens.install.check;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * fabric8's CRUD mock API server on 127.0.4.x (real HTTP), plus the two things a CRUD store
 * cannot do by itself: {@code /version}, and SelfSubjectAccessReviews answered as an RBAC
 * authoriser would, denying the resources a test names.
 */
final class MockApiServer implements AutoCloseable {
    final KubernetesMockServer server;
    final KubernetesClient client;
    /** "verb resource" pairs to deny, e.g. {@code "create clusterroles"} or {@code "list nodes"}. */
    final Set<String> denied = ConcurrentHashMap.newKeySet();

    MockApiServer(String address) throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("32").withGitVersion("v1.32.4").build());
        server.init(InetAddress.getByName(address), 0);
        KubernetesSerialization json = new KubernetesSerialization();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").andReply(201, req -> {
            SelfSubjectAccessReview r = json.unmarshal(req.getUtf8Body(), SelfSubjectAccessReview.class);
            var a = r.getSpec().getResourceAttributes();
            boolean allowed = !denied.contains(a.getVerb() + " " + a.getResource());
            r.setStatus(new SubjectAccessReviewStatus(allowed, false, null, allowed ? "" : "RBAC: denied by test"));
            return r;
        }).always();
        client = server.createClient();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
