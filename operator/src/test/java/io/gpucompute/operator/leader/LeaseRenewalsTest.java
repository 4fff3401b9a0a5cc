package io.gpucompute.operator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpucompute.operator.leader.LeaseRenewals.LeaseRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which requests of the operator's client read or write its Lease. */
class LeaseRenewalsTest {

  private static final String LEASE = "/apis/coordination.k8s.io/v1/namespaces/ops/leases/gpucompute-operator-leader";

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "GET,    " + LEASE + ", READ",
      "PATCH,  " + LEASE + ", WRITE",
      "PUT,    " + LEASE + ", WRITE",
      "DELETE, " + LEASE + ", NONE",
      "POST,   /apis/coordination.k8s.io/v1/namespaces/ops/leases, WRITE",
      "GET,    /apis/coordination.k8s.io/v1/namespaces/ops/leases, NONE",
      "GET,    /apis/coordination.k8s.io/v1/namespaces/other/leases/gpucompute-operator-leader, NONE",
      "PATCH,  /apis/coordination.k8s.io/v1/namespaces/ops/leases/another-lease, NONE",
      "POST,   /apis/coordination.k8s.io/v1/namespaces/other/leases, NONE",
      "PATCH,  /apis/gpucompute.io/v1alpha1/namespaces/ops/gpujobs/a/status, NONE"})
  void classifiesTheElectorsRequests(String method, String path, LeaseRequest expected) {
    assertThat(LeaseRenewals.classify(method, path, LEASE)).isEqualTo(expected);
  }
}
