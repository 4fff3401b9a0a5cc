package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

/**
 * An S3-compatible bucket that keeps the whole output of every job attempt (Amazon S3, Alibaba OSS, Tencent COS,
 * MinIO). The operator reads its credentials and hands each attempt presigned upload URLs only: the workload never
 * holds a storage credential.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogArchiveSpec {
  @Required
  @Size(min = 3, max = 63)
  @Pattern("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
  @JsonPropertyDescription("The bucket. Keep logs as long as you need with the bucket's own lifecycle rule (see "
      + "docs/data-and-images.md).")
  private String bucket;

  @Size(max = 2048)
  @Pattern("^https?://[^/?#]+/?$")
  @JsonPropertyDescription("The S3 endpoint, scheme and host only, for example an OSS, COS or MinIO endpoint. The "
      + "workloads upload to it, so it must be reachable from where they run. Unset means Amazon S3 in region.")
  private String endpoint;

  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9][a-z0-9-]*$")
  @JsonPropertyDescription("The region the requests are signed for. Unset means us-east-1.")
  private String region;

  @Size(max = 256)
  @Pattern("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$")
  @JsonPropertyDescription("The key prefix of every log: <prefix>/<namespace>/<job>/<job uid>/attempt-<n>.log. Unset "
      + "means gpujobs.")
  private String prefix;

  @Required
  @JsonPropertyDescription("The Secret with the keys accessKeyId and secretAccessKey (and sessionToken, optional) "
      + "that may write to the bucket. Only the operator reads it.")
  private SecretReference credentialsSecretRef;

  @JsonPropertyDescription("Address the bucket as <endpoint>/<bucket>/<key> (path style, as MinIO wants by default) "
      + "rather than <bucket>.<endpoint host>/<key> (virtual-hosted style, which OSS requires). Unset means false.")
  private Boolean pathStyle;

  @Min(10)
  @Max(86400)
  @JsonPropertyDescription("How often a running attempt uploads its output so far, in seconds; it always uploads "
      + "the whole output when it ends. Unset means 300.")
  private Integer uploadIntervalSeconds;
}
