package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** Where one attempt's whole output is kept, in the ProviderConfig's log archive. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@NoArgsConstructor
@AllArgsConstructor
public class ArchivedLog {
  @JsonPropertyDescription("The attempt's number, from 1.")
  private Integer attempt;

  @JsonPropertyDescription("The object that holds the attempt's output, as s3://<bucket>/<key>. It is written while "
      + "the attempt runs and completed when it ends, and stays after the job, its pod or instance are gone.")
  private String url;

  @JsonPropertyDescription("The S3-compatible endpoint of the bucket; unset means Amazon S3 of the archive's region. "
      + "Read the object with the storage's own CLI, for example aws s3 cp <url> - --endpoint-url <endpoint>.")
  private String endpoint;
}
