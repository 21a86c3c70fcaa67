package io.meshlens.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One pod template of a rendered manifest: KIND/NAME and its pod spec. */
record PodTemplate(String workload, Map<String, Object> spec) {

    /** Init containers first, as the kubelet starts them. */
    List<Map<String, Object>> containers() {
        return Stream.concat(Yaml.maps(spec, "initContainers").stream(), Yaml.maps(spec, "containers").stream()).toList();
    }

    List<String> images() {
        List<String> images = new ArrayList<>();
        containers().forEach(c -> images.add(String.valueOf(c.get("image"))));
        return images;
    }

    /** The container NAME with its pod's settings, or an error listing the names that exist. */
    ContainerSettings container(String name) {
        return containers().stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .map(c -> new ContainerSettings(workload + "/" + name, spec, c))
                .orElseThrow(() -> new IllegalArgumentException(workload + " has no container " + name + " (expected one of: "
                        + containers().stream().map(c -> c.get("name")).toList() + ")"));
    }
}
