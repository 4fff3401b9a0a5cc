package io.gpucompute.provider.local;

/**
 * The user and group one workload runs as.
 *
 * @param uid its user id, its own while it runs
 * @param gid its group id
 */
record WorkloadUser(int uid, int gid) {}
