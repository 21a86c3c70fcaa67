package io.meshlens.exporter.live;

import io.meshlens.exporter.discovery.WorkloadRef;

/**
 * One stream of requests as a proxy saw it: which pod (of which workload) reported it, in which
 * direction, between which workloads, for which authority and route.
 */
public record TrafficKey(String direction, WorkloadRef reporter, String pod, WorkloadRef src, WorkloadRef dst,
                         String authority, String route) {
    public boolean inbound() {
        return "inbound".equals(direction);
    }
}
