package io.gpucompute.provider.alibaba;

import com.aliyuncs.ecs.model.v20140526.DescribeInstancesResponse;
import com.aliyuncs.ecs.model.v20140526.DescribePriceResponse;
import com.aliyuncs.ecs.model.v20140526.RunInstancesRequest;
import io.gpucompute.api.v1alpha1.AlibabaProviderSpec;
import io.gpucompute.api.v1alpha1.CurrencyRate;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadLocks;
import io.gpucompute.provider.WorkloadSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AlibabaECS provider of one ProviderConfig: each attempt is one pay-as-you-go GPU instance tagged with
 * {@link WorkloadKey#workloadName()} (and this installation's id).
 *
 * <p>Its truth is at Alibaba: submit looks the instance up by tag before RunInstances, and each RunInstances carries
 * a ClientToken of its own (attempt, instance type, and how often that type was out of stock), so a crash or a
 * timeout between the call and the operator's status write never makes a second instance, while a retry after a
 * stock-out asks afresh, as Alibaba advises. When the container has exited, its exit code stays on the instance
 * ({@code $GPUJOB_DIR/exit}, read back through Cloud Assistant) until the operator has saved the outcome and cancels
 * the attempt, which releases the instance; so any instance of the adapter reads a finished workload as finished. In
 * memory it keeps only caches ({@link InstanceObserver}): Cloud Assistant reads in flight, the last log tail, and
 * finished observations until their instance is released.
 *
 * <p>It {@link #observesInBulk observes in bulk}: one DescribeInstances per page of 100 of this ProviderConfig's
 * instances, and the Cloud Assistant reads of the running ones together (see {@link #observeAll}).
 */
final class AlibabaEcsProvider implements GpuProvider {

  private static final Logger log = LoggerFactory.getLogger(AlibabaEcsProvider.class);

  private final String configName;
  private final EcsApi api;
  private final AlibabaProviderSpec config;
  private final AlibabaGpuTypes gpuTypes;
  private final WorkloadLocks locks;
  private final CurrencyRate currency;
  /** How often each (attempt, instance type) was out of stock: a new ClientToken after each, as Alibaba advises. */
  private final Map<String, Integer> stockOuts = new ConcurrentHashMap<>();
  private final InstanceObserver observer;

  AlibabaEcsProvider(String configName, EcsApi api, AlibabaProviderSpec config, AlibabaSettings settings,
      WorkloadLocks locks) {
    this(configName, api, config, settings, locks, null);
  }

  /**
   * @param currency the ProviderConfig's rate of the account's currency, which converts a job's USD price limit into a
   *     spot price limit; null when the account answers in USD
   */
  AlibabaEcsProvider(String configName, EcsApi api, AlibabaProviderSpec config, AlibabaSettings settings,
      WorkloadLocks locks, CurrencyRate currency) {
    this.currency = currency;
    this.configName = configName;
    this.api = api;
    this.config = config;
    this.gpuTypes = AlibabaGpuTypes.of(config.getInstanceTypes());
    this.locks = locks;
    this.observer = new InstanceObserver(api, settings);
  }

  @Override
  public ProbeResult probe() {
    try {
      int managed = api.countManaged();
      return ProbeResult.ready("ECS accepted the access key in region " + api.region() + "; " + managed
          + " instance(s) of this operator exist; jobs run on GPU instances in vSwitch " + config.getVSwitchId());
    } catch (ProviderException e) {
      return ProbeResult.notReady(e.reason(), e.getMessage());
    }
  }

  /**
   * One offer per GPU type, priced with DescribePrice for its smallest instance type, pay-as-you-go and spot
   * ({@code SpotAsPriceGo}, unless this ProviderConfig's spotStrategy is NoSpot), per GPU-hour in the currency Alibaba
   * answers in (CNY on the China site): the ProviderConfig's {@code currency} rate turns it into USD.
   */
  @Override
  public List<Offer> offers() throws ProviderException {
    List<Offer> offers = new ArrayList<>();
    for (AlibabaGpuTypes.Candidate candidate : gpuTypes.smallest().values()) {
      String name = candidate.instanceType() + (candidate.gpuCount() > 1 ? " (" + candidate.gpuCount() + " GPUs)" : "");
      DescribePriceResponse.PriceInfo.Price onDemand = price(candidate, "NoSpot");
      DescribePriceResponse.PriceInfo.Price spot = spotCapable() ? price(candidate, "SpotAsPriceGo") : null;
      String currency = onDemand != null ? onDemand.getCurrency() : spot != null ? spot.getCurrency() : null;
      if (onDemand != null) {
        name += ", " + new BigDecimal(onDemand.getTradePrice().toString()).toPlainString() + " " + currency + "/h";
      }
      offers.add(new Offer(candidate.gpuType(), name, null, AlibabaGpuTypes.MEMORY_GIB.get(candidate.gpuType()),
          perGpu(onDemand, candidate), perGpu(spot, candidate), currency));
    }
    return offers;
  }

  /** The hourly price of one instance of the candidate bought as {@code strategy}, or null when it has none here. */
  private DescribePriceResponse.PriceInfo.Price price(AlibabaGpuTypes.Candidate candidate, String strategy)
      throws ProviderException {
    try {
      DescribePriceResponse.PriceInfo.Price price = api.price(candidate.instanceType(), config.getZoneId(), strategy);
      return price == null || price.getTradePrice() == null ? null : price;
    } catch (ProviderException.InvalidCredentials | ProviderException.Transient e) {
      throw e;
    } catch (ProviderException e) {
      // Not priced here (not sold in the zone, no stock...): offered without a price.
      log.debug("ProviderConfig {}: no {} price for {}: {}", configName, strategy, candidate.instanceType(),
          e.getMessage());
      return null;
    }
  }

  private static BigDecimal perGpu(DescribePriceResponse.PriceInfo.Price price, AlibabaGpuTypes.Candidate candidate) {
    return price == null ? null : new BigDecimal(price.getTradePrice().toString())
        .divide(BigDecimal.valueOf(candidate.gpuCount()), 4, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  /** Whether this ProviderConfig runs spot attempts: unless its spotStrategy is NoSpot. */
  private boolean spotCapable() {
    return config.getSpotStrategy() != AlibabaProviderSpec.SpotStrategy.NoSpot;
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    WorkloadKey key = spec.key();
    List<AlibabaGpuTypes.Candidate> candidates = gpuTypes.candidates(spec.gpu(), spec.compute());
    if (!spec.pullSecrets().isEmpty()) {
      throw new ProviderException.InvalidRequest("PullSecretsNotSupported", "an ECS instance would have to log in to "
          + "the registry with credentials written into its UserData, which whoever may call DescribeUserData can read; "
          + "use an image the instances can pull without a login, or a custom instance image (spec.alibaba.imageId) "
          + "that holds the registry login, and leave spec.imagePullSecrets empty");
    }
    List<String> snapshots = EcsVolumes.snapshots(spec.volumes(), api.region());
    String userData = UserData.encoded(UserData.render(spec));
    return locks.withLock(key, () -> {
      Optional<DescribeInstancesResponse.Instance> existing = instanceOf(key);
      if (existing.isPresent()) {
        log.info("workload {}: ECS instance {} already exists; not creating another", key,
            existing.get().getInstanceId());
        return new SubmitResult(existing.get().getInstanceId(), note(existing.get().getInstanceType(),
            spec.onSpot()));
      }
      checkSnapshots(snapshots);
      List<String> refused = new ArrayList<>();
      for (AlibabaGpuTypes.Candidate candidate : candidates) {
        try {
          List<String> ids = api.runInstances(request(spec, candidate, userData, snapshots));
          if (ids.isEmpty()) {
            throw new ProviderException.Transient("ProviderUnavailable", "RunInstances answered without an instance "
                + "id; retried with the same ClientToken", null);
          }
          log.info("ProviderConfig {}: workload {} runs on ECS instance {} ({}, {})", configName, key, ids.get(0),
              candidate.instanceType(), zoneText());
          return new SubmitResult(ids.get(0), note(candidate.instanceType(), spec.onSpot()));
        } catch (ProviderException.NoCapacity e) {
          stockOuts.merge(key.workloadName() + "/" + candidate.instanceType(), 1, Integer::sum);
          log.info("workload {}: no {} in {}: {}", key, candidate.instanceType(), zoneText(), e.getMessage());
          refused.add(candidate.instanceType() + ": " + e.getMessage());
        }
      }
      throw new ProviderException.NoCapacity("no instance type for " + spec.gpu().count() + " x "
          + spec.gpu().type() + " has stock in " + zoneText() + " now; tried " + String.join("; ", refused));
    });
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    Optional<DescribeInstancesResponse.Instance> found = instanceOf(key);
    if (found.isEmpty()) {
      observer.forget(key);
      return Observation.notFound();
    }
    return observer.observe(key, found.get());
  }

  /**
   * What each of {@code workloads} is now, as {@link #observe} says it, whatever their number: this ProviderConfig's
   * instances by tag, one DescribeInstances per page of 100; then, for the running ones, the results of their Cloud
   * Assistant reads in flight (one DescribeInvocationResults per invocation and page) and their next reads (one
   * RunCommand per {@value EcsApi#MAX_COMMAND_INSTANCES} instances), so an unchanged running instance costs no call of
   * its own. The log tail of a pending or running workload is left out ({@link Observation#withoutLogTailWhileHeld});
   * a finished one's observation is observe's. A workload that the listing does not show is observed on its own (one
   * DescribeInstances by its tag), which says NOT_FOUND as observe does and also finds an instance that a listing
   * shifting between pages missed. A workload whose read could not be collected or started is left out.
   *
   * @throws ProviderException when the instances could not be listed
   */
  @Override
  public Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
    Map<String, List<DescribeInstancesResponse.Instance>> byWorkload = new HashMap<>();
    for (DescribeInstancesResponse.Instance instance : api.instancesOfProviderConfig(configName)) {
      String workload = tags(instance).get(EcsApi.TAG_WORKLOAD);
      if (workload != null) {
        byWorkload.computeIfAbsent(workload, w -> new ArrayList<>()).add(instance);
      }
    }
    Map<WorkloadKey, DescribeInstancesResponse.Instance> listed = new LinkedHashMap<>();
    List<WorkloadKey> unlisted = new ArrayList<>();
    for (WorkloadRef workload : workloads) {
      WorkloadKey key = workload.key();
      first(key, byWorkload.getOrDefault(key.workloadName(), List.of())).ifPresentOrElse(
          instance -> listed.put(key, instance), () -> unlisted.add(key));
    }
    Map<WorkloadKey, Observation> observed = observer.observeAll(listed);
    for (WorkloadKey key : unlisted) {
      try {
        observed.put(key, observe(key).withoutLogTailWhileHeld());
      } catch (ProviderException e) {
        log.debug("workload {}: not observed this round: {}", key, e.getMessage());
      }
    }
    return observed;
  }

  @Override
  public boolean observesInBulk() {
    return true;
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    locks.withLock(key, () -> {
      List<String> ids = api.instancesOf(key.workloadName()).stream()
          .map(DescribeInstancesResponse.Instance::getInstanceId).toList();
      if (!ids.isEmpty()) {
        api.deleteInstances(ids, null);
        log.info("workload {}: ECS instance(s) {} released", key, ids);
      }
      observer.forget(key);
      stockOuts.keySet().removeIf(k -> k.startsWith(key.workloadName() + "/"));
      return null;
    });
  }

  /** The instances this installation created, by its tag: one DescribeInstances per page of 100. */
  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    List<ListedWorkload> listed = new ArrayList<>();
    for (DescribeInstancesResponse.Instance instance : api.instancesOfInstallation(installation)) {
      Map<String, String> tags = tags(instance);
      String job = tags.getOrDefault(EcsApi.TAG_JOB, ListedWorkload.UNKNOWN + "/" + ListedWorkload.UNKNOWN);
      int slash = job.indexOf('/');
      WorkloadKey.fromWorkloadName(tags.get(EcsApi.TAG_WORKLOAD), slash < 0 ? ListedWorkload.UNKNOWN
              : job.substring(0, slash), slash < 0 ? job : job.substring(slash + 1))
          .ifPresent(key -> listed.add(new ListedWorkload(key, instance.getInstanceId(),
              time(instance.getCreationTime()))));
    }
    return Optional.of(listed);
  }

  /** The instance's tags, by key. */
  private static Map<String, String> tags(DescribeInstancesResponse.Instance instance) {
    return instance.getTags() == null ? Map.of() : instance.getTags().stream()
        .collect(java.util.stream.Collectors.toMap(DescribeInstancesResponse.Instance.Tag::getTagKey,
            t -> String.valueOf(t.getTagValue()), (a, b) -> a));
  }

  /** The instance tagged with {@code key}'s workload name, if ECS has one. */
  private Optional<DescribeInstancesResponse.Instance> instanceOf(WorkloadKey key) throws ProviderException {
    return first(key, api.instancesOf(key.workloadName()));
  }

  /** The first of the instances tagged with {@code key}'s workload name, warning when there are several. */
  private static Optional<DescribeInstancesResponse.Instance> first(WorkloadKey key,
      List<DescribeInstancesResponse.Instance> tagged) {
    if (tagged.size() > 1) {
      log.warn("workload {}: ECS has {} instances tagged {} ({}); using the first, cancel releases all", key,
          tagged.size(), key.workloadName(), tagged.stream().map(DescribeInstancesResponse.Instance::getInstanceId)
              .toList());
    }
    return tagged.stream().findFirst();
  }

  /**
   * Refuses snapshots that do not exist in the region (a snapshot of another region cannot make a disk here).
   *
   * @throws ProviderException.InvalidRequest (VolumeNotFound) naming them
   */
  private void checkSnapshots(List<String> snapshots) throws ProviderException {
    if (snapshots.isEmpty()) {
      return;
    }
    List<String> missing = new ArrayList<>(snapshots);
    missing.removeAll(api.existingSnapshots(snapshots));
    if (!missing.isEmpty()) {
      throw new ProviderException.InvalidRequest("VolumeNotFound", "region " + api.region() + " has no snapshot "
          + missing + "; a volume's snapshot must be in the ProviderConfig's region");
    }
  }

  private RunInstancesRequest request(WorkloadSpec spec, AlibabaGpuTypes.Candidate candidate, String userData,
      List<String> snapshots) {
    WorkloadKey key = spec.key();
    RunInstancesRequest request = new RunInstancesRequest();
    request.setClientToken(clientToken(key, candidate.instanceType()));
    request.setInstanceType(candidate.instanceType());
    request.setZoneId(config.getZoneId());
    request.setSecurityGroupId(config.getSecurityGroupId());
    request.setVSwitchId(config.getVSwitchId());
    if (config.getImageId() != null && !config.getImageId().isBlank()) {
      request.setImageId(config.getImageId());
    } else {
      request.setImageFamily(AlibabaEcsProviderFactory.DEFAULT_IMAGE_FAMILY);
    }
    request.setKeyPairName(config.getKeyPairName());
    request.setInstanceName(key.workloadName());
    request.setHostName(key.workloadName());
    request.setUserData(userData);
    request.setInstanceChargeType("PostPaid");
    SpotTerms spot = SpotTerms.of(spec.spot(), spec.gpu().count(), config, currency);
    request.setSpotStrategy(spot.strategy());
    if (spot.onSpot()) {
      request.setSpotInterruptionBehavior("Terminate");
      if (spot.priceLimit() != null) {
        request.setSpotPriceLimit(spot.priceLimit().floatValue());
      }
    }
    request.setAmount(1);
    request.setSystemDiskCategory("cloud_essd");
    Integer disk = spec.compute().diskGiB() != null ? spec.compute().diskGiB() : config.getSystemDiskGiB();
    request.setSystemDiskSize(String.valueOf(disk == null ? 100 : Math.max(20, disk)));
    if (!snapshots.isEmpty()) {
      request.setDataDisks(snapshots.stream().map(snapshot -> {
        RunInstancesRequest.DataDisk dataDisk = new RunInstancesRequest.DataDisk();
        dataDisk.setSnapshotId(snapshot);
        dataDisk.setCategory("cloud_essd");
        dataDisk.setDeleteWithInstance(true);
        return dataDisk;
      }).toList());
    }
    request.setTags(List.of(
        tag(EcsApi.TAG_WORKLOAD, key.workloadName()),
        tag(EcsApi.TAG_JOB_UID, key.uid()),
        tag(EcsApi.TAG_JOB, key.namespace() + "/" + key.name()),
        tag(EcsApi.TAG_PROVIDER_CONFIG, configName),
        tag(EcsApi.TAG_MANAGED_BY, EcsApi.OPERATOR)));
    if (spec.installation() != null) {
      List<RunInstancesRequest.Tag> tags = new ArrayList<>(request.getTags());
      tags.add(tag(EcsApi.TAG_INSTALLATION, spec.installation()));
      request.setTags(tags);
    }
    return request;
  }

  /**
   * The ClientToken of one RunInstances: the same for a retry of the same request (so a lost answer never makes a
   * second instance), new for another instance type or after a stock-out. At most 64 ASCII characters.
   */
  private String clientToken(WorkloadKey key, String instanceType) {
    int refusals = stockOuts.getOrDefault(key.workloadName() + "/" + instanceType, 0);
    return ClientTokens.of(key.workloadName(), instanceType, refusals);
  }

  private static RunInstancesRequest.Tag tag(String key, String value) {
    RunInstancesRequest.Tag tag = new RunInstancesRequest.Tag();
    tag.setKey(key);
    tag.setValue(value);
    return tag;
  }

  private String zoneText() {
    return config.getZoneId() != null ? "zone " + config.getZoneId() : "the zone of vSwitch " + config.getVSwitchId();
  }

  private String note(String instanceType, boolean spot) {
    return "ECS instance " + instanceType + " in " + zoneText() + " (" + (spot ? "spot" : "pay-as-you-go")
        + "); the container runs once and the instance is released when it ends";
  }

  /** ECS times look like 2024-05-01T10:01Z or 2024-05-01T10:01:00Z. */
  static Instant time(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm[:ss]XXX")).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
