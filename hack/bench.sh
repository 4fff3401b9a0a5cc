#!/usr/bin/env bash
# Issue #14's benchmark on the real API server: for each scenario, a fresh control
# plane (hack/control-plane.sh up) and the operator jar with the Helm chart's JVM
# options, driven and measured; prints one Markdown table of goals P1-P7.
#
# Usage: hack/bench.sh [scenario...]
#
#   handoff     P1  40 instant jobs on 2 GPUs: how long a freed GPU waits
#   burst       P2  1,000 instant jobs at once on 1,024 GPUs: jobs/s, latency
#               P3  the API server's writes to GpuJobs per job
#   idle        P4  2,000 running jobs, nothing changes: writes/s, stub calls
#   catalogue   P5  a burst on an AlibabaECS ProviderConfig: DescribePrice calls
#   memory      P6  10,000 GpuJobs (half finished, half queued): heap, RSS
#   dag         P7  fan-out GpuDags of 1,000 and 5,000 tasks
#   (none)      all of them, in that order
#
# At the defaults it takes about half an hour on 2 cores for all (27 minutes
# here; idle alone about 20, most of it creating 4,000 workloads and waiting for
# the cluster to go quiet). Run it on a quiet machine: the
# figures are only as good as the CPU the scenario gets. Scenario output and the
# operator's log go to operator/target/bench/<scenario>/ and
# operator/target/e2e-operators/. The exit code is 0 when every goal is met.
#
# Environment:
#   BENCH_SKIP_BUILD=true  use operator/target as it is (no ./mvnw package)
#   BENCH_JFR=true         record the operator with JDK Flight Recorder into
#                          operator/target/bench/<scenario>/<scenario>.jfr
#   BENCH_JAVA_OPTIONS     the operator's JVM options instead of the chart's
#                          javaOptions (to compare; the memory limit stays)
#   BENCH_OPTS             more options of the benchmark's JVM, such as
#                          -Dbench.burst.jobs=1000 -Dbench.warmup.jobs=500
#                          -Dbench.idle.jobs=2000 -Dbench.idle.seconds=300
#                          -Dbench.catalogue.jobs=100 -Dbench.memory.jobs=10000
#                          -Dbench.dag.tasks=5000 (the defaults)
#   JAVA                   the java to run the benchmark (default: from PATH)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${HACK_DIR}/.." && pwd)"
# shellcheck source=hack/lib/log.sh
source "${HACK_DIR}/lib/log.sh"

JAVA="${JAVA:-java}"
CLASSPATH_FILE="${REPO_ROOT}/operator/target/bench.classpath"

usage() { print_usage "${BASH_SOURCE[0]}"; }

main() {
  case "${1:-}" in
    -h | --help | help) usage; return 0 ;;
  esac
  cd "${REPO_ROOT}"
  "${HACK_DIR}/control-plane.sh" binaries >/dev/null
  if [[ ${BENCH_SKIP_BUILD:-false} != true ]]; then
    log "building the operator jar and the benchmark (./mvnw package -DskipTests)"
    ./mvnw -B -q -pl operator package -DskipTests
  fi
  [[ -f operator/target/gpu-compute-operator.jar ]] || die "operator/target/gpu-compute-operator.jar is missing"
  if [[ ! -f ${CLASSPATH_FILE} || operator/pom.xml -nt ${CLASSPATH_FILE} ]]; then
    ./mvnw -B -q -pl operator dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="${CLASSPATH_FILE}"
  fi
  local jvm=()
  [[ ${BENCH_JFR:-false} == true ]] && jvm+=(-Dbench.jfr=true)
  [[ -n ${BENCH_JAVA_OPTIONS:-} ]] && jvm+=("-Dbench.javaOptions=${BENCH_JAVA_OPTIONS}")
  local extra=()
  read -r -a extra <<<"${BENCH_OPTS:-}"
  jvm+=("${extra[@]}")
  "${JAVA}" "${jvm[@]}" -cp "operator/target/test-classes:operator/target/classes:$(cat "${CLASSPATH_FILE}")" \
    io.gpucompute.bench.ApiServerBenchmark "$@"
}

main "$@"
