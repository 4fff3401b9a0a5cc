package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes started by the launcher: the job's environment is built from scratch, and as a user of its own the
 * job cannot change its workload's records or read the operator's process.
 */
class WorkloadLauncherTest {

  private static final String OPERATOR_ONLY = "GPUCOMPUTE_TEST_OPERATOR_ONLY_" + ProcessHandle.current().pid();
  private static final String PATH = "/usr/local/bin:/usr/bin:/bin";

  @TempDir Path temp;

  @Test
  void theJobGetsPathHomeItsOwnVariablesAndNothingOfTheOperatorsEnvironment() throws Exception {
    Path state = temp.resolve("state");
    WorkloadDirectory dir = prepared(state, "env-scratch");
    WorkloadLauncher launcher = new WorkloadLauncher(PATH, Optional.empty(), "/usr/bin/setpriv");

    run(launcher, dir, LocalTestSupport.shell(key("env-scratch"), "A100", 1, "env", Map.of("MODEL", "llama")));

    Map<String, String> env = variables(Files.readString(dir.outputLog()));
    assertThat(env).containsEntry("PATH", PATH).containsEntry("HOME", dir.path().toString())
        .containsEntry("MODEL", "llama").containsEntry("CUDA_VISIBLE_DEVICES", "0")
        .containsEntry("GPUCOMPUTE_JOB_NAME", "env-scratch").containsKeys("GPUCOMPUTE_JOB_NAMESPACE",
            "GPUCOMPUTE_JOB_ATTEMPT");
    assertThat(env.keySet()).as("only what the launcher sets, and what /bin/sh adds itself")
        .isSubsetOf(Set.of("PATH", "HOME", "MODEL", "CUDA_VISIBLE_DEVICES", "GPUCOMPUTE_JOB_NAME",
            "GPUCOMPUTE_JOB_NAMESPACE", "GPUCOMPUTE_JOB_ATTEMPT", "PWD", "OLDPWD", "SHLVL", "_"));
    assertThat(System.getenv().keySet()).as("the test JVM's own variables, which the job must not get")
        .anyMatch(name -> !env.containsKey(name));
  }

