package io.gpucompute.dag;

import io.gpucompute.api.v1alpha1.GpuDagStatus;
import java.util.List;

/**
 * What {@link DagPlanner} decided: the next status, and the tasks whose GpuJobs to create, suspend or resume. The
 * status already counts the tasks to create as Running.
 */
public record DagPlan(GpuDagStatus status, List<String> create, List<String> suspend, List<String> resume) {

  /** Whether the plan asks for no change to any GpuJob. */
  public boolean changesNoJob() {
    return create.isEmpty() && suspend.isEmpty() && resume.isEmpty();
  }
}
