package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.gpucompute.api.v1alpha1.GpuJob;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ListedWorkload;
import io.gpucompute.provider.LogShipping;
import io.gpucompute.provider.LogUpload;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadLocks;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch/v1 Job machinery that the Kubernetes and TencentTKE providers share. Each attempt is one Job named
 * {@link WorkloadKey#workloadName()} with one pod (container {@value #CONTAINER}, {@code backoffLimit: 0},
 * {@code restartPolicy: Never}); its environment lives in a Secret of the same name owned by the Job, so values never
 * show in the Job's spec. The truth is the API server: submit looks the Job up by name before creating it, so an
 * operator restart never makes a second one.
 */
public final class BatchJobWorkloads {

  /** The container's name in every Job's pod. */
  public static final String CONTAINER = "main";
  /** Label: the GpuJob's uid. */
  public static final String JOB_UID_LABEL = "gpucompute.io/job-uid";
  /** Label: the attempt number. */
  public static final String ATTEMPT_LABEL = "gpucompute.io/attempt";
  /** Label: the operator installation that created the Job (the uid of its cluster's kube-system namespace). */
  public static final String INSTALLATION_LABEL = "gpucompute.io/installation";
  /** Label: who manages the Job. */
  static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  /** Its value. */
  static final String MANAGED_BY = "gpu-compute-operator";
  /** Annotation: the GpuJob as namespace/name (names may be longer than a label value). */
  public static final String JOB_ANNOTATION = "gpucompute.io/job";
  /** The extended resource of NVIDIA GPUs. */
  public static final String GPU_RESOURCE = "nvidia.com/gpu";
  /** The label the job controller puts on a Job's pods. */
  static final String JOB_NAME_LABEL = "job-name";

  private static final Logger log = LoggerFactory.getLogger(BatchJobWorkloads.class);
  private static final int LOG_LINES = 100;
  private static final int LOG_CHARS = 8_000;

  private final KubernetesClient client;
  private final String cluster;
  private final JobPlacement placement;
  private final WorkloadLocks locks;

  /**
   * @param client the client of the cluster the Jobs run on
   * @param cluster how messages name that cluster, such as "this cluster" or "TKE cluster cls-abc"
   * @param placement where and how the Jobs run
   * @param locks serialises submit and cancel per workload
   */
  public BatchJobWorkloads(KubernetesClient client, String cluster, JobPlacement placement, WorkloadLocks locks) {
    this.client = client;
    this.cluster = cluster;
    this.placement = placement;
    this.locks = locks;
  }

  /** The namespace the Job of {@code key} lives in. */
  public String namespace(WorkloadKey key) {
    return placement.namespace() != null ? placement.namespace() : key.namespace();
  }

  /** One offer per configured GPU type; count and price unknown (the ProviderConfig's prices fill the price). */
  public List<Offer> offers() {
    return offers(placement);
  }

  /** The offers of {@code placement}: one per configured GPU type, count and price unknown. */
  public static List<Offer> offers(JobPlacement placement) {
    Map<String, String> names = new TreeMap<>();
    placement.gpuTypes().forEach((type, labels) -> names.put(type, describe(labels)));
    placement.gpuAnnotations().forEach((type, annotations) -> names.putIfAbsent(type, describe(annotations)));
    return names.entrySet().stream().map(e -> new Offer(e.getKey(), e.getValue(), null, null, null)).toList();
  }

  /**
   * Checks that the operator may list Jobs where they run (the configured namespace, or every namespace).
   *
   * @throws ProviderException a 403 comes back as reason Forbidden, naming the permission
   */
  public void checkAccess() throws ProviderException {
    var options = new ListOptionsBuilder().withLimit(1L).build();
    if (placement.namespace() == null) {
      call(() -> client.batch().v1().jobs().inAnyNamespace().list(options), "list jobs.batch in all namespaces");
    } else {
      call(() -> client.batch().v1().jobs().inNamespace(placement.namespace()).list(options),
          "list jobs.batch in namespace " + placement.namespace());
    }
  }

