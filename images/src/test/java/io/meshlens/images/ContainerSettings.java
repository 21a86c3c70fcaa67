package io.meshlens.images;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a manifest gives one container, as {@code podman run} options: the user and groups, a
 * read-only root, the capabilities, no privilege escalation, the memory limit, every
 * {@code emptyDir} as a tmpfs, command and args. Whatever a test changes (listen addresses, values
 * the kubelet would fill in) it changes in {@link #env()}; the security settings stay as written.
 */
final class ContainerSettings {
    final String name;
    private final Map<String, Object> pod;
    private final Map<String, Object> container;

    ContainerSettings(String name, Map<String, Object> pod, Map<String, Object> container) {
        this.name = name;
        this.pod = pod;
        this.container = container;
    }

    String image() {
        return String.valueOf(container.get("image"));
    }

    List<String> args() {
        return Yaml.strings(container, "args");
    }

    List<String> command() {
        return Yaml.strings(container, "command");
    }

    /** The literal env values; those from the downward API or secrets are left to the test. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : Yaml.maps(container, "env")) {
            if (e.containsKey("value")) {
                env.put(String.valueOf(e.get("name")), String.valueOf(e.get("value")));
            }
        }
        return env;
    }

    Object securityContext(String key) {
        Object own = Yaml.map(container, "securityContext").get(key);
        return own != null ? own : Yaml.map(pod, "securityContext").get(key);
    }

    boolean readOnlyRoot() {
        return Boolean.TRUE.equals(Yaml.map(container, "securityContext").get("readOnlyRootFilesystem"));
    }

    List<String> capabilitiesDropped() {
        return Yaml.strings(Yaml.map(Yaml.map(container, "securityContext"), "capabilities"), "drop");
    }

    List<String> capabilitiesAdded() {
        return Yaml.strings(Yaml.map(Yaml.map(container, "securityContext"), "capabilities"), "add");
    }

    /** The memory limit in bytes, or an error: every meshlens container has one. */
    long memoryLimit() {
        Object limit = Yaml.map(Yaml.map(container, "resources"), "limits").get("memory");
        if (limit == null) {
            throw new IllegalStateException(name + " has no memory limit (expected: resources.limits.memory)");
        }
        return Quantities.bytes(String.valueOf(limit));
    }

    /** {@code podman run} options for these settings, with ENV as the environment. */
    List<String> podmanOptions(Map<String, String> env) {
        List<String> o = new ArrayList<>();
        Object uid = securityContext("runAsUser");
        Object gid = securityContext("runAsGroup");
        if (uid != null) {
            o.addAll(List.of("--user", uid + (gid != null ? ":" + gid : "")));
        }
        Object fsGroup = Yaml.map(pod, "securityContext").get("fsGroup");
        if (fsGroup != null) {
            o.addAll(List.of("--group-add", String.valueOf(fsGroup)));
        }
        if (readOnlyRoot()) {
            o.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
        }
        capabilitiesDropped().forEach(c -> o.addAll(List.of("--cap-drop", c.toLowerCase())));
        capabilitiesAdded().forEach(c -> o.addAll(List.of("--cap-add", c)));
        if (Boolean.FALSE.equals(Yaml.map(container, "securityContext").get("allowPrivilegeEscalation"))) {
            o.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        long memory = memoryLimit();
        o.addAll(List.of("--memory", memory + "b", "--memory-swap", memory + "b"));
        for (Map<String, Object> mount : Yaml.maps(container, "volumeMounts")) {
            Map<String, Object> volume = Yaml.maps(pod, "volumes").stream()
                    .filter(v -> Objects.equals(v.get("name"), mount.get("name"))).findFirst().orElseThrow();
            if (volume.containsKey("emptyDir")) {
                Object size = Yaml.map(volume, "emptyDir").get("sizeLimit");
                o.addAll(List.of("--tmpfs", mount.get("mountPath") + ":rw,mode=1777"
                        + (size != null ? ",size=" + Quantities.bytes(String.valueOf(size)) : "")));
            }
        }
        env.forEach((k, v) -> o.addAll(List.of("--env", k + "=" + v)));
        if (!command().isEmpty()) {
            try {
                o.addAll(List.of("--entrypoint", new ObjectMapper().writeValueAsString(command())));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return o;
    }

    /** Whether the container or its pod demands a non-root user. */
    boolean runAsNonRoot() {
        return Boolean.TRUE.equals(securityContext("runAsNonRoot"));
    }
}
