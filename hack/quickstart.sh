#!/usr/bin/env bash
# The quick start: a throw-away local control plane, the operator, and the hello GpuJob.
#
# Usage: hack/quickstart.sh [--use-current-context]
#        hack/quickstart.sh down
#
#   (no command)   1. installs the host packages when something is missing
#                     (hack/install-deps.sh) and starts a control plane on
#                     127.0.0.1 (hack/control-plane.sh up; the first run builds
#                     kube-apiserver, about 5 minutes on 2 cores)
#                  2. builds the operator (./mvnw package), applies crds/ and
#                     starts the operator jar in the background, its health
#                     server on 127.0.0.1 only, and waits until its /readyz
#                     answers ok
#                  3. applies examples/quickstart/ (a Local ProviderConfig and
#                     the hello GpuJob)
#                  4. waits until hello is Complete, then prints
#                     `kubectl get gpucompute -A`, the job's logs and its cost
#                  5. prints how to use the cluster and how to stop everything
#   --use-current-context
#                  skips the control plane: uses the current kubectl context
#                  (CRDs, operator on this host, examples in namespace default)
#   down           deletes the quick start's jobs (so the operator stops their
#                  processes), stops the operator, then the control plane (or,
#                  with --use-current-context earlier, deletes the quick start's
#                  objects from that cluster and leaves the cluster alone)
#
# Environment:
#   CONTROL_PLANE_DIR   state directory (default: <repo>/.control-plane); holds
#                       kubeconfig, operator.log, operator.pid and local-state/
#   KUBECTL, JAVA       the kubectl and java to run (default: from PATH)
#   QUICKSTART_WAIT     how long to wait for the hello job (default 180s)
#   QUICKSTART_SKIP_BUILD=true  run operator/target/gpu-compute-operator.jar
#                       as it is, without ./mvnw package (the e2e test does)
#   GPUCOMPUTE_*        passed on to the operator (see docs/operations.md);
#                       GPUCOMPUTE_HEALTH_BIND_ADDRESS defaults to 127.0.0.1
#                       and GPUCOMPUTE_HEALTH_PORT to a free port here
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${HACK_DIR}/.." && pwd)"
# shellcheck source=hack/lib/log.sh
source "${HACK_DIR}/lib/log.sh"
# shellcheck source=hack/lib/process.sh
source "${HACK_DIR}/lib/process.sh"
# shellcheck source=hack/lib/state-dir.sh
source "${HACK_DIR}/lib/state-dir.sh"
# shellcheck source=hack/lib/ports.sh
source "${HACK_DIR}/lib/ports.sh"
# shellcheck source=hack/lib/kube-binaries.sh
source "${HACK_DIR}/lib/kube-binaries.sh"

KUBECTL="${KUBECTL:-kubectl}"
JAVA="${JAVA:-java}"
WAIT="${QUICKSTART_WAIT:-180s}"
OPERATOR_JAR="${REPO_ROOT}/operator/target/gpu-compute-operator.jar"
OPERATOR_START_TIMEOUT=120
OPERATOR_STOP_TIMEOUT=30

usage() { print_usage "${BASH_SOURCE[0]}"; }

init_paths() {
  STATE_DIR="$(state_dir_path "${REPO_ROOT}/.control-plane")"
  KUBECONFIG_PATH="${STATE_DIR}/kubeconfig"
  OPERATOR_LOG="${STATE_DIR}/operator.log"
  OPERATOR_PID_FILE="${STATE_DIR}/operator.pid"
  # The operator's /readyz, as a URL.
  OPERATOR_READYZ_FILE="${STATE_DIR}/operator.readyz"
  LOCAL_STATE_DIR="${STATE_DIR}/local-state"
  # "local" (our control plane) or "current-context:<context>".
  MODE_FILE="${STATE_DIR}/quickstart.mode"
}

# ---------------------------------------------------------------------------
# The operator process

# Succeeds when pid $1 is alive and runs our operator jar.
is_operator_pid() {
  pid_alive "$1" && pid_has_arg "$1" "${OPERATOR_JAR}"
}

