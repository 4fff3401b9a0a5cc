package io.gpucompute.operator.leader;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;

/**
 * Sees the leader elector's requests for the Lease on the operator's own Kubernetes client, and tells {@link
 * Leadership} when a read was sent and when a write succeeded: the renewals, counted from this process's side of the
 * wire. Add it to the client's HTTP builder ({@code addOrReplaceInterceptor}).
 */
public final class LeaseRenewals implements Interceptor {

  /** What a request does to the Lease. */
  enum LeaseRequest { READ, WRITE, NONE }

  private final String leasePath;
  private final Leadership leadership;
  private final Clock clock;

  public LeaseRenewals(String namespace, String leaseName, Leadership leadership, Clock clock) {
    this.leasePath = "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/" + leaseName;
    this.leadership = leadership;
    this.clock = clock;
  }

  /**
   * What {@code method} on {@code path} does to the Lease at {@code leasePath}: a GET of it reads it; a PUT or PATCH
   * of it, or a POST to its collection (the first create), writes it.
   */
  static LeaseRequest classify(String method, String path, String leasePath) {
    if (path.equals(leasePath)) {
      return switch (method) {
        case "GET" -> LeaseRequest.READ;
        case "PUT", "PATCH" -> LeaseRequest.WRITE;
        default -> LeaseRequest.NONE;
      };
    }
    boolean collection = path.equals(leasePath.substring(0, leasePath.lastIndexOf('/')));
    return collection && method.equals("POST") ? LeaseRequest.WRITE : LeaseRequest.NONE;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (classify(request.method(), request.uri().getPath(), leasePath) == LeaseRequest.READ) {
      leadership.read(clock.instant());
    }
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (classify(request.method(), request.uri().getPath(), leasePath) == LeaseRequest.WRITE
        && HttpResponse.isSuccessful(response.code())) {
      leadership.written();
    }
  }
}
