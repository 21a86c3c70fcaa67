package io.meshlens.install.inject;

import java.util.List;

/** The whole output stream and one outcome per resource (List items counted one by one). */
public record InjectResult(String yaml, List<Outcome> outcomes) {
    public InjectResult {
        outcomes = List.copyOf(outcomes);
    }

    /** The stderr summary, one line per resource. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        for (Outcome o : outcomes) {
            s.append(o.line()).append('\n');
        }
        return s.toString();
    }
}