operator_pid() {
  local pid
  [[ -f ${OPERATOR_PID_FILE} ]] || return 1
  pid="$(cat "${OPERATOR_PID_FILE}")"
  is_operator_pid "${pid}" || return 1
  echo "${pid}"
}

print_operator_log_tail() {
  if [[ -s ${OPERATOR_LOG} ]]; then
    echo "----- last 40 lines of ${OPERATOR_LOG} -----" >&2
    tail -n 40 "${OPERATOR_LOG}" >&2
    echo "-----" >&2
  fi
}

# Stops the operator (SIGTERM, then SIGKILL); its workloads keep running, so
# callers delete the jobs first.
stop_operator() {
  local pid
  if pid="$(operator_pid)"; then
    stop_pid "${pid}" "the operator" "${OPERATOR_STOP_TIMEOUT}" is_operator_pid || die "could not stop the operator"
  fi
  rm -f "${OPERATOR_PID_FILE}" "${OPERATOR_READYZ_FILE}"
}

# Succeeds when the operator's /readyz at URL $1 answers ok.
operator_ready() {
  [[ "$(curl -fsS --noproxy "*" --max-time 2 "$1" 2>/dev/null)" == ok ]]
}

# Starts the operator jar in the background, in its own session (so it
# outlives this script), and waits until its /readyz answers ok, or it died.
# Its health server listens on 127.0.0.1 (not on every interface), on a free
# port, unless GPUCOMPUTE_HEALTH_BIND_ADDRESS / GPUCOMPUTE_HEALTH_PORT say otherwise.
start_operator() {
  # (Not named "port": pick_free_port sets the variable it is given, and has a local of that name.)
  local address="${GPUCOMPUTE_HEALTH_BIND_ADDRESS:-127.0.0.1}" health_port="${GPUCOMPUTE_HEALTH_PORT:-}" host readyz
  [[ -n ${health_port} ]] || pick_free_port health_port
  ((health_port > 0)) || die "the quick start waits on the operator's /readyz: GPUCOMPUTE_HEALTH_PORT must not be 0"
  host="${address}"
  [[ ${host} == *:* ]] && host="[${host}]"
  [[ ${host} == 0.0.0.0 || ${host} == "[::]" ]] && host=127.0.0.1
  readyz="http://${host}:${health_port}/readyz"
  mkdir -p "${LOCAL_STATE_DIR}"
  log "starting the operator (log: ${OPERATOR_LOG}; health: ${address} port ${health_port})"
  # GPUCOMPUTE_LOCAL_PROVIDER_ENABLED=true: the quick start runs its jobs on this
  # host (the Local provider is off unless enabled; docs/security.md).
  GPUCOMPUTE_STATE_DIR="${LOCAL_STATE_DIR}" GPUCOMPUTE_HEALTH_BIND_ADDRESS="${address}" \
    GPUCOMPUTE_HEALTH_PORT="${health_port}" \
    GPUCOMPUTE_LOCAL_PROVIDER_ENABLED="${GPUCOMPUTE_LOCAL_PROVIDER_ENABLED:-true}" \
    setsid "${JAVA}" -jar "${OPERATOR_JAR}" >"${OPERATOR_LOG}" 2>&1 </dev/null &
  echo "$!" >"${OPERATOR_PID_FILE}"
  echo "${readyz}" >"${OPERATOR_READYZ_FILE}"
  OPERATOR_STARTED=1
  local pid deadline=$((SECONDS + OPERATOR_START_TIMEOUT))
  pid="$(cat "${OPERATOR_PID_FILE}")"
  until operator_ready "${readyz}"; do
    is_operator_pid "${pid}" || die "the operator exited while starting"
    ((SECONDS < deadline)) || die "the operator was not ready (${readyz}) within ${OPERATOR_START_TIMEOUT}s"
    sleep 0.5
  done
  log "operator ready (pid ${pid}, ${readyz})"
}

# ---------------------------------------------------------------------------
# Steps

