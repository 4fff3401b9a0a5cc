package io.gpucompute.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpucompute.provider.ProviderException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GpuAllocatorTest {

  private static final List<GpuDevice> TWO_A100 = List.of(GpuDevice.declared(0, "A100"), GpuDevice.declared(1, "A100"));
  private static final Path FIRST = Path.of("/state/workloads/first");
  private static final Path SECOND = Path.of("/state/workloads/second");

  private final Set<Path> running = new HashSet<>();
  private final GpuAllocator allocator = new GpuAllocator(running::contains);

  @Test
  void allocatesFreeGpusInIndexOrder() throws ProviderException {
    assertThat(allocator.allocate(FIRST, TWO_A100, 1)).extracting(GpuDevice::index).containsExactly(0);
    assertThat(allocator.allocate(SECOND, TWO_A100, 1)).extracting(GpuDevice::index).containsExactly(1);
    assertThat(allocator.busyDeviceIds()).containsExactlyInAnyOrder("0", "1");
  }

  @Test
  void busyGpusAreNoCapacityThatSaysHowManyAreFree() throws ProviderException {
    allocator.allocate(FIRST, TWO_A100, 1);

    assertThatThrownBy(() -> allocator.allocate(SECOND, TWO_A100, 2))
        .isInstanceOf(ProviderException.NoCapacity.class)
        .hasMessage("1 of 2 A100 GPUs on this host are free; the job needs 2 (the others run other jobs)");
  }

  @Test
  void releaseFreesTheGpusOfOneWorkload() throws ProviderException {
    allocator.allocate(FIRST, TWO_A100, 2);

    allocator.release(FIRST);

    assertThat(allocator.allocate(SECOND, TWO_A100, 2)).hasSize(2);
  }

  @Test
  void gpusOfALaunchedWorkloadWhoseProcessEndedAreFreedLazily() throws ProviderException {
    allocator.allocate(FIRST, TWO_A100, 2);
    allocator.launched(FIRST); // and its process is not in `running`

    assertThat(allocator.allocate(SECOND, TWO_A100, 2)).hasSize(2);
  }

  @Test
  void gpusOfARunningWorkloadStayBusy() throws ProviderException {
    allocator.allocate(FIRST, TWO_A100, 2);
    allocator.launched(FIRST);
    running.add(FIRST);

    assertThatThrownBy(() -> allocator.allocate(SECOND, TWO_A100, 1)).isInstanceOf(ProviderException.NoCapacity.class);
  }

  @Test
  void gpusOfAWorkloadBeingLaunchedStayBusyThoughItHasNoProcessYet() throws ProviderException {
    allocator.allocate(FIRST, TWO_A100, 2); // not launched yet, no process

    assertThatThrownBy(() -> allocator.allocate(SECOND, TWO_A100, 1)).isInstanceOf(ProviderException.NoCapacity.class);
  }

  @Test
  void allocatingAgainForTheSameWorkloadReplacesItsGpus() throws ProviderException {
    allocator.allocate(FIRST, TWO_A100, 2);

    assertThat(allocator.allocate(FIRST, TWO_A100, 1)).extracting(GpuDevice::index).containsExactly(0);
    assertThat(allocator.busyDeviceIds()).containsExactly("0");
  }
}
