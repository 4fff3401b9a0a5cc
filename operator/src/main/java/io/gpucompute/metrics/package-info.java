/**
 * The operator's Prometheus metrics (docs/metrics.md): one Micrometer registry that JOSDK's reconcile metrics and
 * the gpucompute_* meters share, served on {@code /metrics}. Labels are low-cardinality only: never a job's name,
 * its env or any Secret value.
 */
package io.gpucompute.metrics;
