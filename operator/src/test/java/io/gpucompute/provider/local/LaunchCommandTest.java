package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.provider.GpuDemand;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LaunchCommandTest {

  private static final WorkloadKey KEY = new WorkloadKey("team-a", "train", "3f1d-uid", 2);
  private static final List<GpuDevice> DECLARED = List.of(GpuDevice.declared(1, "T4"), GpuDevice.declared(2, "T4"));
  private static final List<GpuDevice> DETECTED =
      List.of(new GpuDevice(0, "H200", "NVIDIA H200", 143771, "GPU-7e0b2b09-6a13-d6a2-40db-0ef3e2515077"));

  @Test
  void passesTheArgvUntouchedToTheWrapperInANewSession() throws ProviderException {
    WorkloadSpec spec = spec(List.of("python", "train.py"), List.of("--lr", "0.1; rm -rf /"), Map.of());

    LaunchCommand command = LaunchCommand.forWorkload(spec, DECLARED, "/usr/bin/mv");

    assertThat(command.argv()).containsExactly("setsid", "/bin/sh", "-c", LaunchCommand.WRAPPER_SCRIPT,
        LaunchCommand.WRAPPER_NAME, "/usr/bin/mv", ".", "python", "train.py", "--lr", "0.1; rm -rf /");
  }

  @Test
  void asAnotherUserTheWrapperDropsToItBeforeAnyJobVariableIsLoaded() throws ProviderException {
    WorkloadSpec spec = spec(List.of("python", "train.py"), List.of("--lr"), Map.of("LD_PRELOAD", "/tmp/x.so"));

    List<String> argv = LaunchCommand.forWorkload(spec, DECLARED, "/usr/bin/mv")
        .argvAs(new WorkloadUser(61000, 61001), "/usr/bin/setpriv", "work", "/state/w/work/.env");

    assertThat(argv).containsExactly("setsid", "/bin/sh", "-c", LaunchCommand.WRAPPER_SCRIPT,
        LaunchCommand.WRAPPER_NAME, "/usr/bin/mv", "work", "/usr/bin/setpriv", "--reuid=61000", "--regid=61001",
        "--clear-groups", "--no-new-privs", "--", "/bin/sh", "-c", LaunchCommand.LOADER_SCRIPT,
        LaunchCommand.LOADER_NAME, "/state/w/work/.env", "python", "train.py", "--lr");
    assertThat(String.join(" ", argv)).as("no variable's value on a command line").doesNotContain("/tmp/x.so");
  }

  @Test
  void theEnvironmentFileQuotesEveryValueForTheShell() throws ProviderException {
    WorkloadSpec spec = spec(List.of("true"), List.of(), Map.of("QUOTE", "it's $HOME `x`\nnext"));

    assertThat(LaunchCommand.forWorkload(spec, DECLARED, "mv").environmentFile()).isEqualTo("""
        CUDA_VISIBLE_DEVICES='1,2'
        GPUCOMPUTE_JOB_ATTEMPT='2'
        GPUCOMPUTE_JOB_NAME='train'
        GPUCOMPUTE_JOB_NAMESPACE='team-a'
        QUOTE='it'\\''s $HOME `x`
        next'
        """);
  }

  @Test
  void setsTheJobEnvTheGpusAndTheJobIdentity() throws ProviderException {
    WorkloadSpec spec = spec(List.of("true"), List.of(), Map.of("TOKEN", "s3cret", "CUDA_VISIBLE_DEVICES", "7"));

    assertThat(LaunchCommand.forWorkload(spec, DECLARED, "mv").environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "TOKEN", "s3cret",
        "CUDA_VISIBLE_DEVICES", "1,2",
        "GPUCOMPUTE_JOB_NAMESPACE", "team-a",
        "GPUCOMPUTE_JOB_NAME", "train",
        "GPUCOMPUTE_JOB_ATTEMPT", "2"));
    assertThat(LaunchCommand.forWorkload(spec, DETECTED, "mv").environment())
        .containsEntry("CUDA_VISIBLE_DEVICES", "GPU-7e0b2b09-6a13-d6a2-40db-0ef3e2515077");
  }

  @Test
  void toStringNamesTheEnvButNeverItsValues() throws ProviderException {
    WorkloadSpec spec = spec(List.of("true"), List.of(), Map.of("TOKEN", "s3cret"));

    assertThat(LaunchCommand.forWorkload(spec, DECLARED, "mv").toString()).contains("TOKEN").doesNotContain("s3cret");
  }

  @Test
  void aCommandIsRequired() {
    assertThatThrownBy(() -> LaunchCommand.check(spec(List.of(), List.of(), Map.of())))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("CommandRequired"))
        .hasMessage("the Local provider runs the command on the host; set spec.command");
  }

  @ParameterizedTest
  @ValueSource(strings = {"A=B", "NUL\0NAME", "1ST", "A.B", ""})
  void anEnvNameNoProcessCanHaveIsAnInvalidRequestThatHidesTheValue(String name) {
    assertThatThrownBy(() -> LaunchCommand.check(spec(List.of("true"), List.of(), Map.of(name, "s3cret"))))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("InvalidEnv"))
        .message().doesNotContain("s3cret").doesNotContain("\0");
  }

  private static WorkloadSpec spec(List<String> command, List<String> args, Map<String, String> env) {
    return new WorkloadSpec(KEY, "img", command, args, env, new GpuDemand("T4", 2, null), null, null);
  }
}
