package io.meshlens.install.kustomize;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields fabric8's typed model did not recognise. fabric8 never rejects an unknown field: it
 * parks it in {@code additionalProperties}, so a typo ({@code readinesProbe}) would deserialise
 * "fine". This walks every getter of every model object and reports each parked field by path.
 */
public final class UnknownFields {
    private UnknownFields() {}

    /** Paths like {@code spec.template.spec.containers[0].readinesProbe}; empty when all are known. */
    public static List<String> find(Object model) {
        List<String> out = new ArrayList<>();
        walk(model, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?>) {
            int i = 0;
            for (Object e : (Collection<?>) o) {
                walk(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?>) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                walk(e.getValue(), path + "[" + e.getKey() + "]", out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?>) {
                    for (Object k : ((Map<?, ?>) v).keySet()) {
                        out.add(join(path, String.valueOf(k)));
                    }
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(v, join(path, field), out, seen);
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