  /** Creates the Job of {@code spec}, or finds the one already there. */
  public SubmitResult submit(WorkloadSpec spec) throws ProviderException {
    WorkloadKey key = spec.key();
    Job desired = desired(spec);
    String ns = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    return locks.withLock(key, () -> {
      Job existing = call(() -> client.batch().v1().jobs().inNamespace(ns).withName(name).get(), "get Job " + ns + "/" + name);
      if (existing != null) {
        log.info("workload {}: Job {}/{} already exists on {}; not creating another", key, ns, name, cluster);
        return new SubmitResult(externalId(ns, name), null);
      }
      List<Secret> companions = companions(spec, ns, name);
      for (Secret companion : companions) {
        String secretName = companion.getMetadata().getName();
        call(() -> client.secrets().inNamespace(ns).resource(companion).createOr(s -> s.update()),
            "create Secret " + ns + "/" + secretName);
      }
      Job created;
      try {
        created = call(() -> client.batch().v1().jobs().inNamespace(ns).resource(desired).create(),
            "create Job " + ns + "/" + name);
      } catch (ProviderException e) {
        if (!(e instanceof ProviderException.Transient) || !"AlreadyExists".equals(e.reason())) {
          throw e;
        }
        created = call(() -> client.batch().v1().jobs().inNamespace(ns).withName(name).get(), "get Job " + ns + "/" + name);
      }
      if (created != null) {
        OwnerReference byJob = new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
            .withName(name).withUid(created.getMetadata().getUid()).build();
        for (Secret companion : companions) {
          String secretName = companion.getMetadata().getName();
          call(() -> client.secrets().inNamespace(ns).withName(secretName).edit(s -> {
            s.getMetadata().setOwnerReferences(List.of(byJob));
            return s;
          }), "set the owner of Secret " + ns + "/" + secretName);
        }
      }
      log.info("workload {}: created Job {}/{} on {} ({} x{})", key, ns, name, cluster, spec.gpu().type(),
          spec.gpu().count());
      return new SubmitResult(externalId(ns, name), "a batch/v1 Job " + name + " in namespace " + ns + " on " + cluster);
    });
  }

