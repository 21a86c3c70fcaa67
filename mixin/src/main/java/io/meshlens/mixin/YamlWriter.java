package io.meshlens.mixin;

import java.util.Optional;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

/**
 * Writes plain Java maps, lists and scalars as block YAML. Multi-line strings (PromQL, embedded
 * rule files, dashboards in config maps) become literal blocks ({@code |}) so that rendered files
 * read and diff like hand-written ones; lines are never folded.
 */
final class YamlWriter {
    private static final DumpSettings SETTINGS = DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setDefaultScalarStyle(ScalarStyle.PLAIN)
            .setIndent(2)
            .setIndicatorIndent(0)
            .setWidth(Integer.MAX_VALUE)
            .setSplitLines(false)
            .setExplicitRootTag(Optional.empty())
            .build();

    private YamlWriter() {}

    static String write(Object value) {
        return new Dump(SETTINGS, new LiteralBlockRepresenter()).dumpToString(value);
    }

    /** Multi-line strings as literal blocks; everything else as snakeyaml would. */
    private static final class LiteralBlockRepresenter extends StandardRepresenter {
        LiteralBlockRepresenter() {
            super(SETTINGS);
            representers.put(String.class, data -> {
                String s = (String) data;
                return representScalar(Tag.STR, s, s.indexOf('\n') >= 0 ? ScalarStyle.LITERAL : ScalarStyle.PLAIN);
            });
        }
    }
}
