package io.gpucompute.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits at start until the API server answers, so that a replica restarted while the API server is away waits (ready:
 * no; live: yes) instead of failing its start again and again into a crash loop whose back-off outlasts the outage.
 */
public final class ApiServerWait {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServerWait.class);
  private static final Duration PAUSE = Duration.ofSeconds(2);

  private ApiServerWait() {}

  /** Returns once {@code GET /version} succeeds; logs each failure. */
  public static void await(KubernetesClient client) throws InterruptedException {
    for (int tries = 1; ; tries++) {
      try {
        String version = client.getKubernetesVersion().getGitVersion();
        if (tries > 1) {
          LOG.info("the API server at {} answers again ({})", client.getMasterUrl(), version);
        }
        return;
      } catch (KubernetesClientException e) {
        LOG.warn("the API server at {} does not answer (try {}): {}; trying again in {}s", client.getMasterUrl(),
            tries, e.getMessage(), PAUSE.toSeconds());
        Thread.sleep(PAUSE.toMillis());
      }
    }
  }
}
