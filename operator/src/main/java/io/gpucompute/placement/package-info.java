/**
 * Placement: which ProviderConfig (and whether on spot capacity) a GpuJob's next attempt goes to, when the job names
 * several candidates or none. {@link io.gpucompute.placement.Placement} is the pure rule; the GpuJob reconciler feeds
 * it what the caches say of each candidate and asks the admission queue of the best ones in turn.
 */
package io.gpucompute.placement;
