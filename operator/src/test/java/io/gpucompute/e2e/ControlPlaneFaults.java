package io.gpucompute.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults of a {@link ControlPlane} from outside: its kube-apiserver stopped (SIGTERM) and started again with the same
 * command line, and etcd compacted. The restarted kube-apiserver takes over the pid file of {@code
 * hack/control-plane.sh}, so {@code down} stops it as usual.
 */
final class ControlPlaneFaults {

  private static final Duration TERM_GRACE = Duration.ofSeconds(3);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ControlPlane plane;
  private final Path stateDir;
  private List<String> apiServerCommand;

  ControlPlaneFaults(ControlPlane plane) {
    this.plane = plane;
    this.stateDir = plane.kubeconfig().getParent();
  }

  /**
   * Stops kube-apiserver: SIGTERM (it stops listening at once), then SIGKILL if it still runs after a few seconds (it
   * would otherwise serve its open connections for up to a minute). Remembers its command line for {@link
   * #startApiServer}.
   */
  void stopApiServer() {
    ProcessHandle apiServer = apiServer();
    apiServerCommand = commandLine(apiServer);
    apiServer.destroy();
    if (!awaitGone(apiServer, TERM_GRACE)) {
      apiServer.destroyForcibly();
      if (!awaitGone(apiServer, KILL_WAIT)) {
        throw new IllegalStateException("kube-apiserver (pid " + apiServer.pid() + ") survived SIGKILL");
      }
    }
  }

  /** Starts kube-apiserver again as before (same flags, ports and etcd) and waits until its /readyz is ok. */
  void startApiServer() {
    if (apiServerCommand == null) {
      throw new IllegalStateException("stopApiServer() first");
    }
    try {
      Path log = stateDir.resolve("logs/kube-apiserver.log");
      Process process = new ProcessBuilder(apiServerCommand).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      Files.writeString(stateDir.resolve("pids/kube-apiserver.pid"), process.pid() + "\n");
      await("the restarted kube-apiserver is ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(250))
          .ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError("the restarted kube-apiserver exited with " + process.exitValue() + "; see "
                  + log);
            }
            return "ok".equals(plane.client().raw("/readyz"));
          });
    } catch (IOException e) {
      throw new UncheckedIOException("could not start kube-apiserver again", e);
    }
  }

  /**
   * Compacts etcd's history up to its current revision, physically: a watch from any older resourceVersion fails
   * with 410 Gone once the API server passes it to etcd. Returns the revision.
   */
  long compactEtcd() {
    String etcd = commandLine(apiServer()).stream().filter(a -> a.startsWith("--etcd-servers=")).findFirst()
        .orElseThrow(() -> new IllegalStateException("kube-apiserver has no --etcd-servers"))
        .substring("--etcd-servers=".length()).split(",")[0];
    // Any key: the answer's header carries the store's revision.
    long revision = etcdPost(etcd, "/v3/kv/range", "{\"key\":\"Lw==\"}").path("header").path("revision").asLong();
    etcdPost(etcd, "/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
    return revision;
  }

  /** Whether the process ended within {@code timeout}: gone, or a zombie (its parent, init, may never reap it). */
  private static boolean awaitGone(ProcessHandle process, Duration timeout) {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> !running(process.pid()));
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return false;
    }
  }

  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return !state.equals("Z") && !state.equals("X");
    } catch (IOException e) {
      return false;
    }
  }

  private ProcessHandle apiServer() {
    try {
      long pid = Long.parseLong(Files.readString(stateDir.resolve("pids/kube-apiserver.pid")).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .orElseThrow(() -> new IllegalStateException("kube-apiserver (pid " + pid + ") is not running"));
    } catch (IOException e) {
      throw new UncheckedIOException("no pid file of kube-apiserver in " + stateDir, e);
    }
  }

  private static List<String> commandLine(ProcessHandle process) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      List<String> argv = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          argv.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      return argv;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the command line of pid " + process.pid(), e);
    }
  }

  private static JsonNode etcdPost(String endpoint, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("etcd " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("could not call etcd " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
