package io.meshlens.install.inject;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Untrusted multi-document YAML in, node trees out, and back. Only the composer runs (no Java
 * object is ever constructed, so no class loading from tags); aliases are capped against
 * "billion laughs", recursive structures and oversized input are refused. Comments, anchors,
 * flow/block and quoting styles survive the round trip.
 */
final class YamlStream {
    /** Limits for untrusted input: 8 MiB of text, 50 aliases to collections per document. */
    static final int MAX_CODE_POINTS = 8 * 1024 * 1024;
    static final int MAX_ALIASES = 50;

    private YamlStream() {}

    static LoadSettings loadSettings() {
        return LoadSettings.builder()
                .setParseComments(true)
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(MAX_CODE_POINTS)
                .build();
    }

    /** Composes every document; the error names the document number and line. */
    static List<Node> parse(String yaml) throws InjectException {
        List<Node> docs = new ArrayList<>();
        try {
            for (Node n : new Compose(loadSettings()).composeAllFromString(yaml)) {
                if (isRecursive(n)) {
                    throw new InjectException("document " + (docs.size() + 1) + ": recursive aliases are not allowed");
                }
                if (!docs.isEmpty() && n.getTag().equals(Tag.COMMENT)) {
                    // The parser's holder for comments after a document whose root is a scalar:
                    // not a document, and written back it would become an empty "---" document
                    // and lose its comments on the next run. Such a scalar is never a
                    // Kubernetes object, so its trailing comments are dropped here once.
                    continue;
                }
                docs.add(n);
            }
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
            throw new InjectException("document " + (docs.size() + 1) + " cannot be parsed: " + e.getProblem() + where, e);
        } catch (YamlEngineException e) {
            throw new InjectException("document " + (docs.size() + 1) + " cannot be parsed: " + e.getMessage().strip().replaceAll("\\s*\\n\\s*", " "), e);
        } catch (RuntimeException e) {
            // snakeyaml-engine's composer has thrown ClassCastException on comments inside a flow
            // collection: whatever it throws on hostile input is a refusal, not a crash.
            throw new InjectException("document " + (docs.size() + 1) + " cannot be parsed: the YAML library failed on it ("
                    + e.getClass().getSimpleName() + "); comments inside a flow collection ([...] or {...}) are known to"
                    + " cause this: write that part in block style", e);
        }
        return docs;
    }

    static String dump(List<Node> docs) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < docs.size(); i++) {
            if (i > 0) {
                out.append("---\n");
            }
            out.append(settledText(docs.get(i)));
        }
        return out.toString();
    }

    /**
     * The document's text, with its comments and blank lines where reading it back and writing it
     * again gives the same text: the next run of inject must change nothing. snakeyaml-engine's
     * comment model moves blank lines (before a {@code ? key}, after a {@code - } that opens a
     * mapping) and can misplace a comment so that the text means another tree (a comment before
     * an anchored empty list item) or refuse to write it at all; a few rounds settle the first,
     * and a document that does not settle, does not read back as itself or cannot be written with
     * its comments is written without them.
     */
    private static String settledText(Node doc) {
        try {
            String text = dump(doc, true);
            for (int round = 0; round < 3; round++) {
                Node back = readBack(text);
                if (back == null || !sameTree(back, doc)) {
                    break;
                }
                String again = dump(back, true);
                if (again.equals(text)) {
                    return text;
                }
                text = again;
            }
        } catch (YamlEngineException e) {
            // the emitter refuses some comment placements the parser produced ("expected NodeEvent, but got Comment")
        }
        return dump(doc, false);
    }

    /** The single document {@code text} holds, read as {@link #parse} reads it; null if it is not one. */
    private static Node readBack(String text) {
        try {
            List<Node> docs = parse(text);
            return docs.size() == 1 ? docs.get(0) : null;
        } catch (InjectException e) {
            return null;
        }
    }

    private static String dump(Node doc, boolean comments) {
        DumpSettings settings = DumpSettings.builder()
                .setDumpComments(comments)
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .setWidth(4096)
                .setSplitLines(false)
                .build();
        StringWriter w = new StringWriter();
        new Dump(settings).dumpNode(doc, new StreamDataWriter() {
            @Override
            public void write(String str) {
                w.write(str);
            }

            @Override
            public void write(String str, int off, int len) {
                w.write(str, off, len);
            }
        });
        return w.toString();
    }

    private static boolean sameTree(Node a, Node b) {
        if (a.getNodeType() != b.getNodeType() || !a.getTag().equals(b.getTag())) {
            return false;
        }
        if (a instanceof ScalarNode) {
            return ((ScalarNode) a).getValue().equals(((ScalarNode) b).getValue());
        }
        if (a instanceof SequenceNode) {
            List<Node> x = ((SequenceNode) a).getValue();
            List<Node> y = ((SequenceNode) b).getValue();
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameTree(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        List<NodeTuple> x = ((MappingNode) a).getValue();
        List<NodeTuple> y = ((MappingNode) b).getValue();
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!sameTree(x.get(i).getKeyNode(), y.get(i).getKeyNode()) || !sameTree(x.get(i).getValueNode(), y.get(i).getValueNode())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRecursive(Node root) {
        return walk(root, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** True when a node contains itself (a cycle through an alias). */
    private static boolean walk(Node n, Set<Node> path) {
        if (n.isRecursive() || !path.add(n)) {
            return true;
        }
        try {
            if (n instanceof SequenceNode) {
                for (Node c : ((SequenceNode) n).getValue()) {
                    if (walk(c, path)) {
                        return true;
                    }
                }
            } else if (n instanceof MappingNode) {
                for (NodeTuple t : ((MappingNode) n).getValue()) {
                    if (walk(t.getKeyNode(), path) || walk(t.getValueNode(), path)) {
                        return true;
                    }
                }
            }
            return false;
        } finally {
            path.remove(n);
        }
    }
}
