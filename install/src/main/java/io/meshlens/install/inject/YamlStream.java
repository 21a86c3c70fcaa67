package io.meshlens.install.inject;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.comments.CommentType;
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
                dropBlankLinesBeforeExplicitKeys(n);
                docs.add(n);
            }
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
            throw new InjectException("document " + (docs.size() + 1) + " cannot be parsed: " + e.getProblem() + where, e);
        } catch (YamlEngineException e) {
            throw new InjectException("document " + (docs.size() + 1) + " cannot be parsed: " + e.getMessage().strip().replaceAll("\\s*\\n\\s*", " "), e);
        }
        return docs;
    }

    static String dump(List<Node> docs) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < docs.size(); i++) {
            if (i > 0) {
                out.append("---\n");
            }
            String text = dump(docs.get(i), true);
            if (!readsBackAs(text, docs.get(i))) {
                text = dump(docs.get(i), false);
            }
            out.append(text);
        }
        return out.toString();
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

    /**
     * Whether {@code text} parses back to {@code doc}'s tree. snakeyaml-engine's comment emitter
     * can misplace a comment (before an anchored empty item, for one) so that the text no longer
     * parses, or means another tree; such a document is written without its comments instead,
     * which loses the comments and keeps the document.
     */
    private static boolean readsBackAs(String text, Node doc) {
        try {
            return new Compose(loadSettings()).composeString(text).map(back -> sameTree(back, doc)).orElse(false);
        } catch (YamlEngineException e) {
            return false;
        }
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

    /**
     * The emitter writes a key of 128 characters or more, or one spanning lines, in explicit form
     * ({@code ? key}), and the parser keeps no blank line before a {@code ?}: blank lines kept there
     * would vanish on the next run, and inject's output would not be a fixed point.
     */
    private static void dropBlankLinesBeforeExplicitKeys(Node n) {
        if (n instanceof SequenceNode) {
            ((SequenceNode) n).getValue().forEach(YamlStream::dropBlankLinesBeforeExplicitKeys);
        } else if (n instanceof MappingNode) {
            for (NodeTuple t : ((MappingNode) n).getValue()) {
                Node key = t.getKeyNode();
                if (key instanceof ScalarNode && writtenAsExplicitKey((ScalarNode) key) && key.getBlockComments() != null) {
                    key.setBlockComments(key.getBlockComments().stream()
                            .filter(c -> c.getCommentType() != CommentType.BLANK_LINE).collect(Collectors.toList()));
                }
                dropBlankLinesBeforeExplicitKeys(t.getValueNode());
            }
        }
    }

    /**
     * Whether the emitter may write this key as {@code ? key}: its simple-key limit is 128
     * characters, escapes, anchor and tag included, so this errs towards yes.
     */
    private static boolean writtenAsExplicitKey(ScalarNode key) {
        String v = key.getValue();
        if (v.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)) {
            return true;
        }
        // a character outside printable ASCII may be written as an escape of up to 10 characters
        long written = v.chars().mapToLong(c -> c >= 0x20 && c < 0x7f ? 1 : 10).sum();
        int decorations = key.getAnchor().map(a -> a.getValue().length() + 1).orElse(0) + key.getTag().getValue().length();
        return written + decorations >= 100;
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