  /** What the Job of {@code key} and its pod say now. */
  public Observation observe(WorkloadKey key) throws ProviderException {
    String ns = namespace(key);
    String name = key.workloadName();
    Job job = call(() -> client.batch().v1().jobs().inNamespace(ns).withName(name).get(), "get Job " + ns + "/" + name);
    if (job == null) {
      return Observation.notFound();
    }
    List<Pod> pods = call(() -> client.pods().inNamespace(ns).withLabel(JOB_NAME_LABEL, name).list().getItems(),
        "list the pods of Job " + ns + "/" + name);
    Optional<Pod> pod = pods.stream().max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())));
    return verdict(externalId(ns, name), job, pod.orElse(null), pod.map(p -> logTail(ns, p)).orElse(null));
  }

  /** Deletes the Job of {@code key} (its pods go by background propagation) and its Secret. */
  public void cancel(WorkloadKey key) throws ProviderException {
    String ns = namespace(key);
    String name = key.workloadName();
    locks.withLock(key, () -> {
      var deleted = call(() -> client.batch().v1().jobs().inNamespace(ns).withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete(), "delete Job " + ns + "/" + name);
      call(() -> client.secrets().inNamespace(ns).withName(name).delete(), "delete Secret " + ns + "/" + name);
      String copy = name + JobPullSecrets.COPY_SUFFIX;
      call(() -> client.secrets().inNamespace(ns).withName(copy).delete(), "delete Secret " + ns + "/" + copy);
      if (deleted != null && !deleted.isEmpty()) {
        log.info("workload {}: deleted Job {}/{} on {} (its pods go with it)", key, ns, name, cluster);
      }
      return null;
    });
  }

  /**
   * The Jobs that installation {@code installation} created where this provider runs them, by label: one list call
   * per page of 500.
   */
  public List<ListedWorkload> list(String installation) throws ProviderException {
    List<ListedWorkload> listed = new ArrayList<>();
    for (Job job : jobsLabelled(MANAGED_BY_LABEL + "=" + MANAGED_BY + "," + INSTALLATION_LABEL + "=" + installation)) {
      String owner = job.getMetadata().getAnnotations() == null ? null
          : job.getMetadata().getAnnotations().get(JOB_ANNOTATION);
      int slash = owner == null ? -1 : owner.indexOf('/');
      WorkloadKey.fromWorkloadName(job.getMetadata().getName(),
              slash < 0 ? ListedWorkload.UNKNOWN : owner.substring(0, slash),
              slash < 0 ? ListedWorkload.UNKNOWN : owner.substring(slash + 1))
          .filter(key -> key.uid().equals(job.getMetadata().getLabels().get(JOB_UID_LABEL)))
          .ifPresent(key -> listed.add(new ListedWorkload(key, externalId(job.getMetadata().getNamespace(),
              job.getMetadata().getName()), instant(job.getMetadata().getCreationTimestamp()))));
    }
    return listed;
  }

  /**
   * What the operator's Jobs and their newest pods say of each of {@code workloads}, from two listings by label (Jobs,
   * then pods; one call per page of 500 each), whatever the number of workloads. Without the logs, which a pending
   * or running pod's observation leaves out (null: the job keeps the tail it has); the reconcile of a job whose
   * workload changed observes it on its own, logs included.
   */
  public Map<WorkloadKey, Observation> observeAll(List<GpuProvider.WorkloadRef> workloads) throws ProviderException {
    String managed = MANAGED_BY_LABEL + "=" + MANAGED_BY;
    Map<String, Job> jobs = new java.util.HashMap<>();
    for (Job job : jobsLabelled(managed)) {
      jobs.put(job.getMetadata().getNamespace() + "/" + job.getMetadata().getName(), job);
    }
    Map<String, Pod> newestPods = new java.util.HashMap<>();
    String where = placement.namespace() == null ? "all namespaces" : "namespace " + placement.namespace();
    for (Pod pod : pages(options -> placement.namespace() == null ? client.pods().inAnyNamespace().list(options)
        : client.pods().inNamespace(placement.namespace()).list(options), managed, "list the operator's pods in " + where)) {
      String job = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(JOB_NAME_LABEL);
      if (job != null) {
        newestPods.merge(pod.getMetadata().getNamespace() + "/" + job, pod, (a, b) ->
            String.valueOf(a.getMetadata().getCreationTimestamp())
                .compareTo(String.valueOf(b.getMetadata().getCreationTimestamp())) >= 0 ? a : b);
      }
    }
    Map<WorkloadKey, Observation> observed = new LinkedHashMap<>();
    for (GpuProvider.WorkloadRef workload : workloads) {
      String ns = namespace(workload.key());
      String id = ns + "/" + workload.key().workloadName();
      Job job = jobs.get(id);
      observed.put(workload.key(), job == null ? Observation.notFound()
          : verdict(externalId(ns, workload.key().workloadName()), job, newestPods.get(id), null));
    }
    return observed;
  }

  private List<Job> jobsLabelled(String selector) throws ProviderException {
    String where = placement.namespace() == null ? "all namespaces" : "namespace " + placement.namespace();
    return pages(options -> placement.namespace() == null ? client.batch().v1().jobs().inAnyNamespace().list(options)
        : client.batch().v1().jobs().inNamespace(placement.namespace()).list(options), selector,
        "list the operator's jobs.batch in " + where);
  }

  /** Every item of a listing by {@code selector}, page by page (500 a page). */
  private <T extends HasMetadata> List<T> pages(
      java.util.function.Function<io.fabric8.kubernetes.api.model.ListOptions,
          ? extends io.fabric8.kubernetes.api.model.KubernetesResourceList<T>> list,
      String selector, String doing) throws ProviderException {
    List<T> items = new ArrayList<>();
    String next = null;
    do {
      var options = new ListOptionsBuilder().withLabelSelector(selector).withLimit(500L).withContinue(next).build();
      var page = call(() -> list.apply(options), doing);
      items.addAll(page.getItems());
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return items;
  }

  /** The Job for {@code spec}. */
  public Job desired(WorkloadSpec spec) throws ProviderException.InvalidRequest {
    if (spec.onSpot() && placement.spot() == null) {
      throw new ProviderException.InvalidRequest("SpotUnavailable", cluster + " has no spot nodes: set "
          + "spec.kubernetes.spot (or spec.tencent.spot) in the ProviderConfig to run spot attempts here");
    }
    WorkloadKey key = spec.key();
    String type = spec.gpu().type();
    String configured = placement.configuredType(type);
    if (configured == null && !placement.acceptsAnyType()) {
      throw new ProviderException.InvalidRequest("UnknownGpuType", "GPU type '" + type + "' is not offered on "
          + cluster + "; offered: " + new TreeSet<>(offerTypes()));
    }
    if (spec.logUpload() != null && spec.command().isEmpty()) {
      throw new ProviderException.InvalidRequest("CommandRequired", "this ProviderConfig archives every job's output "
          + "by running the command under a wrapper, which cannot see the image's entrypoint: set spec.command");
    }
    String ns = namespace(key);
    String name = key.workloadName();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    labels.put(JOB_UID_LABEL, key.uid());
    labels.put(ATTEMPT_LABEL, Integer.toString(key.attempt()));
    if (spec.installation() != null) {
      labels.put(INSTALLATION_LABEL, spec.installation());
    }
    Map<String, String> annotations = Map.of(JOB_ANNOTATION, key.namespace() + "/" + key.name());

    Map<String, Quantity> limits = new LinkedHashMap<>();
    Map<String, Quantity> requests = new LinkedHashMap<>();
    limits.put(GPU_RESOURCE, new Quantity(Integer.toString(spec.gpu().count())));
    if (spec.compute().cpu() != null) {
      limits.put("cpu", new Quantity(spec.compute().cpu().toString()));
      requests.put("cpu", new Quantity(spec.compute().cpu().toString()));
    }
    if (spec.compute().memoryGiB() != null) {
      limits.put("memory", new Quantity(spec.compute().memoryGiB() + "Gi"));
      requests.put("memory", new Quantity(spec.compute().memoryGiB() + "Gi"));
    }
    if (spec.compute().diskGiB() != null) {
      requests.put("ephemeral-storage", new Quantity(spec.compute().diskGiB() + "Gi"));
    }
    List<EnvVar> env = new ArrayList<>();
    new TreeMap<>(containerEnv(spec)).keySet().forEach(variable -> env.add(new EnvVarBuilder().withName(variable)
        .withNewValueFrom().withNewSecretKeyRef().withName(name).withKey(variable).endSecretKeyRef().endValueFrom()
        .build()));
    Map<String, String> podAnnotations = new LinkedHashMap<>(annotations);
    Map<String, String> nodeSelector = placement.nodeSelector(configured, spec.onSpot());
    List<io.fabric8.kubernetes.api.model.Toleration> tolerations = placement.tolerations(spec.onSpot());
    if (configured != null) {
      placement.gpuAnnotations().getOrDefault(configured, Map.of()).forEach((k, v) -> podAnnotations.put(k,
          v.replace("{count}", Integer.toString(spec.gpu().count()))));
    }

    JobBuilder job = new JobBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withAnnotations(annotations)
        .withOwnerReferences(ownerReferences(key, ns)).endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds(spec.activeDeadline() == null ? null : Math.max(1, spec.activeDeadline().toSeconds()))
          .withNewTemplate()
            .withNewMetadata().withLabels(labels).withAnnotations(podAnnotations).endMetadata()
            .withNewSpec()
              .withRestartPolicy("Never")
              .withNodeSelector(nodeSelector.isEmpty() ? null : nodeSelector)
              .withTolerations(tolerations.isEmpty() ? null : tolerations)
              .withRuntimeClassName(placement.runtimeClassName())
              .withPriorityClassName(placement.priorityClassName())
              .withEnableServiceLinks(false)
              .withImagePullSecrets(JobPullSecrets.references(spec, name, inJobsNamespace(key, ns)))
              .withVolumes(spec.volumes().isEmpty() ? null : JobVolumes.volumes(spec.volumes(), cluster))
              .addNewContainer()
                .withName(CONTAINER)
                .withImage(spec.image())
                .withCommand(command(spec))
                .withArgs(spec.args().isEmpty() || spec.logUpload() != null ? null : spec.args())
                .withEnv(env.isEmpty() ? null : env)
                .withVolumeMounts(spec.volumes().isEmpty() ? null : JobVolumes.mounts(spec.volumes()))
                .withNewResources().withLimits(limits).withRequests(requests.isEmpty() ? null : requests).endResources()
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec();
    return job.build();
  }

  private List<OwnerReference> ownerReferences(WorkloadKey key, String ns) {
    if (!placement.ownedByGpuJob() || !ns.equals(key.namespace())) {
      return null;
    }
    return List.of(new OwnerReferenceBuilder().withApiVersion(HasMetadata.getApiVersion(GpuJob.class))
        .withKind(HasMetadata.getKind(GpuJob.class)).withName(key.name()).withUid(key.uid()).withController(true)
        .build());
  }

  /** The Secrets the Job's pod needs, created before the Job and owned by it: its env and a copy of its logins. */
  private List<Secret> companions(WorkloadSpec spec, String ns, String name) throws ProviderException.InvalidRequest {
    Map<String, String> labels = Map.of(JOB_UID_LABEL, spec.key().uid(), ATTEMPT_LABEL,
        Integer.toString(spec.key().attempt()), MANAGED_BY_LABEL, MANAGED_BY);
    List<Secret> secrets = new ArrayList<>();
    Map<String, String> env = containerEnv(spec);
    if (!env.isEmpty()) {
      Map<String, String> data = new TreeMap<>();
      env.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
      secrets.add(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
          .endMetadata().withType("Opaque").withData(data).build());
    }
    Secret copy = JobPullSecrets.copy(spec, ns, name, inJobsNamespace(spec.key(), ns), labels);
    if (copy != null) {
      secrets.add(copy);
    }
    return secrets;
  }

  /** The container's environment: the job's, and the log upload URL for the wrapper. */
  private static Map<String, String> containerEnv(WorkloadSpec spec) {
    if (spec.logUpload() == null) {
      return spec.env();
    }
    Map<String, String> env = new LinkedHashMap<>(spec.env());
    env.put(LogUpload.URL_VARIABLE, spec.logUpload().url().toString());
    return env;
  }

  /** The container's command: the job's, or the job's argv under the log wrapper; null for the image's entrypoint. */
  private static List<String> command(WorkloadSpec spec) {
    if (spec.logUpload() != null) {
      return LogShipping.containerCommand(spec.logUpload(), spec.argv());
    }
    return spec.command().isEmpty() ? null : spec.command();
  }

  /** Whether the Job runs in the GpuJob's own namespace on the GpuJob's own cluster, where it sees the job's Secrets. */
  private boolean inJobsNamespace(WorkloadKey key, String ns) {
    return placement.ownedByGpuJob() && ns.equals(key.namespace());
  }

  /** The verdict of a Job and its newest pod (null when it has none yet). */
  static Observation verdict(String id, Job job, Pod pod, String logTail) {
    ContainerState state = containerState(pod);
    Integer exitCode = state != null && state.getTerminated() != null ? state.getTerminated().getExitCode() : null;
    Instant started = state == null ? null : state.getRunning() != null ? instant(state.getRunning().getStartedAt())
        : state.getTerminated() != null ? instant(state.getTerminated().getStartedAt()) : null;
    Instant finished = state != null && state.getTerminated() != null ? instant(state.getTerminated().getFinishedAt()) : null;
    JobCondition complete = condition(job, "Complete");
    JobCondition failed = condition(job, "Failed");
    String disruption = disruption(pod);
    if (disruption != null) {
      return new Observation(WorkloadState.PREEMPTED, id, exitCode, "the pod was taken off its node: " + disruption,
          logTail, started, finished);
    }
    if (exitCode != null) {
      String reason = state.getTerminated().getReason();
      return new Observation(exitCode == 0 ? WorkloadState.SUCCEEDED : WorkloadState.FAILED, id, exitCode,
          "the container exited with code " + exitCode + (reason == null ? "" : " (" + reason + ")"), logTail, started,
          finished);
    }
    if (failed != null) {
      return new Observation(WorkloadState.FAILED, id, null, "the Job failed: " + reason(failed), logTail, started,
          instant(failed.getLastTransitionTime()));
    }
    if (complete != null) {
      return new Observation(WorkloadState.SUCCEEDED, id, 0, "the Job completed", logTail, started,
          instant(complete.getLastTransitionTime()));
    }
    if (pod == null) {
      return new Observation(WorkloadState.PENDING, id, null, "the Job has no pod yet", null, null, null);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Failed".equals(phase)) {
      return new Observation(WorkloadState.FAILED, id, null, "the pod failed: " + podReason(pod), logTail, started, null);
    }
    if ("Succeeded".equals(phase)) {
      return new Observation(WorkloadState.SUCCEEDED, id, 0, "the pod succeeded", logTail, started, null);
    }
    if (state != null && state.getRunning() != null) {
      return new Observation(WorkloadState.RUNNING, id, null, "running on node " + pod.getSpec().getNodeName(), logTail,
          started, null);
    }
    return new Observation(WorkloadState.PENDING, id, null, pendingReason(pod, state), null, null, null);
  }

  /**
   * Why the cluster took the pod off its node, when it did: its {@code DisruptionTarget} condition (preemption, a
   * drain, a spot node reclaimed, a taint) or a node shutdown; null otherwise.
   */
  static String disruption(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return null;
    }
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
          return (c.getReason() == null ? "DisruptionTarget" : c.getReason())
              + (c.getMessage() == null ? "" : ": " + c.getMessage());
        }
      }
    }
    String reason = pod.getStatus().getReason();
    if (reason != null && NODE_GONE.contains(reason)) {
      return reason + (pod.getStatus().getMessage() == null ? "" : ": " + pod.getStatus().getMessage());
    }
    return null;
  }

  /** Pod status reasons of a node that went away under the pod (its shutdown, a spot reclaim). */
  private static final java.util.Set<String> NODE_GONE = java.util.Set.of("NodeShutdown", "Shutdown", "Terminated",
      "NodeLost");

  /** Why a pod is still pending: the scheduler's verdict, or the container's waiting reason. */
  static String pendingReason(Pod pod, ContainerState state) {
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
          return "not scheduled: " + (c.getReason() == null ? "Unschedulable" : c.getReason())
              + (c.getMessage() == null ? "" : ": " + c.getMessage());
        }
      }
    }
    if (state != null && state.getWaiting() != null && state.getWaiting().getReason() != null) {
      return "waiting: " + state.getWaiting().getReason()
          + (state.getWaiting().getMessage() == null ? "" : ": " + state.getWaiting().getMessage());
    }
    return pod.getSpec() != null && pod.getSpec().getNodeName() != null
        ? "starting on node " + pod.getSpec().getNodeName() : "waiting for the scheduler";
  }

  private static ContainerState containerState(Pod pod) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream().filter(s -> CONTAINER.equals(s.getName())).findFirst()
        .or(() -> pod.getStatus().getContainerStatuses().stream().findFirst())
        .map(ContainerStatus::getState).orElse(null);
  }

  private static JobCondition condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
  }

  private static String reason(JobCondition c) {
    return (c.getReason() == null ? "Failed" : c.getReason()) + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  private static String podReason(Pod pod) {
    String reason = pod.getStatus().getReason();
    String message = pod.getStatus().getMessage();
    return (reason == null ? "Failed" : reason) + (message == null ? "" : ": " + message);
  }

  private String logTail(String ns, Pod pod) {
    ContainerState state = containerState(pod);
    if (state == null || (state.getRunning() == null && state.getTerminated() == null)) {
      return null;
    }
    try {
      String text = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).inContainer(CONTAINER)
          .tailingLines(LOG_LINES).getLog();
      if (text == null) {
        return null;
      }
      return text.length() <= LOG_CHARS ? text : text.substring(text.length() - LOG_CHARS);
    } catch (KubernetesClientException e) {
      log.debug("no log of pod {}/{} on {}: {}", ns, pod.getMetadata().getName(), cluster, e.getCode());
      return null;
    }
  }

  private static Instant instant(String timestamp) {
    if (timestamp == null || timestamp.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private List<String> offerTypes() {
    return offers().stream().map(Offer::gpuType).toList();
  }

  private static String describe(Map<String, String> labels) {
    return labels.isEmpty() ? "any node" : new TreeMap<>(labels).toString();
  }

  private static String externalId(String ns, String name) {
    return ns + "/" + name;
  }

  /** An API call that may fail. */
  @FunctionalInterface
  interface Call<T> {
    T run();
  }

  private <T> T call(Call<T> call, String doing) throws ProviderException {
    try {
      return call.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new ProviderException.Transient("AlreadyExists", doing + ": it already exists", e);
      }
      throw KubeErrors.map(e, cluster, doing);
    }
  }
}
