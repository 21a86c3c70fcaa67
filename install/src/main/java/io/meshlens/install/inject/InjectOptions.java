package io.meshlens.install.inject;

import static java.util.Objects.requireNonNull;

import io.meshlens.install.intercept.PortRanges;
import io.meshlens.proxy.Version;

/** What {@code meshlens inject} writes: images, version, ports, the proxy's uid, skipped ports. */
public final class InjectOptions {
    /**
     * When the proxy runs as a native sidecar (an init container with {@code restartPolicy: Always},
     * Kubernetes 1.29+). Native sidecars start before the app (after their startup probe) and stop
     * after it, and do not keep Jobs from completing; a regular sidecar container may still be
     * starting when the app makes its first calls.
     */
    public enum NativeSidecar {
        /** Every pod (the default). */
        ALWAYS,
        /** Only Jobs, CronJobs and run-to-completion Pods (where a regular sidecar would never exit). */
        AUTO,
        /** Never: for clusters older than 1.29 (Jobs then never complete while the proxy runs). */
        NEVER
    }

    private final String version;
    private final String proxyImage;
    private final String initImage;
    private final int proxyUid;
    private final PortRanges skipInbound;
    private final PortRanges skipOutbound;
    private final NativeSidecar nativeSidecar;
    private final String tapTokenSecret;

    private InjectOptions(Builder b) {
        version = b.version;
        proxyImage = b.proxyImage != null ? b.proxyImage : "ghcr.io/meshlens/proxy:" + b.version;
        initImage = b.initImage != null ? b.initImage : "ghcr.io/meshlens/proxy-init:" + b.version;
        proxyUid = b.proxyUid;
        skipInbound = b.skipInbound;
        skipOutbound = b.skipOutbound;
        nativeSidecar = b.nativeSidecar;
        tapTokenSecret = b.tapTokenSecret;
    }

    public static InjectOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String version() { return version; }
    public String proxyImage() { return proxyImage; }
    public String initImage() { return initImage; }
    public int proxyUid() { return proxyUid; }
    public PortRanges skipInbound() { return skipInbound; }
    public PortRanges skipOutbound() { return skipOutbound; }
    public NativeSidecar nativeSidecar() { return nativeSidecar; }
    public String tapTokenSecret() { return tapTokenSecret; }

    public static final class Builder {
        private String version = Version.VERSION;
        private String proxyImage;
        private String initImage;
        private int proxyUid = 2102;
        private PortRanges skipInbound = PortRanges.NONE;
        private PortRanges skipOutbound = PortRanges.NONE;
        private NativeSidecar nativeSidecar = NativeSidecar.ALWAYS;
        private String tapTokenSecret = "meshlens-tap-token";

        private Builder() {}

        public Builder version(String v) { version = requireNonNull(v, "version"); return this; }
        public Builder proxyImage(String image) { proxyImage = requireNonNull(image, "proxyImage"); return this; }
        public Builder initImage(String image) { initImage = requireNonNull(image, "initImage"); return this; }
        public Builder proxyUid(int uid) {
            if (uid < 1) {
                throw new IllegalArgumentException("proxyUid: " + uid + " (expected: > 0)");
            }
            proxyUid = uid;
            return this;
        }
        public Builder skipInboundPorts(PortRanges r) { skipInbound = requireNonNull(r, "skipInboundPorts"); return this; }
        public Builder skipOutboundPorts(PortRanges r) { skipOutbound = requireNonNull(r, "skipOutboundPorts"); return this; }
        public Builder nativeSidecar(NativeSidecar mode) { nativeSidecar = requireNonNull(mode, "nativeSidecar"); return this; }
        public Builder tapTokenSecret(String name) { tapTokenSecret = requireNonNull(name, "tapTokenSecret"); return this; }

        public InjectOptions build() {
            return new InjectOptions(this);
        }
    }
}