  @Test
  void asItsOwnUserTheJobLoadsItsVariablesButCannotTouchItsRecordsOrTheOperator() throws Exception {
    assumeRootWithSetpriv();
    Path state = Files.createDirectories(temp.resolve("state"));
    FileModes.setMode(temp, FileModes.PASS_THROUGH); // so that the job reaches its HOME by its absolute path
    WorkloadDirectory dir = prepared(state, "as-user");
    LocalSettings.RunAs range = new LocalSettings.RunAs(61900, 61909, 61900);
    WorkloadLauncher launcher = new WorkloadLauncher(PATH,
        Optional.of(new WorkloadUsers(range, state.resolve("workloads"), ProcessOwners::userIds)),
        ExecutableLookup.absolutePathOf("setpriv", PATH));
    long operator = ProcessHandle.current().pid();
    String script = String.join("; ",
        "id -u; echo \"secret=$TOKEN home=$HOME\"; cd \"$HOME\" && echo home-reachable",
        "ls -A",
        "cat /proc/" + operator + "/environ >/dev/null 2>&1 && echo read-operator-environ || echo no-operator-environ",
        "echo 0 > ../exit-code 2>/dev/null && echo forged-exit-code || echo no-forged-exit-code",
        "echo 1 > ../pid 2>/dev/null && echo forged-pid || echo no-forged-pid",
        "cat ../output.log >/dev/null 2>&1 && echo read-log || echo no-read-log",
        "echo kept > result");

    Process process = run(launcher, dir, LocalTestSupport.shell(key("as-user"), "A100", 1, script,
        Map.of("TOKEN", "tok'en $1")));

    String output = Files.readString(dir.outputLog());
    Path work = dir.path().resolve(WorkloadUsers.WORK_DIR);
    assertThat(output.lines().toList()).containsSubsequence("61900", "secret=tok'en $1 home=" + work,
        "home-reachable", "no-operator-environ", "no-forged-exit-code", "no-forged-pid", "no-read-log");
    assertThat(output).as("the variables file is gone before the job runs: ls -A shows nothing")
        .doesNotContain(WorkloadLauncher.ENVIRONMENT_FILE);
    assertThat(Files.readString(dir.path().resolve("exit-code")).strip()).isEqualTo("0");
    assertThat(Files.readString(work.resolve("result")).strip()).isEqualTo("kept");
    assertThat(Files.getAttribute(work, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(61900);
    assertThat(Files.getAttribute(dir.path(), "unix:mode")).isEqualTo(040711);
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void twoRunningWorkloadsGetTwoUsersAndAUserIsHandedOutAgainOnlyWithItsDirectoryTakenBack() throws Exception {
    assumeRootWithSetpriv();
    Path state = Files.createDirectories(temp.resolve("state"));
    LocalSettings.RunAs range = new LocalSettings.RunAs(61910, 61911, 61910);
    WorkloadUsers users = new WorkloadUsers(range, state.resolve("workloads"), ProcessOwners::userIds);
    WorkloadLauncher launcher = new WorkloadLauncher(PATH, Optional.of(users),
        ExecutableLookup.absolutePathOf("setpriv", PATH));
    WorkloadDirectory first = prepared(state, "first");
    WorkloadDirectory second = prepared(state, "second");

    Process a = launcher.launch(first, command("sleep 30", "first")).process();
    Process b = launcher.launch(second, command("sleep 30", "second")).process();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> ProcessOwners.userIds().containsAll(Set.of(61910, 61911)));
      assertThat(owner(first.path().resolve("work"))).isEqualTo(61910);
      assertThat(owner(second.path().resolve("work"))).isEqualTo(61911);
    } finally {
      a.descendants().forEach(ProcessHandle::destroyForcibly);
      b.descendants().forEach(ProcessHandle::destroyForcibly);
      assertThat(a.waitFor(10, TimeUnit.SECONDS) && b.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessOwners.userIds().contains(61910));

    WorkloadUser again = users.acquire();
    users.release(again);
    assertThat(again.uid()).isEqualTo(61910);
    assertThat(owner(first.path().resolve("work"))).as("taken back before 61910 was handed out again").isZero();
  }

  private static void assumeRootWithSetpriv() {
    Assumptions.assumeTrue(ProcessOwners.effectiveUidOfThisProcess().equals(Optional.of(0)),
        "running workloads as other users needs root");
    Assumptions.assumeTrue(Path.of(ExecutableLookup.absolutePathOf("setpriv", PATH)).isAbsolute(),
        "setpriv (util-linux) is not installed");
  }

  private static WorkloadKey key(String name) {
    return new WorkloadKey("team-a", name, name + "-uid", 1);
  }

  private static WorkloadDirectory prepared(Path state, String name) throws IOException {
    WorkloadDirectory dir = WorkloadDirectory.of(LocalSettings.withStateDir(state), key(name));
    dir.prepare(key(name), "local", "img", null, List.of(GpuDevice.declared(0, "A100")));
    return dir;
  }

  private static LaunchCommand command(String script, String name) throws ProviderException {
    return LaunchCommand.forWorkload(LocalTestSupport.shell(key(name), "A100", 1, script),
        List.of(GpuDevice.declared(0, "A100")), ExecutableLookup.absolutePathOf("mv", PATH));
  }

  private static Process run(WorkloadLauncher launcher, WorkloadDirectory dir, WorkloadSpec spec)
      throws Exception {
    Process process = launcher.launch(dir, LaunchCommand.forWorkload(spec, List.of(GpuDevice.declared(0, "A100")),
        ExecutableLookup.absolutePathOf("mv", PATH))).process();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the workload ended").isTrue();
    return process;
  }

  private static int owner(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static Map<String, String> variables(String envOutput) {
    return envOutput.lines().filter(line -> line.contains("=")).collect(Collectors.toMap(
        line -> line.substring(0, line.indexOf('=')), line -> line.substring(line.indexOf('=') + 1), (a, b) -> b,
        TreeMap::new));
  }
}
