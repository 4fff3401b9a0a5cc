package io.gpucompute.job;

import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.provider.Observation;
import java.time.Instant;

/**
 * Everything {@link JobDecider} decides from, gathered by the reconciler.
 *
 * @param job the job as cached (spec, metadata and current status)
 * @param provider what was found of its ProviderConfig
 * @param admission the queue's answer, asked only when {@link JobDecider#wantsToStart} holds
 * @param observation the provider's view of the current attempt while the job holds a workload, else null
 * @param now the clock
 * @param jitter a uniform sample in [0, 1) for retry jitter
 * @param timing the timing knobs
 */
public record JobSituation(GpuJob job, ProviderView provider, Admission admission, Observation observation,
    Instant now, double jitter, JobTiming timing) {}
