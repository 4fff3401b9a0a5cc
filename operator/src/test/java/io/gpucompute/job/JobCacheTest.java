package io.gpucompute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.gpucompute.api.v1alpha1.GpuJob;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobCacheTest {

  private final GpuJobItemStore store = new GpuJobItemStore();
  private final JobCache cache = new JobCache(store, () -> true);

  private static GpuJob job(String namespace, String name) {
    GpuJob job = TestJobs.job();
    job.getMetadata().setNamespace(namespace);
    job.getMetadata().setName(name);
    job.getSpec().setCommand(new ArrayList<>(job.getSpec().getCommand())); // the store shares its strings in place
    return job;
  }

  private void put(GpuJob job) {
    store.put(Cache.metaNamespaceKeyFunc(job), job);
  }

  private List<String> names(String namespace) {
    return cache.inNamespace(namespace).map(j -> j.getMetadata().getName()).sorted().toList();
  }

  @Test
  void theJobsOfANamespaceFollowTheStore() {
    put(job("team-a", "one"));
    put(job("team-a", "two"));
    put(job("team-b", "three"));

    assertThat(names("team-a")).containsExactly("one", "two");
    assertThat(names("team-b")).containsExactly("three");
    assertThat(names("team-c")).isEmpty();

    store.remove("team-a/one");
    store.remove("team-b/three");
    store.remove("team-b/never-stored");

    assertThat(names("team-a")).containsExactly("two");
    assertThat(names("team-b")).isEmpty();
  }

  @Test
  void aListenerHearsOfEachChangeWithWhatItReplacedOnceTheViewShowsIt() {
    List<String> heard = new ArrayList<>();
    cache.listen(new GpuJobItemStore.Listener() {
      @Override
      public void stored(GpuJob before, GpuJob now) {
        heard.add((before == null ? "new " : "changed ") + now.getMetadata().getName() + " seen "
            + names(now.getMetadata().getNamespace()).contains(now.getMetadata().getName()));
      }

      @Override
      public void removed(GpuJob gone) {
        heard.add("removed " + gone.getMetadata().getName() + " seen "
            + names(gone.getMetadata().getNamespace()).contains(gone.getMetadata().getName()));
      }
    });

    put(job("team-a", "one"));
    put(job("team-a", "one"));
    store.remove("team-a/one");

    assertThat(heard).containsExactly("new one seen true", "changed one seen true", "removed one seen false");
  }
}
