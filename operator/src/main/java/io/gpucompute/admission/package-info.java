/**
 * The admission queue: which waiting GpuJobs may start on a provider now. Highest priority first, then oldest;
 * bounded by the ProviderConfig's {@code maxConcurrentJobs} and by a fixed GPU inventory (Local).
 * {@link io.gpucompute.admission.QueuePlanner} is the pure rule; {@link io.gpucompute.admission.AdmissionQueue}
 * applies it under a per-provider lock with reservations, so concurrent reconciles never over-admit.
 */
package io.gpucompute.admission;
