package io.meshlens.install.inject;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code meshlens inject}: reads a multi-document Kubernetes YAML stream (Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods, and Lists of them), meshes every
 * pod template and passes everything else through. All documents are parsed and injected in
 * memory first; on any error nothing is returned, so a caller never writes half a stream.
 *
 * <pre>{@code
 * InjectResult r = new Injector(InjectOptions.defaults()).inject(Files.readString(path));
 * System.out.print(r.yaml());
 * System.err.print(r.summary());
 * }</pre>
 */
public final class Injector {
    private static final Set<String> TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job");

    private final PodTemplateInjector templates;

    public Injector(InjectOptions options) {
        this.templates = new PodTemplateInjector(requireNonNull(options, "options"));
    }

    public InjectResult inject(String yaml) throws InjectException {
        List<Node> docs = YamlStream.parse(requireNonNull(yaml, "yaml"));
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            Node doc = docs.get(i);
            try {
                resource(doc, outcomes);
            } catch (InjectException e) {
                String line = doc.getStartMark().map(m -> " (line " + (m.getLine() + 1) + ")").orElse("");
                throw new InjectException("document " + (i + 1) + line + ", " + describe(doc) + ": " + e.getMessage(), e);
            }
        }
        return new InjectResult(YamlStream.dump(docs), outcomes);
    }

    private void resource(Node doc, List<Outcome> outcomes) throws InjectException {
        if (!(doc instanceof MappingNode)) {
            return; // an empty document or a comment-only one passes through silently
        }
        MappingNode m = (MappingNode) doc;
        String kind = Nodes.text(m, "kind").orElse("");
        if (kind.equals("List") || (kind.endsWith("List") && Nodes.get(m, "items").isPresent())) {
            Node items = Nodes.get(m, "items").orElse(null);
            if (items != null && !(items instanceof SequenceNode)) {
                throw new InjectException("items is not a list");
            }
            int n = 0;
            for (Node item : Nodes.items(items)) {
                n++;
                try {
                    resource(item, outcomes);
                } catch (InjectException e) {
                    throw new InjectException("item " + n + ", " + describe(item) + ": " + e.getMessage(), e);
                }
            }
            return;
        }
        String ref = describe(m);
        MappingNode template;
        boolean runToCompletion;
        if (TEMPLATE_KINDS.contains(kind)) {
            template = mapping(Nodes.path(m, "spec", "template").orElse(null), "spec.template");
            runToCompletion = kind.equals("Job");
        } else if (kind.equals("CronJob")) {
            template = mapping(Nodes.path(m, "spec", "jobTemplate", "spec", "template").orElse(null), "spec.jobTemplate.spec.template");
            runToCompletion = true;
        } else if (kind.equals("Pod")) {
            template = m;
            runToCompletion = !Nodes.textAt(m, "spec", "restartPolicy").orElse("Always").equals("Always");
        } else {
            outcomes.add(Outcome.notAWorkload(ref));
            return;
        }
        String before = YamlStream.dump(List.of(m));
        String name = Nodes.textAt(m, "metadata", "name").or(() -> Nodes.textAt(m, "metadata", "generateName")).orElse("");
        String skipped = templates.inject(template, Nodes.get(m, "metadata").orElse(null), name, runToCompletion);
        if (skipped != null) {
            outcomes.add(Outcome.skipped(ref, skipped));
        } else if (YamlStream.dump(List.of(m)).equals(before)) {
            outcomes.add(Outcome.unchanged(ref));
        } else {
            outcomes.add(Outcome.injected(ref));
        }
    }

    private static MappingNode mapping(Node n, String where) throws InjectException {
        if (!(n instanceof MappingNode)) {
            throw new InjectException(where + " is missing or not a mapping");
        }
        return (MappingNode) n;
    }

    /** {@code deployment/web}, as kubectl names resources. */
    static String describe(Node doc) {
        String kind = Nodes.text(doc, "kind").orElse("unknown").toLowerCase(Locale.ROOT);
        String name = Nodes.textAt(doc, "metadata", "name").or(() -> Nodes.textAt(doc, "metadata", "generateName")).orElse("<unnamed>");
        return kind + "/" + name;
    }
}
