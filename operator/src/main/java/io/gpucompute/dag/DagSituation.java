package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.GpuDagSpec;
import io.gpucompute.api.v1alpha1.GpuDagStatus;
import java.time.Instant;
import java.util.Map;

/**
 * Everything {@link DagPlanner} decides from.
 *
 * @param generation the DAG's metadata.generation
 * @param spec the DAG's spec
 * @param previous the DAG's status as last written, or null
 * @param children the GpuJobs named after the tasks, by task name; a task without one has none
 * @param now the time of this reconcile
 */
public record DagSituation(Long generation, GpuDagSpec spec, GpuDagStatus previous, Map<String, ChildJobState> children,
    Instant now) {}
