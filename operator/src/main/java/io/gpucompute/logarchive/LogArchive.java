package io.gpucompute.logarchive;

import io.gpucompute.api.v1alpha1.LogArchiveSpec;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.WorkloadKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * One ProviderConfig's log archive with its credentials: names each attempt's object and presigns its upload URL
 * (AWS Signature Version 4, query parameters), which is all the workload gets. {@link #toString} never shows the
 * credentials.
 */
public final class LogArchive {

  /** The longest a SigV4 presigned URL may be valid. */
  public static final Duration MAX_VALIDITY = Duration.ofDays(7);
  /** How much longer than the job's deadline an upload URL stays valid, for the last upload and a slow start. */
  static final Duration DEADLINE_MARGIN = Duration.ofHours(1);
  static final String DEFAULT_REGION = "us-east-1";
  static final String DEFAULT_PREFIX = "gpujobs";
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(300);

  /**
   * The keys of a log archive credentials Secret.
   *
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key
   * @param sessionToken a session token, or null
   */
  public record Keys(String accessKeyId, String secretAccessKey, String sessionToken) {
    public Keys {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    AwsCredentials credentials() {
      return sessionToken == null ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
          : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken);
    }

    @Override
    public String toString() {
      return "Keys[accessKeyId=" + accessKeyId + "]";
    }
  }

  private final LogArchiveSpec spec;
  private final Keys keys;

  public LogArchive(LogArchiveSpec spec, Keys keys) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** The object key of an attempt's log: {@code <prefix>/<namespace>/<job>/<job uid>/attempt-<n>.log}. Pure. */
  public static String objectKey(String prefix, WorkloadKey key) {
    String base = prefix == null || prefix.isBlank() ? DEFAULT_PREFIX : prefix;
    return base + "/" + key.namespace() + "/" + key.name() + "/" + key.uid() + "/attempt-" + key.attempt() + ".log";
  }

  /**
   * How long an attempt's upload URL is valid: the job's deadline plus {@link #DEADLINE_MARGIN}, at most
   * {@link #MAX_VALIDITY} (also without a deadline). Pure.
   */
  public static Duration validity(Duration activeDeadline) {
    if (activeDeadline == null) {
      return MAX_VALIDITY;
    }
    Duration wanted = activeDeadline.plus(DEADLINE_MARGIN);
    return wanted.compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : wanted;
  }

  /** The endpoint as status.logs shows it, or null for Amazon S3. */
  public String endpoint() {
    return spec.getEndpoint() == null ? null : spec.getEndpoint().replaceFirst("/$", "");
  }

  /** Where the log of {@code key} lives: {@code s3://<bucket>/<key>}. */
  public String location(WorkloadKey key) {
    return "s3://" + spec.getBucket() + "/" + objectKey(spec.getPrefix(), key);
  }

  /** The upload of the log of {@code key}, valid for {@link #validity} from {@code now}. Computes a signature only. */
  public LogUpload upload(WorkloadKey key, Duration activeDeadline, Instant now) {
    Duration validity = validity(activeDeadline);
    try (S3Presigner presigner = presigner()) {
      PresignedPutObjectRequest presigned = presigner.presignPutObject(request -> request
          .signatureDuration(validity)
          .putObjectRequest(put -> put.bucket(spec.getBucket()).key(objectKey(spec.getPrefix(), key))));
      Duration interval = spec.getUploadIntervalSeconds() == null ? DEFAULT_INTERVAL
          : Duration.ofSeconds(spec.getUploadIntervalSeconds());
      return new LogUpload(location(key), endpoint(), URI.create(presigned.url().toString()), interval, now.plus(validity));
    }
  }

  private S3Presigner presigner() {
    S3Presigner.Builder builder = S3Presigner.builder()
        .region(Region.of(spec.getRegion() == null ? DEFAULT_REGION : spec.getRegion()))
        .credentialsProvider(StaticCredentialsProvider.create(keys.credentials()))
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(Boolean.TRUE.equals(spec.getPathStyle())).build());
    if (spec.getEndpoint() != null) {
      builder.endpointOverride(URI.create(endpoint()));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return "LogArchive[bucket=" + spec.getBucket() + ", endpoint=" + endpoint() + ", " + keys + "]";
  }
}
