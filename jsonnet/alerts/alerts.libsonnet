(import 'golden.libsonnet') + (import 'slo.libsonnet')
