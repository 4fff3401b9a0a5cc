package io.gpucompute.provider.local;

import static io.gpucompute.provider.local.LocalTestSupport.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gpucompute.api.v1alpha1.ProviderConfigSpec;
import io.gpucompute.provider.Credentials;
import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.Observation;
import io.gpucompute.provider.Offer;
import io.gpucompute.provider.ProbeResult;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.SubmitResult;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What only the Local provider does: restarts, process groups, GPU assignment, the host's inventory. */
class LocalProviderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** Runs until a file named {@code release} appears in its working directory (the workload directory). */
  private static final String UNTIL_RELEASED = "echo waiting; while [ ! -e release ]; do sleep 0.05; done; echo released";

  @TempDir Path temp;

  private LocalSettings settings;
  private final List<GpuProvider> providers = new ArrayList<>();
  private final List<WorkloadKey> keys = new ArrayList<>();

  @BeforeEach
  void settings() {
    settings = LocalSettings.enabled(temp.resolve("state"), LocalTestSupport.NO_NVIDIA_SMI, Duration.ofSeconds(2));
  }

  @AfterEach
  void stopEverything() throws ProviderException {
    GpuProvider any = providers.isEmpty() ? provider(LocalTestSupport.spec("A100", 1)) : providers.get(0);
    for (WorkloadKey key : keys) {
      any.cancel(key);
      LocalTestSupport.assertNothingLeftRunning(settings, key);
    }
    providers.forEach(GpuProvider::close);
  }

  @Test
  void aNewInstanceAfterARestartSeesRunningAndFinishedWorkloadsAndTheirGpus() throws Exception {
    GpuProvider before = provider(LocalTestSupport.spec("A100", 2));
    WorkloadKey running = key("running");
    WorkloadKey finished = key("finished");
    SubmitResult runningSubmit = before.submit(shell(running, "A100", 1, UNTIL_RELEASED));
    before.submit(shell(finished, "A100", 1, "echo done"));
    awaitState(before, finished, WorkloadState.SUCCEEDED);
    before.close();

    GpuProvider after = newFactory().create("local", LocalTestSupport.spec("A100", 2), Credentials.NONE);
    providers.add(after);
    List<WorkloadKey> changed = new CopyOnWriteArrayList<>();
    after.watch(changed::add);

    assertThat(after.observe(running).state()).isEqualTo(WorkloadState.RUNNING);
    assertThat(after.observe(running).externalId()).isEqualTo(runningSubmit.externalId());
    assertThat(after.observe(finished)).satisfies(observation -> {
      assertThat(observation.state()).isEqualTo(WorkloadState.SUCCEEDED);
      assertThat(observation.logTail()).isEqualTo("done");
      assertThat(observation.startedAt()).isNotNull();
      assertThat(observation.finishedAt()).isAfterOrEqualTo(observation.startedAt());
    });
    assertThat(after.submit(shell(running, "A100", 1, UNTIL_RELEASED)).externalId())
        .as("the same key after a restart").isEqualTo(runningSubmit.externalId());
    WorkloadKey both = key("both");
    assertThatThrownBy(() -> after.submit(shell(both, "A100", 2, "echo both")))
        .isInstanceOf(ProviderException.NoCapacity.class)
        .hasMessageStartingWith("1 of 2 A100 GPUs on this host are free; the job needs 2");

    release(running);

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(changed).contains(running));
    assertThat(after.observe(running).state()).isEqualTo(WorkloadState.SUCCEEDED);
    after.submit(shell(both, "A100", 2, "echo both"));
    assertThat(awaitFinished(after, both).state()).isEqualTo(WorkloadState.SUCCEEDED);
  }

  @Test
  void aProcessKilledOutsideTheOperatorIsLost() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("killed");
    provider.submit(shell(key, "A100", 1, "sleep 300"));
    long pid = WorkloadDirectory.of(settings, key).process().orElseThrow().pid();
    awaitState(provider, key, WorkloadState.RUNNING);

    run("kill", "-KILL", "--", "-" + pid);

    Observation lost = awaitFinished(provider, key);
    assertThat(lost.state()).isEqualTo(WorkloadState.LOST);
    assertThat(lost.message()).isEqualTo("process " + pid + " is gone without an exit code");
    assertThat(lost.logTail()).isEmpty();
    WorkloadKey next = key("next");
    provider.submit(shell(next, "A100", 1, "true"));
    assertThat(awaitFinished(provider, next).state()).as("its GPU is free again").isEqualTo(WorkloadState.SUCCEEDED);
  }

  @Test
  void busyGpusAreNoCapacityUntilTheWorkloadOnThemFinishes() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 2));
    WorkloadKey first = key("first");
    WorkloadKey second = key("second");
    provider.submit(shell(first, "A100", 2, UNTIL_RELEASED));

    assertThatThrownBy(() -> provider.submit(shell(second, "A100", 1, "echo second")))
        .isInstanceOf(ProviderException.NoCapacity.class)
        .hasMessageStartingWith("0 of 2 A100 GPUs on this host are free");
    assertThat(provider.observe(second).state()).as("a queued workload is not created").isEqualTo(WorkloadState.NOT_FOUND);

    release(first);

    await().atMost(TIMEOUT).ignoreException(ProviderException.NoCapacity.class)
        .until(() -> provider.submit(shell(second, "A100", 1, "echo second")) != null);
    assertThat(awaitFinished(provider, second).logTail()).isEqualTo("second");
  }

  @Test
  void declaredGpusAreGivenAsIndexes() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1, "T4", 2));
    WorkloadKey key = key("indexes");

    provider.submit(shell(key, "t4", 2, "echo \"CVD=$CUDA_VISIBLE_DEVICES\"; "
        + "echo \"JOB=$GPUCOMPUTE_JOB_NAMESPACE/$GPUCOMPUTE_JOB_NAME#$GPUCOMPUTE_JOB_ATTEMPT\""));

    assertThat(awaitFinished(provider, key).logTail())
        .isEqualTo("CVD=1,2\nJOB=" + key.namespace() + "/" + key.name() + "#1");
  }

  @Test
  void gpusReportedByNvidiaSmiAreTheInventoryAndAreGivenAsUuids() throws Exception {
    Path nvidiaSmi = LocalTestSupport.fakeNvidiaSmi(temp, LocalTestSupport.H200_LINE);
    settings = LocalSettings.enabled(settings.stateDir(), nvidiaSmi.toString(), settings.cancelGracePeriod());
    ProviderConfigSpec spec = LocalTestSupport.spec("A100", 2); // ignored: nvidia-smi reports GPUs
    spec.getPrices().add(new io.gpucompute.api.v1alpha1.GpuPrice("H200", "3.50"));
    GpuProvider provider = provider(spec);

    assertThat(provider.probe()).isEqualTo(ProbeResult.ready("1 GPU: H200 x1 (nvidia-smi)"));
    assertThat(provider.offers()).containsExactly(new Offer("H200", "NVIDIA H200", 1, 140, new BigDecimal("3.50")));
    assertThatThrownBy(() -> provider.submit(shell(key("a100"), "A100", 1, "true")))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("UnknownGpuType"))
        .hasMessage("this host has no A100 GPU; it has 1 GPU: H200 x1 (nvidia-smi)");
    assertThatThrownBy(() -> provider.submit(withMemory(shell(key("big"), "H200", 1, "true"), 141)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InsufficientGpuMemory"));

    WorkloadKey key = key("uuid");
    provider.submit(withMemory(shell(key, "H200", 1, "echo \"CVD=$CUDA_VISIBLE_DEVICES\""), 140));

    assertThat(awaitFinished(provider, key).logTail()).isEqualTo("CVD=" + LocalTestSupport.H200_UUID);
  }

  @Test
  void cancelStopsGrandchildrenEvenThoseThatLeftTheProcessGroup() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("family");
    provider.submit(shell(key, "A100", 1,
        "sleep 300 & echo $! > grandchild.pid; setsid sleep 301 & echo $! > escaped.pid; wait"));
    long grandchild = awaitPidFile(key, "grandchild.pid");
    long escaped = awaitPidFile(key, "escaped.pid");
    await().atMost(TIMEOUT).until(() -> ProcessTable.stat(escaped).map(ProcStat::session).orElse(0L) == escaped);
    assertThat(LocalTestSupport.runs(grandchild)).isTrue();

    provider.cancel(key);

    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(LocalTestSupport.runs(grandchild)).as("grandchild %s", grandchild).isFalse();
      assertThat(LocalTestSupport.runs(escaped)).as("escaped grandchild %s", escaped).isFalse();
    });
    Observation cancelled = provider.observe(key);
    assertThat(cancelled.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(cancelled.message()).isEqualTo("cancelled");
    assertThat(cancelled.finishedAt()).isNotNull();
  }

  @Test
  void cancelKillsWhatIgnoresSigtermAfterTheGracePeriod() throws Exception {
    settings = LocalSettings.enabled(settings.stateDir(), settings.nvidiaSmi(), Duration.ofMillis(300));
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("stubborn");
    provider.submit(shell(key, "A100", 1, "trap '' TERM; echo trapped; sleep 300; sleep 300"));
    await().atMost(TIMEOUT).until(() -> provider.observe(key).logTail().contains("trapped"));

    provider.cancel(key);

    LocalTestSupport.assertNothingLeftRunning(settings, key);
    assertThat(provider.observe(key).message()).isEqualTo("cancelled");
  }

  @Test
  void cancelKeepsTheOutcomeOfAFinishedWorkloadAndNeverRelaunchesIt() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("done");
    WorkloadSpec spec = shell(key, "A100", 1, "echo once >> runs.txt");
    SubmitResult submitted = provider.submit(spec);
    awaitFinished(provider, key);

    provider.cancel(key);

    assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(provider.submit(spec).externalId()).isEqualTo(submitted.externalId());
    assertThat(Files.readString(WorkloadDirectory.of(settings, key).path().resolve("runs.txt"))).isEqualTo("once\n");
  }

  @Test
  void forgetStopsARunningWorkloadAndDeletesItsDirectoryAndIsSafeToRepeat() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey running = key("forgotten-running");
    WorkloadKey finished = key("forgotten-finished");
    provider.submit(shell(finished, "A100", 1, "echo output > result.txt"));
    awaitFinished(provider, finished);
    provider.submit(shell(running, "A100", 1, UNTIL_RELEASED));
    awaitState(provider, running, WorkloadState.RUNNING);
    ProcessIdentity process = WorkloadDirectory.of(settings, running).process().orElseThrow();

    provider.forget(running);
    provider.forget(finished);

    assertThat(process.isAlive()).as("the forgotten workload's wrapper").isFalse();
    assertThat(ProcessGroupTerminator.groupAlive(process)).as("its process group").isFalse();
    for (WorkloadKey key : List.of(running, finished)) {
      assertThat(WorkloadDirectory.of(settings, key).path()).doesNotExist();
      assertThat(provider.observe(key).state()).isEqualTo(WorkloadState.NOT_FOUND);
    }
    provider.forget(running);
    provider.forget(key("never-submitted"));
    WorkloadKey next = key("after-forget");
    provider.submit(shell(next, "A100", 1, "echo fits"));
    assertThat(awaitFinished(provider, next).state()).as("the forgotten workload's GPU was released")
        .isEqualTo(WorkloadState.SUCCEEDED);
  }

  @Test
  void theArgvIsNeverInterpretedByAShell() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("literal");
    provider.submit(new WorkloadSpec(key, null, List.of("echo"), List.of("$HOME; exit 5", "`id`"), Map.of(),
        new GpuDemand("A100", 1, null), null, null));

    Observation observation = awaitFinished(provider, key);

    assertThat(observation.state()).isEqualTo(WorkloadState.SUCCEEDED);
    assertThat(observation.logTail()).isEqualTo("$HOME; exit 5 `id`");
  }

  @Test
  void aMissingProgramFailsWithExitCode127AndSaysSo() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("missing");
    provider.submit(new WorkloadSpec(key, null, List.of("gpucompute-no-such-program"), List.of(), Map.of(),
        new GpuDemand("A100", 1, null), null, null));

    Observation observation = awaitFinished(provider, key);

    assertThat(observation.state()).isEqualTo(WorkloadState.FAILED);
    assertThat(observation.exitCode()).isEqualTo(127);
    assertThat(observation.logTail()).contains("gpucompute-no-such-program").contains("not found");
  }

  @Test
  void theLogTailOfAHugeOutputIsBounded() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("chatty");
    provider.submit(shell(key, "A100", 1, "seq 1 300000"));

    Observation observation = awaitFinished(provider, key);

    assertThat(Files.size(WorkloadDirectory.of(settings, key).outputLog())).isGreaterThan(1_000_000);
    assertThat(observation.logTail().split("\n")).hasSize(LogTail.MAX_LINES);
    assertThat(observation.logTail().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(observation.logTail()).startsWith("299961\n").endsWith("\n300000");
  }

  @Test
  void submitSaysTheImageIsNotPulledAndACommandIsRequired() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    WorkloadKey key = key("note");

    SubmitResult result = provider.submit(shell(key, "A100", 1, "true"));

    assertThat(result.externalId()).startsWith("pid:");
    assertThat(result.note()).isEqualTo("image pytorch/pytorch:2.5.1 recorded, not pulled: "
        + "the Local provider runs the command on the operator's host");
    assertThatThrownBy(() -> provider.submit(new WorkloadSpec(key("nocommand"), "img", List.of(), List.of(), Map.of(),
        new GpuDemand("A100", 1, null), null, null)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("CommandRequired"));
  }

  @Test
  void probeIsNotReadyWithoutGpusOrWithoutAWritableStateDir() throws Exception {
    assertThat(provider(LocalTestSupport.spec()).probe()).satisfies(probe -> {
      assertThat(probe.ready()).isFalse();
      assertThat(probe.reason()).isEqualTo("NoGpus");
    });
    assertThat(provider(LocalTestSupport.spec("A100", 2)).probe())
        .isEqualTo(ProbeResult.ready("2 GPUs: A100 x2 (declared)"));

    Path file = Files.writeString(temp.resolve("a-file"), "not a directory");
    settings = LocalSettings.enabled(file, settings.nvidiaSmi(), settings.cancelGracePeriod());
    assertThat(provider(LocalTestSupport.spec("A100", 2)).probe()).satisfies(probe -> {
      assertThat(probe.ready()).isFalse();
      assertThat(probe.reason()).isEqualTo("StateDirNotWritable");
      assertThat(probe.message()).contains(file.toString());
    });
  }

  @Test
  void listenersHearWhenAProcessExits() throws Exception {
    GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
    List<WorkloadKey> changed = new CopyOnWriteArrayList<>();
    provider.watch(changed::add);
    WorkloadKey key = key("heard");

    provider.submit(shell(key, "A100", 1, "true"));

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(changed).containsExactly(key));
  }

  @Test
  void logLinesNameTheWorkloadButNeverAnEnvValue() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("io.gpucompute.provider.local");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level level = logger.getLevel();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    try {
      GpuProvider provider = provider(LocalTestSupport.spec("A100", 1));
      WorkloadKey key = key("secret");
      WorkloadSpec spec = shell(key, "A100", 1, "sleep 300", Map.of("API_TOKEN", "tok-9d8c7b6a"));
      provider.submit(spec);
      provider.submit(spec);
      provider.observe(key);
      provider.cancel(key);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }

    assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("team-a/secret-").contains("#1"))
        .allSatisfy(line -> assertThat(line).doesNotContain("tok-9d8c7b6a"));
  }

  private GpuProvider provider(ProviderConfigSpec spec) throws ProviderException {
    GpuProvider provider = newFactory().create("local", spec, Credentials.NONE);
    providers.add(provider);
    return provider;
  }

  private LocalProviderFactory newFactory() {
    return new LocalProviderFactory(settings);
  }

  private WorkloadKey key(String name) {
    WorkloadKey key = LocalTestSupport.newKey(name);
    keys.add(key);
    return key;
  }

  private void release(WorkloadKey key) throws IOException {
    Files.createFile(WorkloadDirectory.of(settings, key).path().resolve("release"));
  }

  private long awaitPidFile(WorkloadKey key, String name) {
    Path file = WorkloadDirectory.of(settings, key).path().resolve(name);
    return await().atMost(TIMEOUT).ignoreExceptions()
        .until(() -> Long.parseLong(Files.readString(file).strip()), pid -> pid > 0);
  }

  private static WorkloadSpec withMemory(WorkloadSpec spec, int memoryGiB) {
    return new WorkloadSpec(spec.key(), spec.image(), spec.command(), spec.args(), spec.env(),
        new GpuDemand(spec.gpu().type(), spec.gpu().count(), memoryGiB), spec.compute(), spec.activeDeadline());
  }

  private static Observation awaitFinished(GpuProvider provider, WorkloadKey key) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(key), observation -> observation.state().isFinished());
  }

  private static void awaitState(GpuProvider provider, WorkloadKey key, WorkloadState state) {
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> provider.observe(key).state() == state);
  }

  private static void run(String... argv) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(argv).inheritIO().start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s", List.of(argv)).isZero();
  }
}
