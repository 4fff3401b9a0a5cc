package io.gpucompute.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8's {@link KubernetesMockServer} in CRUD mode, plus what the mock lacks and a real cluster has. The mock server
 * stores Jobs but runs no controllers, so this class plays three of them, honestly from what the API holds:
 * <ul>
 *   <li>the <b>job controller</b>: for each new Job it creates the one pod (labels {@code job-name},
 *       {@code controller-uid}, owned by the Job), and when the pod ends it sets the Job's {@code Complete} or
 *       {@code Failed} condition;</li>
 *   <li>the <b>scheduler and kubelet</b>: a pod whose nodeSelector matches one of {@link #nodeLabels} runs: its
 *       container's command really runs as a local process ({@link LocalContainer}) with the pod's environment
 *       (secretKeyRef values read from the Secret the Job names), and the pod's status follows the process (Running,
 *       then terminated with its exit code). A pod no node fits stays Pending with
 *       {@code PodScheduled=False, reason Unschedulable}, as the scheduler reports it. The pod log endpoint serves
 *       the process's output;</li>
 *   <li>the <b>garbage collector</b>: when a Job is gone, its pods go and their processes are killed.</li>
 * </ul>
 * Its ledger (Jobs seen per name, live processes) is the ground truth the tests check the adapters against.
 * {@link #fault} lets a test make the API server answer an error (401, 403, quota) to chosen requests.
 */
public final class FakeCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FakeCluster.class);
  /** Held, so java.util.logging does not forget its level (it keeps loggers weakly): one line per request is noise. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
  /** The API server's SelfSubjectAccessReviews, which this fake answers as for an admin: allowed. */
  static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  private static final Pattern LOG_PATH = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?$");

  /** One Job the fake controller took up. */
  private static final class Run {
    final String namespace;
    final String job;
    final String jobUid;
    String pod;
    LocalContainer container;
    boolean reported;

    Run(String namespace, String job, String jobUid) {
      this.namespace = namespace;
      this.job = job;
      this.jobUid = jobUid;
    }
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path scratch;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> jobUidsByName = new ConcurrentHashMap<>();
  private final List<Map<String, String>> nodeLabels = new ArrayList<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "fake-cluster-controllers");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Function<RecordedRequest, MockResponse> fault = request -> null;

  /** @param nodeLabels the labels of each fake GPU node */
  public FakeCluster(List<Map<String, String>> nodeLabels) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    this.nodeLabels.addAll(nodeLabels);
    try {
      this.scratch = Files.createTempDirectory("fake-cluster");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Dispatcher crud = new KubernetesMixedDispatcher(new HashMap<>());
    Dispatcher dispatcher = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        MockResponse injected = fault.apply(request);
        if (injected != null) {
          return injected;
        }
        Matcher logPath = LOG_PATH.matcher(request.getPath());
        if ("GET".equals(request.getMethod()) && logPath.matches()) {
          return logOf(logPath.group(1), logPath.group(2));
        }
        if ("POST".equals(request.getMethod()) && request.getPath().startsWith(ACCESS_REVIEWS)) {
          return accessReviewAnswer(request.getUtf8Body(), true);
        }
        return crud.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    loop.scheduleWithFixedDelay(this::tick, 0, 20, TimeUnit.MILLISECONDS);
  }

  /**
   * A SelfSubjectAccessReview answered as a real API server answers it: the review with its status. Unless a
   * {@link #fault} answers otherwise, every review is allowed, as for an admin.
   *
   * @param body the request's body (which can be read only once)
   */
  public static MockResponse accessReviewAnswer(String body, boolean allowed) {
    SelfSubjectAccessReview review = Serialization.unmarshal(body, SelfSubjectAccessReview.class);
    review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed).build());
    return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
  }

  /** An admin client of the mock API server. */
  public KubernetesClient client() {
    return client;
  }

  /** The mock API server's URL. */
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  /** Makes the API server answer {@code fault}'s response instead, where it returns one (null: serve normally). */
  public void fault(Function<RecordedRequest, MockResponse> fault) {
    this.fault = fault == null ? request -> null : fault;
  }

  /** An API error response with a Status body. */
  public static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).addHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code
            + ",\"reason\":\"" + reason + "\",\"message\":\"" + message.replace("\"", "'") + "\"}");
  }

  /**
   * How many distinct Jobs (by uid) the cluster ever held under this name. Runs the fake controllers once first,
   * so a Job created a moment ago is counted without waiting for their next tick.
   */
  public int jobsCreated(String namespace, String name) {
    tick();
    return jobUidsByName.getOrDefault(namespace + "/" + name, Set.of()).size();
  }

  /** Whether a process of the Job {@code name} still runs. */
  public boolean running(String namespace, String name) {
    Run run = runs.get(namespace + "/" + name);
    return run != null && run.container != null && run.container.isAlive();
  }

  /** The Jobs the API server holds now, as namespace/name. */
  public List<String> jobs() {
    return client.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
        .map(j -> j.getMetadata().getNamespace() + "/" + j.getMetadata().getName()).toList();
  }

  /** The pods the API server holds now, as namespace/name. */
  public List<String> pods() {
    return client.pods().inAnyNamespace().list().getItems().stream()
        .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).toList();
  }

  /** Processes still running, as namespace/job. */
  public List<String> liveProcesses() {
    return runs.entrySet().stream().filter(e -> e.getValue().container != null && e.getValue().container.isAlive())
        .map(Map.Entry::getKey).toList();
  }

  private synchronized void tick() {
    try {
      List<Job> jobs = client.batch().v1().jobs().inAnyNamespace().list().getItems();
      Set<String> present = new java.util.HashSet<>();
      for (Job job : jobs) {
        String key = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
        present.add(key);
        jobUidsByName.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(job.getMetadata().getUid());
        Run run = runs.get(key);
        if (run == null || !run.jobUid.equals(job.getMetadata().getUid())) {
          if (run != null) {
            collect(run);
          }
          run = new Run(job.getMetadata().getNamespace(), job.getMetadata().getName(), job.getMetadata().getUid());
          runs.put(key, run);
          start(run, job);
        }
        if (run.container != null && !run.container.isAlive() && !run.reported) {
          finish(run, run.container.exitCode());
        }
      }
      for (Run run : List.copyOf(runs.values())) {
        if (!present.contains(run.namespace + "/" + run.job)) {
          collect(run);
          runs.remove(run.namespace + "/" + run.job, run);
        }
      }
    } catch (KubernetesClientException | IOException e) {
      log.debug("fake controllers: {}", e.toString());
    } catch (RuntimeException e) {
      log.warn("fake controllers failed", e);
    }
  }

  /** The job controller creates the pod; the scheduler places it or reports why not; the kubelet starts it. */
  private void start(Run run, Job job) throws IOException {
    var template = job.getSpec().getTemplate();
    run.pod = run.job + "-" + UUID.randomUUID().toString().substring(0, 5);
    Map<String, String> labels = new HashMap<>(template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels());
    labels.put("job-name", run.job);
    labels.put("batch.kubernetes.io/job-name", run.job);
    labels.put("controller-uid", run.jobUid);
    Map<String, String> selector = template.getSpec().getNodeSelector() == null ? Map.of()
        : template.getSpec().getNodeSelector();
    boolean fits = nodeLabels.stream().anyMatch(node -> node.entrySet().containsAll(selector.entrySet()));
    Container container = template.getSpec().getContainers().get(0);
    PodStatus status;
    if (!fits) {
      status = new PodStatusBuilder().withPhase("Pending").addNewCondition().withType("PodScheduled")
          .withStatus("False").withReason("Unschedulable")
          .withMessage("0/" + nodeLabels.size() + " nodes are available: " + nodeLabels.size()
              + " node(s) didn't match Pod's node affinity/selector.").endCondition().build();
    } else {
      run.container = LocalContainer.start(client, run.namespace, container, scratch.resolve(run.pod + ".log"));
      status = new PodStatusBuilder().withPhase("Running").withStartTime(Instant.now().toString())
          .addToContainerStatuses(new ContainerStatusBuilder().withName(container.getName()).withReady(true)
              .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build())
          .build();
    }
    Pod pod = new PodBuilder().withNewMetadata().withName(run.pod).withNamespace(run.namespace).withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(run.job)
            .withUid(run.jobUid).withController(true).build())
        .endMetadata().withSpec(template.getSpec()).build();
    pod.getSpec().setNodeName(fits ? "fake-gpu-node" : null);
    client.pods().inNamespace(run.namespace).resource(pod).create();
    Pod created = client.pods().inNamespace(run.namespace).withName(run.pod).get();
    created.setStatus(status);
    client.pods().inNamespace(run.namespace).resource(created).updateStatus();
  }

  /** The kubelet reports the container's end; the job controller marks the Job. */
  private void finish(Run run, int exitCode) {
    run.reported = true;
    Pod pod = client.pods().inNamespace(run.namespace).withName(run.pod).get();
    if (pod != null) {
      String now = Instant.now().toString();
      pod.setStatus(new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
          .addToContainerStatuses(new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
              .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
              .withStartedAt(now).withFinishedAt(now).endTerminated().endState().build())
          .build());
      client.pods().inNamespace(run.namespace).resource(pod).updateStatus();
    }
    Job job = client.batch().v1().jobs().inNamespace(run.namespace).withName(run.job).get();
    if (job != null) {
      job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
          .withSucceeded(exitCode == 0 ? 1 : 0).withFailed(exitCode == 0 ? 0 : 1)
          .addToConditions(new JobConditionBuilder().withType(exitCode == 0 ? "Complete" : "Failed").withStatus("True")
              .withReason(exitCode == 0 ? null : "BackoffLimitExceeded")
              .withMessage(exitCode == 0 ? null : "Job has reached the specified backoff limit")
              .withLastTransitionTime(Instant.now().toString()).build())
          .build());
      client.batch().v1().jobs().inNamespace(run.namespace).resource(job).updateStatus();
    }
  }

  /** The garbage collector: the Job is gone, so its pods go (and the kubelet kills their containers). */
  private void collect(Run run) {
    if (run.container != null) {
      run.container.kill();
    }
    client.pods().inNamespace(run.namespace).withLabel("controller-uid", run.jobUid).delete();
  }

  private MockResponse logOf(String namespace, String pod) {
    for (Run run : runs.values()) {
      if (run.namespace.equals(namespace) && pod.equals(run.pod)) {
        if (run.container == null) {
          return status(400, "BadRequest", "container \"main\" in pod \"" + pod + "\" is waiting to start");
        }
        try {
          return new MockResponse().setResponseCode(200).addHeader("Content-Type", "text/plain")
              .setBody(Files.readString(run.container.log()));
        } catch (IOException e) {
          return status(500, "InternalError", e.toString());
        }
      }
    }
    return status(404, "NotFound", "pods \"" + pod + "\" not found");
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runs.values().forEach(run -> {
      if (run.container != null) {
        run.container.kill();
      }
    });
    client.close();
    server.destroy();
  }
}
