package io.gpucompute.provider;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where and how an attempt uploads its whole output: a presigned PUT URL of one object in the log archive, which
 * the workload's wrapper (or the adapter, for Local) uses while the command runs and once more when it ends. The
 * URL grants writing that one object until it expires and nothing else; the storage credentials stay with the
 * operator. {@link #toString} leaves the URL's signature out.
 *
 * @param location the object, as {@code s3://<bucket>/<key>}
 * @param endpoint the storage's S3 endpoint, or null for Amazon S3
 * @param url the presigned PUT URL
 * @param interval how often a running workload uploads its output so far
 * @param expires when the URL stops working
 */
public record LogUpload(String location, String endpoint, URI url, Duration interval, Instant expires) {

  /** The variable that carries the URL into a container, which the wrapper removes before it runs the command. */
  public static final String URL_VARIABLE = "GPUCOMPUTE_LOG_UPLOAD_URL";

  public LogUpload {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(expires, "expires");
  }

  /** The interval in whole seconds, at least 1. */
  public long intervalSeconds() {
    return Math.max(1, interval.toSeconds());
  }

  @Override
  public String toString() {
    return "LogUpload[location=" + location + ", endpoint=" + endpoint + ", expires=" + expires + "]";
  }
}
