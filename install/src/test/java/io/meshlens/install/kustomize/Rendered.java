package io.meshlens.install.kustomize;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** One rendered overlay as fabric8 objects, with lookups the assertions need. */
final class Rendered {
    /** A workload's pod template with who it belongs to. */
    record Template(HasMetadata owner, io.fabric8.kubernetes.api.model.ObjectMeta meta, PodSpec spec) {
        String ref() {
            return owner.getKind().toLowerCase() + "/" + owner.getMetadata().getName();
        }

        String namespace() {
            return owner.getMetadata().getNamespace();
        }
    }

    final String overlay;
    final String yaml;
    final List<HasMetadata> resources = new ArrayList<>();

    Rendered(String overlay, String yaml) {
        this.overlay = overlay;
        this.yaml = yaml;
        KubernetesSerialization k8s = new KubernetesSerialization();
        for (String doc : yaml.split("(?m)^---$")) {
            if (!doc.isBlank()) {
                resources.add(k8s.unmarshal(doc));
            }
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> List<T> all(Class<T> type, Predicate<T> filter) {
        return all(type).stream().filter(filter).toList();
    }

    /** ConfigMaps whose name starts with {@code prefix} (kustomize may have added a hash suffix). */
    List<ConfigMap> configMaps(String prefix) {
        return all(ConfigMap.class, c -> c.getMetadata().getName().startsWith(prefix));
    }

    List<Template> templates() {
        List<Template> out = new ArrayList<>();
        for (HasMetadata r : resources) {
            PodTemplateSpec t = null;
            if (r instanceof Deployment) {
                t = ((Deployment) r).getSpec().getTemplate();
            } else if (r instanceof DaemonSet) {
                t = ((DaemonSet) r).getSpec().getTemplate();
            } else if (r instanceof StatefulSet) {
                t = ((StatefulSet) r).getSpec().getTemplate();
            } else if (r instanceof Job) {
                t = ((Job) r).getSpec().getTemplate();
            } else if (r instanceof CronJob) {
                t = ((CronJob) r).getSpec().getJobTemplate().getSpec().getTemplate();
            } else if (r instanceof Pod) {
                out.add(new Template(r, r.getMetadata(), ((Pod) r).getSpec()));
            }
            if (t != null) {
                out.add(new Template(r, t.getMetadata(), t.getSpec()));
            }
        }
        return out;
    }
}
