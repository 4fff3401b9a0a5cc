package io.gpucompute.provider.alibaba;

import java.time.Duration;
import java.util.Objects;

/**
 * How the AlibabaECS adapter talks to Alibaba Cloud: settings of the operator process, not of a ProviderConfig.
 *
 * @param connectTimeout the longest a connection to the ECS API may take to open
 * @param readTimeout the longest one ECS API call may wait for its answer; past it the call is a
 *     {@link io.gpucompute.provider.ProviderException.Transient} and the operator retries it with the same
 *     ClientToken
 * @param logLines how many of the container's newest log lines Cloud Assistant reads back
 * @param commandTimeout the Cloud Assistant timeout of that read, in seconds
 */
public record AlibabaSettings(Duration connectTimeout, Duration readTimeout, int logLines, long commandTimeout) {

  /** Defaults for production. */
  public static final AlibabaSettings DEFAULT =
      new AlibabaSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), 200, 60);

  public AlibabaSettings {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (logLines < 1 || logLines > 2000) {
      throw new IllegalArgumentException("logLines must be 1..2000 (Cloud Assistant truncates its output), was "
          + logLines);
    }
    if (commandTimeout < 10) {
      throw new IllegalArgumentException("commandTimeout must be at least 10 seconds, was " + commandTimeout);
    }
  }
}
