/**
 * GpuDags: graphs of GpuJobs. {@link io.gpucompute.dag.GpuDagReconciler} is thin: it reads the DAG's child GpuJobs
 * from an informer cache, asks the pure {@link io.gpucompute.dag.DagPlanner} for the next status and the children to
 * create, suspend or resume, does that, and writes the status. The GpuJob machinery runs the children.
 */
package io.gpucompute.dag;
