/**
 * The log archive: an S3-compatible bucket that keeps the whole output of every job attempt. The operator holds the
 * bucket's credentials and presigns, per attempt, one upload URL of one object ({@link
 * io.gpucompute.logarchive.LogArchive}); the workload's wrapper (or the Local adapter) uploads through it, so no
 * workload ever holds a storage credential.
 */
package io.gpucompute.logarchive;
