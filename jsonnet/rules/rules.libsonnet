(import 'workload.libsonnet') + (import 'slo.libsonnet')
