package io.meshlens.cli.demo;

import java.util.List;

/**
 * The exporter's static inventory for the demo (format: docs/architecture.md): each pod with its
 * IP, admin port and Deployment -> ReplicaSet owner chain, so the exporter attributes traffic to
 * {@code deployment/web} etc. exactly as it would in a cluster. The voting Deployment carries
 * an SLO override (99.5% over 7 days), as a team would annotate it.
 */
final class DemoInventory {
    private DemoInventory() {}

    static String yaml(String namespace, List<DemoPod> pods) {
        StringBuilder y = new StringBuilder("pods:\n");
        for (DemoPod p : pods) {
            String rs = p.name.substring(0, p.name.lastIndexOf('-'));
            y.append("  - namespace: ").append(namespace).append('\n')
                    .append("    name: ").append(p.name).append('\n')
                    .append("    ip: ").append(p.ip).append('\n')
                    .append("    node: local\n")
                    .append("    meshed: true\n")
                    .append("    adminPort: ").append(p.admin().getPort()).append('\n')
                    .append("    labels: {app: ").append(p.workload).append("}\n")
                    .append("    annotations: {meshlens.io/proxy-version: ").append(io.meshlens.proxy.Version.VERSION).append("}\n")
                    .append("    owners:\n")
                    .append("      - {kind: ReplicaSet, name: ").append(rs).append("}\n")
                    .append("      - {kind: Deployment, name: ").append(p.workload).append("}\n");
        }
        y.append("workloads:\n")
                .append("  - {namespace: ").append(namespace).append(", kind: Deployment, name: voting,\n")
                .append("     annotations: {meshlens.io/slo-availability: \"99.5\", meshlens.io/slo-period: 7d}}\n");
        return y.toString();
    }
}
