package io.gpucompute.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * Settings of the AlibabaECS provider (type AlibabaECS): each job attempt runs on one pay-as-you-go GPU ECS
 * instance whose UserData runs the job's container with Docker and the NVIDIA runtime. The credentials Secret holds
 * the keys {@code accessKeyId} and {@code accessKeySecret}; spec.region picks the region and spec.endpoint may
 * override the ECS API endpoint.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AlibabaProviderSpec {

  /** How an instance is bought: on demand, or as a spot instance. */
  public enum SpotStrategy {
    /** Pay-as-you-go, never reclaimed. */
    NoSpot,
    /** Spot, at the market price (capped at the pay-as-you-go price). */
    SpotAsPriceGo,
    /** Spot, up to spotPriceLimit per hour. */
    SpotWithPriceLimit
  }

  @Required
  @Pattern("^sg-[A-Za-z0-9]+$")
  @JsonPropertyDescription("The security group of the instances, for example sg-bp1abc. It needs no inbound rule: "
      + "the operator reaches the instances only through the ECS API (Cloud Assistant).")
  private String securityGroupId;

  @Required
  @Pattern("^vsw-[A-Za-z0-9]+$")
  @JsonProperty("vSwitchId")
  @JsonPropertyDescription("The vSwitch the instances are placed in, for example vsw-bp1xyz. It fixes the VPC and the "
      + "zone. The instances need outbound internet access (a NAT gateway or a public IP) to pull the image.")
  private String vSwitchId;

  @Pattern("^[a-z0-9][a-z0-9-]*$")
  @JsonPropertyDescription("The zone of the vSwitch, for example cn-hangzhou-i. Used for RunInstances and "
      + "DescribePrice. Unset lets ECS take the vSwitch's zone.")
  private String zoneId;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
  @JsonPropertyDescription("The image of the instances: a GPU-ready image (NVIDIA driver installed) with the Cloud "
      + "Assistant agent, for example a custom image or a public Ubuntu image. Unset means the image family "
      + "acs:ubuntu_22_04_x64, on which the UserData installs the driver, Docker and the NVIDIA container toolkit "
      + "at first boot (minutes).")
  private String imageId;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9_.-]*$")
  @JsonPropertyDescription("An SSH key pair bound to the instances, for debugging. Unset means none.")
  private String keyPairName;

  @JsonPropertyDescription("The instance types to try for each GPU type and count, in order: on "
      + "OperationDenied.NoStock the next one is tried. Entries here come before the built-in ones (T4: gn6i, "
      + "V100: gn6v, A10: gn7i, A100: gn7e then gn7) for the same GPU type and count.")
  private List<AlibabaInstanceType> instanceTypes = new ArrayList<>();

  @JsonPropertyDescription("How the attempts of jobs that run on spot capacity (GpuJob spec.spot Prefer or Only) buy "
      + "their instance: SpotAsPriceGo (the market price) or SpotWithPriceLimit (at most spotPriceLimit; a job's own "
      + "maxPricePerHour, converted, lowers it). NoSpot: this ProviderConfig runs no spot attempts. Unset means "
      + "SpotAsPriceGo. On-demand attempts are always pay-as-you-go. A reclaimed spot instance is a preemption.")
  private SpotStrategy spotStrategy;

  @Pattern(ApiGroup.DECIMAL_USD_PATTERN)
  @JsonPropertyDescription("The most a spot attempt pays per instance-hour with SpotWithPriceLimit, as a decimal "
      + "string, in the account's currency (CNY on the China site).")
  private String spotPriceLimit;

  @Min(20)
  @Max(2048)
  @JsonPropertyDescription("The system disk in GiB (cloud_essd). A job's spec.resources.diskGiB overrides it. Unset "
      + "means 100: the image and Docker layers live there.")
  private Integer systemDiskGiB;

  // Written out so that Jackson and the CRD generator see one property "vSwitchId": Lombok's getVSwitchId alone
  // would read as a second property "vswitchId".
  @JsonProperty("vSwitchId")
  public String getVSwitchId() {
    return vSwitchId;
  }

  @JsonProperty("vSwitchId")
  public void setVSwitchId(String vSwitchId) {
    this.vSwitchId = vSwitchId;
  }
}
