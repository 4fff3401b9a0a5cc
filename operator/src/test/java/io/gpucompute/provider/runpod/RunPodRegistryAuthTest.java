package io.gpucompute.provider.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gpucompute.provider.GpuProvider;
import io.gpucompute.provider.ProviderException;
import io.gpucompute.provider.PullSecret;
import io.gpucompute.provider.RegistryLogin;
import io.gpucompute.provider.WorkloadKey;
import io.gpucompute.provider.WorkloadSpec;
import io.gpucompute.provider.WorkloadState;
import io.gpucompute.provider.WorkloadVolume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pull secrets and network volumes on RunPod pods beyond the contract: which login an image gets, one registry auth
 * shared by the pods that need it and deleted once none does (and never another installation's), and volumes that a
 * pod cannot have refused before anything is created.
 */
class RunPodRegistryAuthTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final PullSecret TWO_REGISTRIES = new PullSecret("two", "{\"auths\":{"
      + "\"https://registry.one.test/v1/\":{\"auth\":\"b25lOnBhc3Mtb25l\"},"
      + "\"registry.two.test:5000\":{\"username\":\"two\",\"password\":\"pass-two\"}}}");

  @RegisterExtension
  final RunPodStubExtension runpod = new RunPodStubExtension();

  @TempDir
  Path markers;

  private GpuProvider provider() throws ProviderException {
    return new RunPodProviderFactory(RunPodTestSupport.settings(markers)).create("runpod",
        RunPodTestSupport.spec(runpod.stub(), r -> {}), RunPodTestSupport.credentials(RunPodStub.API_KEY));
  }

  private static WorkloadSpec job(String image, String installation, PullSecret secret) {
    WorkloadSpec shell = RunPodTestSupport.shell(RunPodTestSupport.newKey("pull"), "echo pulled");
    return new WorkloadSpec(shell.key(), image, shell.command(), shell.args(), shell.env(), shell.gpu(),
        shell.compute(), null, installation, List.of(secret), List.of(), null, null);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(textBlock = """
      registry.one.test/team/train:1,          one
      registry.two.test:5000/team/train:1,     two
      """)
  void anImageGetsTheLoginOfTheRegistryItNames(String image, String user) throws ProviderException {
    Optional<RegistryLogin> login = RegistryAuths.loginFor(image, List.of(TWO_REGISTRIES));

    assertThat(login).map(RegistryLogin::username).contains(user);
  }

  @Test
  void anImageOfNoRegistryTheSecretsNameIsRefusedWithoutShowingACredential() {
    assertThatThrownBy(() -> RegistryAuths.loginFor("team/train:1", List.of(TWO_REGISTRIES)))
        .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
            e -> assertThat(e.reason()).isEqualTo("PullSecretNotForImage"))
        .hasMessageContaining("registry.two.test:5000").hasMessageContaining("name the registry in spec.image")
        .hasMessageNotContaining("pass-two").hasMessageNotContaining("pass-one");
  }

  /** Two operator installations share the account: each has its own provider, as each has its own operator. */
  @Test
  void podsOfOneLoginShareOneAuthWhichGoesWithTheLastOfThemAndAnotherInstallationsStays() throws Exception {
    GpuProvider ours = provider();
    GpuProvider other = provider();
    PullSecret secret = new PullSecret("one", "{\"auths\":{\"registry.one.test\":{\"auth\":\"b25lOnBhc3Mtb25l\"}}}");
    WorkloadSpec first = job("registry.one.test/a:1", "installation-ours", secret);
    WorkloadSpec second = job("registry.one.test/b:1", "installation-ours", secret);
    WorkloadSpec theirs = job("registry.one.test/c:1", "installation-theirs", secret);
    try {
      ours.submit(first);
      ours.submit(second);
      other.submit(theirs);
      for (WorkloadSpec spec : List.of(first, second, theirs)) {
        await().atMost(WAIT).until(() -> ours.observe(spec.key()).state() == WorkloadState.SUCCEEDED);
      }

      assertThat(runpod.stub().registryAuths()).as("one auth per installation and login").hasSize(2)
          .allSatisfy(auth -> assertThat(auth.username() + ":" + auth.password()).isEqualTo("one:pass-one"));
      ours.cancel(first.key());
      assertThat(runpod.stub().registryAuths()).as("the second pod still uses ours").hasSize(2);
      ours.cancel(second.key());
      assertThat(runpod.stub().registryAuths()).as("only the other installation's is left").singleElement()
          .satisfies(auth -> assertThat(auth.name()).startsWith(RegistryAuths.prefixOf("installation-theirs")));
      other.cancel(theirs.key());
      assertThat(runpod.stub().registryAuths()).as("none once no pod needs one").isEmpty();
    } finally {
      for (WorkloadSpec spec : List.of(first, second, theirs)) {
        ours.cancel(spec.key());
      }
      ours.close();
      other.close();
    }
  }

  @Test
  void volumesAPodCannotHaveAreRefusedBeforeAnythingIsCreated() throws ProviderException {
    GpuProvider provider = provider();
    WorkloadKey key = RunPodTestSupport.newKey("volumes");
    WorkloadSpec shell = RunPodTestSupport.shell(key, "echo never");
    WorkloadVolume readOnly = new WorkloadVolume("data", "/data", true,
        new WorkloadVolume.ProviderStorage(RunPodStub.NETWORK_VOLUME));
    WorkloadVolume unknown = new WorkloadVolume("data", "/data", false, new WorkloadVolume.ProviderStorage("nv-gone"));
    WorkloadVolume second = new WorkloadVolume("more", "/more", false,
        new WorkloadVolume.ProviderStorage(RunPodStub.NETWORK_VOLUME));
    try {
      assertThatThrownBy(() -> provider.submit(shell.withVolumes(List.of(readOnly))))
          .hasMessageContaining("read-write only");
      assertThatThrownBy(() -> provider.submit(shell.withVolumes(List.of(unknown))))
          .isInstanceOfSatisfying(ProviderException.InvalidRequest.class,
              e -> assertThat(e.reason()).isEqualTo("VolumeNotFound")).hasMessageContaining("nv-gone");
      WorkloadVolume first = new WorkloadVolume("data", "/data", false,
          new WorkloadVolume.ProviderStorage(RunPodStub.NETWORK_VOLUME));
      assertThatThrownBy(() -> provider.submit(shell.withVolumes(List.of(first, second))))
          .hasMessageContaining("takes one network volume");
      assertThat(runpod.stub().podsNamed(key.workloadName())).isEmpty();
    } finally {
      provider.close();
    }
  }
}