# Installs the host packages when a tool or binary that the control plane
# needs is missing (and cannot be built with what is installed).
ensure_deps() {
  local tool missing=()
  for tool in openssl curl jq setsid base64; do
    command -v "${tool}" >/dev/null 2>&1 || missing+=("${tool}")
  done
  kube_binary_path etcd >/dev/null || missing+=(etcd)
  if ! kube_binaries_find_quietly && ! kube_binaries_build_deps_present; then
    missing+=("the packages to build kube-apiserver")
  fi
  if ((${#missing[@]} > 0)); then
    log "missing: ${missing[*]}; running hack/install-deps.sh"
    "${HACK_DIR}/install-deps.sh"
  fi
}

require_tools() {
  command -v "${KUBECTL}" >/dev/null 2>&1 || die "${KUBECTL} not found: install kubectl (or set KUBECTL)"
  command -v "${JAVA}" >/dev/null 2>&1 || die "${JAVA} not found: install a JDK 17+ (or set JAVA)"
}

build_operator() {
  if [[ ${QUICKSTART_SKIP_BUILD:-} == true ]]; then
    [[ -f ${OPERATOR_JAR} ]] || die "QUICKSTART_SKIP_BUILD=true, but there is no ${OPERATOR_JAR}"
    log "QUICKSTART_SKIP_BUILD=true: running ${OPERATOR_JAR} as it is"
    return 0
  fi
  log "building the operator (./mvnw package -DskipTests)"
  (cd "${REPO_ROOT}" && ./mvnw -q -B package -DskipTests)
  [[ -f ${OPERATOR_JAR} ]] || die "the build did not produce ${OPERATOR_JAR}"
}

install_crds() {
  log "applying crds/"
  "${KUBECTL}" apply -f "${REPO_ROOT}/crds/" >&2
  "${KUBECTL}" wait --for=condition=Established -f "${REPO_ROOT}/crds/" --timeout=60s >&2
}

# Runs `kubectl delete "$@"`, waiting for the objects to go: for GpuJobs, until
# the operator's finalizer has stopped their processes. Warns on failure.
delete_objects() {
  if ! "${KUBECTL}" delete "$@" --ignore-not-found --wait=true --timeout=60s >&2; then
    log "warning: kubectl delete $* failed; processes of GpuJobs may still run"
  fi
}

# ---------------------------------------------------------------------------
# Commands

cmd_up() {
  local use_current_context=$1 context
  require_tools
  init_paths
  # A previous quick start goes first: its jobs, its operator (whose files
  # `up` wipes) and its control plane.
  if operator_pid >/dev/null; then
    log "a previous quick start is running; stopping it first"
    cmd_down
  fi

  if ((use_current_context)); then
    context="$("${KUBECTL}" config current-context 2>/dev/null)" || die "no current kubectl context; drop --use-current-context to start a local control plane"
    log "using the current context: ${context}"
    # Mark the directory as ours, as hack/control-plane.sh would, so a later
    # quick start without the flag may reuse (wipe) it.
    state_dir_mark "${STATE_DIR}" || true
    unset KUBECONFIG_PATH
  else
    ensure_deps
    "${HACK_DIR}/control-plane.sh" up >/dev/null
    export KUBECONFIG="${KUBECONFIG_PATH}"
  fi
  if ((use_current_context)); then
    echo "current-context:${context}" >"${MODE_FILE}"
  else
    echo local >"${MODE_FILE}"
  fi

  build_operator
  install_crds
  # shellcheck disable=SC2034 # read by the EXIT trap
  OPERATOR_STARTED=0
  trap 'rc=$?; if ((rc != 0 && OPERATOR_STARTED)); then log "failed; the operator log follows"; print_operator_log_tail; fi' EXIT
  start_operator

  log "applying examples/quickstart/"
  "${KUBECTL}" apply -f "${REPO_ROOT}/examples/quickstart/" >&2
  log "waiting up to ${WAIT} for gpujob/hello to complete"
  if ! "${KUBECTL}" wait --for=condition=Complete gpujob/hello -n default --timeout="${WAIT}" >&2; then
    "${KUBECTL}" get gpujob hello -n default -o yaml >&2 || true
    die "gpujob/hello did not complete within ${WAIT}"
  fi
  log "waiting up to ${WAIT} for gpudag/hello-dag (fetch -> greet -> report) to complete"
  if ! "${KUBECTL}" wait --for=condition=Complete gpudag/hello-dag -n default --timeout="${WAIT}" >&2; then
    "${KUBECTL}" get gpudag hello-dag -n default -o yaml >&2 || true
    die "gpudag/hello-dag did not complete within ${WAIT}"
  fi
  trap - EXIT

  echo
  echo "\$ kubectl get gpucompute -A"
  "${KUBECTL}" get gpucompute -A
  echo
  echo "Logs of gpujob/hello (.status.logTail):"
  "${KUBECTL}" get gpujob hello -n default -o jsonpath='{.status.logTail}' | sed 's/^/  /'
  echo
  echo "Cost of gpujob/hello (.status.accruedCost): $("${KUBECTL}" get gpujob hello -n default -o jsonpath='{.status.accruedCost}') USD"
  echo
  echo "The GpuDag hello-dag ran its tasks as GpuJobs, one after another:"
  "${KUBECTL}" get gpujobs -n default -l gpucompute.io/dag=hello-dag
  echo "Cost of gpudag/hello-dag (.status.accruedCost): $("${KUBECTL}" get gpudag hello-dag -n default -o jsonpath='{.status.accruedCost}') USD"
  echo
  if [[ -n ${KUBECONFIG_PATH:-} ]]; then
    echo "The cluster is yours to use:"
    echo "  export KUBECONFIG=${KUBECONFIG_PATH}"
  else
    echo "The operator works on your current context (${context})."
  fi
  echo "  kubectl get gpujobs -A; kubectl apply -f examples/retrying-gpujob.yaml -f examples/gpudag-pipeline.yaml"
  echo "Operator log: ${OPERATOR_LOG}"
  echo "Operator readiness: $(cat "${OPERATOR_READYZ_FILE}")"
  echo "Stop everything: hack/quickstart.sh down"
}

cmd_down() {
  require_tools
  init_paths
  local mode=local
  [[ -f ${MODE_FILE} ]] && mode="$(cat "${MODE_FILE}")"
  if [[ ${mode} == current-context:* ]]; then
    local context=${mode#current-context:}
    if operator_pid >/dev/null; then
      log "deleting the quick start's objects from context ${context}"
      local file
      # Jobs before their ProviderConfig: the job's finalizer needs it.
      for file in $(find "${REPO_ROOT}/examples/quickstart" -maxdepth 1 -name '*.yaml' | sort -r); do
        delete_objects --context="${context}" -f "${file}"
      done
    fi
    stop_operator
  else
    if operator_pid >/dev/null && [[ -f ${KUBECONFIG_PATH} ]]; then
      # The whole cluster is ours: delete every job, so that the operator's
      # finalizer stops the processes it runs on this host.
      log "deleting every GpuJob, so the operator stops their processes"
      KUBECONFIG="${KUBECONFIG_PATH}" delete_objects gpudags --all --all-namespaces
      KUBECONFIG="${KUBECONFIG_PATH}" delete_objects gpujobs --all --all-namespaces
    fi
    stop_operator
    "${HACK_DIR}/control-plane.sh" down
  fi
  rm -f "${MODE_FILE}"
  log "stopped"
}

main() {
  local use_current_context=0 command=up arg
  for arg in "$@"; do
    case "${arg}" in
      --use-current-context) use_current_context=1 ;;
      up) command=up ;;
      down) command=down ;;
      -h | --help | help) usage; return 0 ;;
      *) usage >&2; die "unknown argument: ${arg}" ;;
    esac
  done
  case "${command}" in
    up) cmd_up "${use_current_context}" ;;
    down) cmd_down ;;
  esac
}

main "$@"
