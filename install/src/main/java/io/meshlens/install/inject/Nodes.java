package io.meshlens.install.inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reading and editing the YAML node tree (no Java objects are ever constructed from untrusted
 * input). Reads follow {@code <<} merge keys as kubectl does; writes copy a node first when it
 * carries an anchor, because an aliased node is shared and editing it would edit every place that
 * refers to it (a pod template's labels are often the selector's, which must never change).
 */
final class Nodes {
    static final String MERGE_KEY = "<<";

    private Nodes() {}

    static Optional<Node> get(Node mapping, String key) {
        if (!(mapping instanceof MappingNode)) {
            return Optional.empty();
        }
        for (NodeTuple t : ((MappingNode) mapping).getValue()) {
            if (isScalar(t.getKeyNode(), key)) {
                return Optional.of(t.getValueNode());
            }
        }
        for (NodeTuple t : ((MappingNode) mapping).getValue()) {
            if (isScalar(t.getKeyNode(), MERGE_KEY)) {
                Node merged = t.getValueNode();
                List<Node> sources = merged instanceof SequenceNode ? ((SequenceNode) merged).getValue() : List.of(merged);
                for (Node source : sources) {
                    Optional<Node> v = get(source, key);
                    if (v.isPresent()) {
                        return v;
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Node> path(Node root, String... keys) {
        Optional<Node> cur = Optional.of(root);
        for (String k : keys) {
            cur = cur.flatMap(n -> get(n, k));
        }
        return cur;
    }

    static Optional<String> text(Node mapping, String key) {
        return get(mapping, key).filter(n -> n instanceof ScalarNode).map(n -> ((ScalarNode) n).getValue());
    }

    static Optional<String> textAt(Node root, String... keys) {
        return path(root, keys).filter(n -> n instanceof ScalarNode).map(n -> ((ScalarNode) n).getValue());
    }

    static boolean isScalar(Node n, String value) {
        return n instanceof ScalarNode && ((ScalarNode) n).getValue().equals(value);
    }

    static List<Node> items(Node sequence) {
        return sequence instanceof SequenceNode ? ((SequenceNode) sequence).getValue() : List.of();
    }

    /**
     * Returns the mapping under {@code key} in {@code parent}, creating it (empty, block style) when
     * absent or null, and replacing it by an unanchored copy when it is anchored (shared).
     */
    static MappingNode mappingForWrite(MappingNode parent, String key) {
        NodeTuple t = tuple(parent, key);
        if (t != null && t.getValueNode() instanceof MappingNode && t.getValueNode().getAnchor().isEmpty()) {
            return (MappingNode) t.getValueNode();
        }
        MappingNode fresh;
        if (t != null && t.getValueNode() instanceof MappingNode) {
            fresh = (MappingNode) copy(t.getValueNode());
        } else {
            // A merged-in value is read through '<<'; writing creates the key here, seeded with it.
            Optional<Node> inherited = get(parent, key).filter(n -> n instanceof MappingNode);
            fresh = inherited.map(n -> (MappingNode) copy(n)).orElseGet(Nodes::emptyMapping);
        }
        put(parent, key, fresh);
        return fresh;
    }

    /** As {@link #mappingForWrite} for a sequence. */
    static SequenceNode sequenceForWrite(MappingNode parent, String key) {
        NodeTuple t = tuple(parent, key);
        if (t != null && t.getValueNode() instanceof SequenceNode && t.getValueNode().getAnchor().isEmpty()) {
            return (SequenceNode) t.getValueNode();
        }
        SequenceNode fresh;
        if (t != null && t.getValueNode() instanceof SequenceNode) {
            fresh = (SequenceNode) copy(t.getValueNode());
        } else {
            Optional<Node> inherited = get(parent, key).filter(n -> n instanceof SequenceNode);
            fresh = inherited.map(n -> (SequenceNode) copy(n))
                    .orElseGet(() -> new SequenceNode(Tag.SEQ, new ArrayList<>(), FlowStyle.BLOCK));
        }
        put(parent, key, fresh);
        return fresh;
    }

    static NodeTuple tuple(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (isScalar(t.getKeyNode(), key)) {
                return t;
            }
        }
        return null;
    }

    /** Sets {@code key} to {@code value}, in place when present (keeping the key's comments). */
    static void put(MappingNode m, String key, Node value) {
        List<NodeTuple> tuples = m.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            if (isScalar(tuples.get(i).getKeyNode(), key)) {
                tuples.set(i, new NodeTuple(tuples.get(i).getKeyNode(), value));
                return;
            }
        }
        tuples.add(new NodeTuple(plain(key), value));
    }

    static boolean remove(MappingNode m, String key) {
        return m.getValue().removeIf(t -> isScalar(t.getKeyNode(), key));
    }

    static MappingNode emptyMapping() {
        return new MappingNode(Tag.MAP, new ArrayList<>(), FlowStyle.BLOCK);
    }

    static ScalarNode plain(String value) {
        return new ScalarNode(Tag.STR, value, ScalarStyle.PLAIN);
    }

    /** A string that must stay a string ("true", "4191"): double-quoted. */
    static ScalarNode quoted(String value) {
        return new ScalarNode(Tag.STR, value, ScalarStyle.DOUBLE_QUOTED);
    }

    /** A deep copy without anchors (aliases inside become copies too), comments kept. */
    static Node copy(Node n) {
        Node c;
        if (n instanceof ScalarNode) {
            ScalarNode s = (ScalarNode) n;
            c = new ScalarNode(s.getTag(), s.isResolved(), s.getValue(), s.getScalarStyle(), Optional.empty(), Optional.empty());
        } else if (n instanceof SequenceNode) {
            SequenceNode s = (SequenceNode) n;
            List<Node> items = new ArrayList<>();
            for (Node i : s.getValue()) {
                items.add(copy(i));
            }
            c = new SequenceNode(s.getTag(), s.isResolved(), items, s.getFlowStyle(), Optional.empty(), Optional.empty());
        } else {
            MappingNode m = (MappingNode) n;
            List<NodeTuple> tuples = new ArrayList<>();
            for (NodeTuple t : m.getValue()) {
                tuples.add(new NodeTuple(copy(t.getKeyNode()), copy(t.getValueNode())));
            }
            c = new MappingNode(m.getTag(), m.isResolved(), tuples, m.getFlowStyle(), Optional.empty(), Optional.empty());
        }
        c.setBlockComments(n.getBlockComments());
        c.setInLineComments(n.getInLineComments());
        c.setEndComments(n.getEndComments());
        return c;
    }
}
