package io.gpucompute.provider.runpod;

import io.gpucompute.provider.WorkloadLocks;
import com.fasterxml.jackson.databind.JsonNode;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadVolume;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RunPod provider of one ProviderConfig in pod mode: each attempt is one on-demand GPU pod named
 * {@link WorkloadKey#workloadName()}, running the job's command once under the {@link RunOnce} wrapper.
 *
 * <p>Its truth is at RunPod: submit looks the pod up by name before deploying, so a crash between the deploy and
 * the operator's status write never makes a second pod, and a fresh instance finds the pods of an earlier one. A pod
 * whose command ended keeps running the wrapper's sleep, with the exit line in its log, until the operator has saved
 * the outcome and cancels it: so any instance of the adapter reads a finished pod as finished, with its exit code.
 * In memory it keeps only a cache of pod ids by key.
 */
final class RunPodPodProvider implements GpuProvider {

  private static final Logger log = LoggerFactory.getLogger(RunPodPodProvider.class);

  private final String configName;
  private final RunPodGraphQl api;
  private final PodLogs logs;
  private final PodLogRounds logRounds;
  private final PodRequest.PodSettings pods;
  private final WorkloadLocks locks;
  private final Map<WorkloadKey, String> podIds = new ConcurrentHashMap<>();
  private final RegistryAuths registryAuths;
  /** The installation this operator tags its pods with, once a submit told it; registry auths are kept per one. */
  private volatile String installation;
  /**
   * Whether registry auths of this installation may be left to delete: at first, after each deploy with one, and
   * while live pods still use some.
   */
  private volatile boolean authsMayExist = true;

  RunPodPodProvider(String configName, RunPodGraphQl api, PodLogs logs, RunPodSettings settings,
      PodRequest.PodSettings pods, RunPodSharedState shared) {
    this.configName = configName;
    this.api = api;
    this.logs = logs;
    this.logRounds = new PodLogRounds(logs, settings, configName);
    this.pods = pods;
    this.locks = shared.locks;
    this.registryAuths = new RegistryAuths(api, shared.registryAuths);
  }

  @Override
  public ProbeResult probe() {
    try {
      api.myself();
      return ProbeResult.ready("RunPod accepted the API key; jobs run as pods on the " + pods.cloudType() + " cloud");
    } catch (ProviderException e) {
      return ProbeResult.notReady(e.reason(), e.getMessage());
    }
  }

  @Override
  public List<Offer> offers() throws ProviderException {
    return RunPodOffers.of(api.gpuTypes(), pods.cloudType(), true);
  }

  @Override
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    WorkloadKey key = spec.key();
    PodRequest request = PodRequest.of(spec, pods);
    return locks.withLock(key, () -> {
      Optional<RunPodGraphQl.PodSummary> existing = livePod(key);
      if (existing.isPresent()) {
        log.info("workload {}: RunPod pod {} already exists; not deploying another", key, existing.get().id());
        podIds.put(key, existing.get().id());
        return new SubmitResult(existing.get().id(), note(request, null));
      }
      if (spec.installation() != null) {
        installation = spec.installation();
      }
      JsonNode pod = deploy(request.networkVolume().isPresent() ? withNetworkVolume(request) : request, spec, key);
      String id = pod.path("id").asText();
      podIds.put(key, id);
      String cost = pod.hasNonNull("costPerHr") ? pod.get("costPerHr").asText() : null;
      log.info("ProviderConfig {}: workload {} deployed as RunPod pod {} ({} x{}, {} cloud{})", configName, key, id,
          request.gpuType().runPodId(), spec.gpu().count(), pods.cloudType(), cost == null ? "" : ", " + cost + " USD/h");
      return new SubmitResult(id, note(request, cost));
    });
  }

  /**
   * The bid per GPU-hour of a spot pod: the job's price limit per GPU where it has one, else the catalogue's current
   * spot price for the cloud type (the lowest bid RunPod takes now).
   */
  private BigDecimal bidPerGpu(WorkloadSpec spec, PodRequest request) throws ProviderException {
    if (spec.spot().maxPricePerGpuHour() != null) {
      return spec.spot().maxPricePerGpuHour();
    }
    for (JsonNode type : api.gpuTypes()) {
      if (type.path("id").asText().equals(request.gpuType().runPodId())) {
        BigDecimal market = RunPodOffers.price(type, pods.cloudType(), "secureSpotPrice", "communitySpotPrice");
        if (market != null) {
          return market;
        }
      }
    }
    throw new ProviderException.NoCapacity("RunPod has no spot price for " + request.gpuType().runPodId() + " on the "
        + pods.cloudType() + " cloud now: no interruptible capacity");
  }

  @Override
  public Observation observe(WorkloadKey key) throws ProviderException {
    Optional<String> id = podId(key);
    if (id.isEmpty()) {
      return Observation.notFound();
    }
    Optional<JsonNode> pod = api.pod(id.get());
    if (pod.isEmpty()) {
      podIds.remove(key, id.get());
      return Observation.notFound();
    }
    return verdict(key, pod.get());
  }

  /**
   * One {@code myself { pods }} query for all of {@code workloads}, whatever their number, with the fields
   * {@link #observe} reads of each pod; each workload's pod is found as observe finds it (the pod id this adapter
   * knows, else the pod named after the workload); a workload missing from the list is observed on its own
   * ({@link #observe}: one more call, NOT_FOUND when RunPod does not know its pod either). RunPod shows no exit code,
   * so only the run-once wrapper's exit line in a pod's log tells that its command ended: the logs of started pods are
   * read as {@link PodLogRounds} says, at most {@code logReadsPerRound} a round (a started pod not read this round
   * is answered from its last read while its listing is unchanged, else left out until its turn; a pod whose read
   * failed is left out too). Each observation is observe's, log tail included ({@link #observesAllInFull}), so a job
   * woken by a change decides from it without a second call.
   *
   * @throws ProviderException when the pods could not be listed
   */
  @Override
  public Map<WorkloadKey, Observation> observeAll(List<WorkloadRef> workloads) throws ProviderException {
    Map<String, JsonNode> byId = new HashMap<>();
    Map<String, List<RunPodGraphQl.PodSummary>> byName = new HashMap<>();
    List<JsonNode> listed = new ArrayList<>(api.podsObserved());
    listed.sort(Comparator.comparing(pod -> pod.path("id").asText()));
    for (JsonNode pod : listed) {
      String id = pod.path("id").asText();
      byId.put(id, pod);
      byName.computeIfAbsent(pod.path("name").asText(""), name -> new ArrayList<>())
          .add(new RunPodGraphQl.PodSummary(id, pod.path("name").asText(), pod.path("desiredStatus").asText(null)));
    }
    Map<WorkloadKey, Observation> observed = new LinkedHashMap<>();
    List<PodLogRounds.Started> started = new ArrayList<>();
    for (WorkloadRef workload : workloads) {
      WorkloadKey key = workload.key();
      String known = podIds.get(key);
      if (known == null) {
        Optional<RunPodGraphQl.PodSummary> named = first(key, byName.getOrDefault(key.workloadName(), List.of()));
        named.ifPresent(pod -> podIds.put(key, pod.id()));
        known = named.map(RunPodGraphQl.PodSummary::id).orElse(null);
      }
      JsonNode pod = known == null ? null : byId.get(known);
      if (pod != null && started(pod)) {
        started.add(new PodLogRounds.Started(key, pod));
        continue;
      }
      try {
        // Missing from the list: asked on its own, so a list that lags behind a pod just made cannot lose it.
        observed.put(key, pod == null ? observe(key) : PodVerdict.of(pod, null, key.workloadName()));
      } catch (ProviderException e) {
        log.debug("workload {}: observing RunPod pod {} failed: {}; observed again next round", key, known,
            e.getMessage());
      }
    }
    observed.putAll(logRounds.observe(started));
    return observed;
  }

  @Override
  public boolean observesInBulk() {
    return true;
  }

  /** The bulk observation reads the logs that observe reads: a job woken by it need not observe again. */
  @Override
  public boolean observesAllInFull() {
    return true;
  }

  /** What {@code pod} and, once its container has started, its log say of the workload for {@code key}. */
  private Observation verdict(WorkloadKey key, JsonNode pod) throws ProviderException {
    PodLogs.Read read = started(pod) ? logs.read(pod.path("id").asText()) : null;
    return PodVerdict.of(pod, read, key.workloadName());
  }

  /** Whether the pod's container has started (or the pod stopped): then its log tells how its command went. */
  private static boolean started(JsonNode pod) {
    return pod.path("runtime").isObject() || !"RUNNING".equals(pod.path("desiredStatus").asText());
  }

  @Override
  public void close() {
    logRounds.close();
  }

  @Override
  public void cancel(WorkloadKey key) throws ProviderException {
    locks.withLock(key, () -> {
      Set<String> ids = new LinkedHashSet<>();
      Optional.ofNullable(podIds.get(key)).ifPresent(ids::add);
      api.podsNamed(key.workloadName()).forEach(pod -> ids.add(pod.id()));
      for (String id : ids) {
        api.terminate(id);
        log.info("workload {}: RunPod pod {} terminated", key, id);
      }
      podIds.remove(key);
      return null;
    });
    String ours = installation;
    if (ours != null && authsMayExist) {
      authsMayExist = false;
      try {
        if (registryAuths.collectGarbage(ours)) {
          authsMayExist = true;
        }
      } catch (ProviderException e) {
        authsMayExist = true; // housekeeping: the next cancel tries again
        log.warn("could not delete unused RunPod registry auths: {}", e.getMessage());
      }
    }
  }

  /** Deploys {@code request}, with the registry auth of its login saved first (under the auths' read lock). */
  private JsonNode deploy(PodRequest request, WorkloadSpec spec, WorkloadKey key) throws ProviderException {
    if (request.login().isEmpty()) {
      return create(request, spec, key);
    }
    registryAuths.lock().readLock().lock();
    try {
      authsMayExist = true;
      RegistryAuths.Saved auth = registryAuths.ensure(request.login().get(), spec.installation());
      return create(request.withRegistryAuth(auth.name(), auth.id()), spec, key);
    } finally {
      registryAuths.lock().readLock().unlock();
    }
  }

  /** An on-demand pod, or an interruptible one at the spot bid for a spot attempt. */
  private JsonNode create(PodRequest request, WorkloadSpec spec, WorkloadKey key) throws ProviderException {
    return spec.onSpot()
        ? api.rentInterruptable(request.input().put("bidPerGpu", bidPerGpu(spec, request)), key.workloadName())
        : api.deploy(request.input(), key.workloadName());
  }

  /**
   * {@code request} with its network volume's id and data centre, which the pod must run in.
   *
   * @throws ProviderException.InvalidRequest (VolumeNotFound) when the account has no such network volume
   */
  private PodRequest withNetworkVolume(PodRequest request) throws ProviderException {
    WorkloadVolume volume = request.networkVolume().orElseThrow();
    String id = ((WorkloadVolume.ProviderStorage) volume.source()).id();
    for (RunPodGraphQl.NetworkVolume candidate : api.networkVolumes()) {
      if (candidate.id().equals(id)) {
        return request.withNetworkVolume(id, candidate.dataCenterId());
      }
    }
    throw new ProviderException.InvalidRequest("VolumeNotFound", "volume " + volume.name() + ": the RunPod account "
        + "has no network volume " + id);
  }

  /** The pods of this installation: named as workloads and carrying its id in their environment. */
  @Override
  public Optional<List<ListedWorkload>> listWorkloads(String installation) throws ProviderException {
    List<ListedWorkload> listed = new ArrayList<>();
    for (RunPodGraphQl.PodSummary pod : api.podsOf(RunOnce.INSTALLATION_VARIABLE, installation)) {
      WorkloadKey.fromWorkloadName(pod.name(), ListedWorkload.UNKNOWN, ListedWorkload.UNKNOWN)
          .ifPresent(key -> listed.add(new ListedWorkload(key, pod.id(), null)));
    }
    return Optional.of(listed);
  }

  private Optional<String> podId(WorkloadKey key) throws ProviderException {
    String cached = podIds.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<RunPodGraphQl.PodSummary> pod = livePod(key);
    pod.ifPresent(p -> podIds.put(key, p.id()));
    return pod.map(RunPodGraphQl.PodSummary::id);
  }

  /** The pod named after {@code key}, if RunPod has one. */
  private Optional<RunPodGraphQl.PodSummary> livePod(WorkloadKey key) throws ProviderException {
    return first(key, api.podsNamed(key.workloadName()));
  }

  /** The first of the pods named after {@code key} (in the order of their ids), warning when there are several. */
  private static Optional<RunPodGraphQl.PodSummary> first(WorkloadKey key, List<RunPodGraphQl.PodSummary> named) {
    if (named.size() > 1) {
      log.warn("workload {}: RunPod has {} pods named {} ({}); using the first, cancel terminates all", key,
          named.size(), key.workloadName(), named.stream().map(RunPodGraphQl.PodSummary::id).toList());
    }
    return named.stream().findFirst();
  }

  private String note(PodRequest request, String costPerHr) {
    return "RunPod pod " + request.gpuType().runPodId() + " on the " + pods.cloudType() + " cloud"
        + (costPerHr == null ? "" : " at " + costPerHr + " USD/h")
        + "; the command runs once and the pod is terminated when it ends";
  }
}
