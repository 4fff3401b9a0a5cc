package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** How to reach one provider account, and who may use it. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProviderConfigSpec {

  @Required
  @JsonPropertyDescription("The provider: Local, Kubernetes, RunPod, AlibabaECS or TencentTKE.")
  private ProviderType type;

  @JsonPropertyDescription("The Secret that holds the provider's credentials. Its keys depend on the type. "
      + "The operator reads it by name; its values never appear in status, Events or logs.")
  private SecretReference credentialsSecretRef;

  @Pattern("^[a-z0-9][a-z0-9-]*$")
  @JsonPropertyDescription("The provider's region, for example cn-hangzhou or ap-guangzhou.")
  private String region;

  @Pattern("^https?://.+")
  @JsonPropertyDescription("An API endpoint that overrides the provider's default, for private gateways and test doubles.")
  private String endpoint;

  @JsonPropertyDescription("The namespaces whose GpuJobs may use this provider, by label. Empty or unset allows every namespace. "
      + "Tip: kubernetes.io/metadata.name matches one namespace by name.")
  private LabelSelector allowedNamespaces;

  @Min(1)
  @JsonPropertyDescription("The most jobs that may run on this provider at once. Further jobs wait as Queued. Unset means no limit.")
  private Integer maxConcurrentJobs;

  @JsonPropertyDescription("What the periodic orphan sweep does with a workload that this installation created here "
      + "but whose GpuJob no longer exists: Delete (the default) stops and releases it; Report only records an Event "
      + "and a metric. Workloads of other installations that share the account are never touched.")
  private OrphanPolicy orphanPolicy;

  @JsonPropertyDescription("How fast the operator may call this provider. Calls beyond it wait for their next "
      + "reconcile, with jitter, and never affect other ProviderConfigs.")
  private RateLimit rateLimit;

  @JsonPropertyDescription("The currency of the provider's own catalogue prices, when it is not USD, with the rate "
      + "that converts them (Alibaba's DescribePrice answers in CNY on the China site). Without it such prices are not "
      + "used; spec.prices always wins.")
  private CurrencyRate currency;

  @JsonPropertyDescription("An S3-compatible bucket that keeps the whole output of every attempt of the jobs that run "
      + "here, after the job, its pod or instance are gone; GpuJob status.logs names each attempt's object. Unset "
      + "keeps only status.logTail.")
  private LogArchiveSpec logArchive;

  @JsonPropertyDescription("Hourly prices per GPU in USD. They override or fill the provider's own catalogue.")
  private List<GpuPrice> prices = new ArrayList<>();

  @JsonPropertyDescription("Settings of the Local provider (type Local).")
  private LocalProviderSpec local;

  @JsonPropertyDescription("Settings of the RunPod provider (type RunPod). Unset means pods on the secure cloud.")
  private RunPodProviderSpec runpod;

  @JsonPropertyDescription("Settings of the AlibabaECS provider (type AlibabaECS): security group, vSwitch, image "
      + "and instance types of the GPU instances. Required for that type.")
  private AlibabaProviderSpec alibaba;

  @JsonPropertyDescription("Settings of the Kubernetes provider (type Kubernetes): GPU nodes of this cluster, by GPU "
      + "type. Unset means Jobs in the GpuJob's namespace, any GPU type.")
  private KubernetesProviderSpec kubernetes;

  @JsonPropertyDescription("Settings of the TencentTKE provider (type TencentTKE): the TKE cluster and namespace. "
      + "Required for that type.")
  private TencentProviderSpec tencent;
}
