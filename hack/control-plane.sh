#!/usr/bin/env bash
# A real, throw-away Kubernetes control plane (etcd + kube-apiserver +
# kube-controller-manager) on 127.0.0.1, for end-to-end tests and the quick start.
#
# Usage: hack/control-plane.sh <command>
#   up        start etcd, kube-apiserver and kube-controller-manager on free
#             loopback ports with fresh state (stops a running one first); waits
#             until /readyz is ok and the default ServiceAccount has its token,
#             then prints the kubeconfig path on stdout
#   down      stop every process `up` started here (SIGTERM, then SIGKILL);
#             idempotent
#   env       print `export KUBECONFIG=<path>`, for: eval "$(hack/control-plane.sh env)"
#   status    print the state of each component; exit 0 only when all run
#   binaries  find (or build once, on Debian/Ubuntu) the binaries and print the
#             directory that holds kube-apiserver/kube-controller-manager
#
# Environment:
#   CONTROL_PLANE_DIR                 state directory (default: <repo>/.control-plane)
#   CONTROL_PLANE_APISERVER_EXTRA_ARGS  extra kube-apiserver flags, split on
#                                     whitespace (e.g. --oidc-issuer-url=...)
#   CONTROL_PLANE_CONTROLLER_MANAGER_EXTRA_ARGS  same, for kube-controller-manager
#   CONTROL_PLANE_START_TIMEOUT       seconds to wait for readiness (default 120)
#   CONTROL_PLANE_STOP_TIMEOUT        seconds between SIGTERM and SIGKILL (default 15)
#   KUBEBUILDER_ASSETS, CONTROL_PLANE_KUBE_VERSION, XDG_CACHE_HOME: see
#                                     hack/lib/kube-binaries.sh
#
# State directory layout:
#   kubeconfig                    admin kubeconfig (user admin, group system:masters)
#   endpoint                      https://127.0.0.1:<port> of the API server
#   controller-manager.kubeconfig kubeconfig of kube-controller-manager
#   pki/                          CA, serving/client certs, ServiceAccount key pair
#   etcd/                         etcd data
#   logs/{etcd,kube-apiserver,kube-controller-manager}.log
#   pids/{etcd,kube-apiserver,kube-controller-manager}.pid
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

COMPONENTS=(etcd kube-apiserver kube-controller-manager)
SERVICE_CLUSTER_IP_RANGE=10.0.0.0/24
# The first address of the range: the ClusterIP of the `kubernetes` Service.
KUBERNETES_SERVICE_IP=10.0.0.1
SERVICE_ACCOUNT_ISSUER=https://kubernetes.default.svc.cluster.local

START_TIMEOUT="${CONTROL_PLANE_START_TIMEOUT:-120}"
STOP_TIMEOUT="${CONTROL_PLANE_STOP_TIMEOUT:-15}"

usage() { print_usage "${BASH_SOURCE[0]}"; }

# Resolves CONTROL_PLANE_DIR to an absolute path and derives the other paths.
init_paths() {
  STATE_DIR="$(state_dir_path "${REPO_ROOT}/.control-plane")"
  PKI_DIR="${STATE_DIR}/pki"
  LOG_DIR="${STATE_DIR}/logs"
  PID_DIR="${STATE_DIR}/pids"
  ETCD_DATA_DIR="${STATE_DIR}/etcd"
  KUBECONFIG_PATH="${STATE_DIR}/kubeconfig"
  KCM_KUBECONFIG_PATH="${STATE_DIR}/controller-manager.kubeconfig"
  ENDPOINT_FILE="${STATE_DIR}/endpoint"
}

# ---------------------------------------------------------------------------
# Processes

# Succeeds when pid $1 runs binary $2 with a command line that refers to this
# state directory (all our components get paths under it), i.e. it is ours.
pid_is_ours() {
  local pid=$1 name=$2 comm arg
  pid_alive "${pid}" || return 1
  # Cheap filter first: comm is the executable name truncated to 15 chars.
  { read -r comm <"/proc/${pid}/comm"; } 2>/dev/null || return 1
  [[ ${comm} == "${name:0:15}" ]] || return 1
  read_pid_argv "${pid}" && [[ ${PID_ARGV[0]##*/} == "${name}" ]] || return 1
  for arg in "${PID_ARGV[@]}"; do
    [[ ${arg} == *"${STATE_DIR}/"* ]] && return 0
  done
  return 1
}

# Prints the pids of processes named $1 whose command line refers to this
# state directory (a backstop for lost pid files).
find_our_pids() {
  local name=$1 proc
  for proc in /proc/[0-9]*; do
    if pid_is_ours "${proc#/proc/}" "${name}"; then
      echo "${proc#/proc/}"
    fi
  done
}

# Stops component $2 with pid $1, if that pid is still the component of this state directory.
stop_component() {
  stop_pid "$1" "$2" "${STOP_TIMEOUT}" pid_is_ours "$2" || die "could not stop $2 (pid $1)"
}

# Starts "$@" in the background in its own session (so it outlives this
# script and its terminal), logging to logs/$name.log; records the pid.
start_component() {
  local name=$1
  shift
  log "starting ${name}"
  # Not a process-group leader (no job control here), so setsid execs in place
  # and $! is the component's own pid.
  setsid "$@" >"${LOG_DIR}/${name}.log" 2>&1 </dev/null &
  echo "$!" >"${PID_DIR}/${name}.pid"
}

component_pid() {
  local file="${PID_DIR}/$1.pid"
  [[ -f ${file} ]] && cat "${file}"
}

# Fails with the tail of the component's log.
fail_component() {
  local name=$1 message=$2
  echo "control-plane: ERROR: ${name}: ${message}" >&2
  if [[ -f ${LOG_DIR}/${name}.log ]]; then
    echo "----- last 40 lines of ${LOG_DIR}/${name}.log -----" >&2
    tail -n 40 "${LOG_DIR}/${name}.log" >&2
    echo "-----" >&2
  fi
  exit 1
}

# Polls `$2...` until it succeeds, failing when component $1 dies or after
# START_TIMEOUT seconds.
wait_for() {
  local name=$1 what=$2
  shift 2
  local deadline=$((SECONDS + START_TIMEOUT)) pid
  pid="$(component_pid "${name}")"
  until "$@" >/dev/null 2>&1; do
    pid_alive "${pid}" || fail_component "${name}" "exited while waiting for ${what}"
    ((SECONDS < deadline)) || fail_component "${name}" "timed out after ${START_TIMEOUT}s waiting for ${what}"
    sleep 0.25
  done
}

# ---------------------------------------------------------------------------
# Certificates and kubeconfigs

write_openssl_config() {
  cat >"${PKI_DIR}/openssl.cnf" <<EOF
# Generated by hack/control-plane.sh; self-contained (no system openssl.cnf).
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = @server_names
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server_names]
DNS.1 = localhost
DNS.2 = kubernetes
DNS.3 = kubernetes.default
DNS.4 = kubernetes.default.svc
DNS.5 = kubernetes.default.svc.cluster.local
IP.1 = 127.0.0.1
IP.2 = ${KUBERNETES_SERVICE_IP}
EOF
}

# Issues pki/$1.{key,crt} signed by the CA: subject $2, extensions section $3.
issue_cert() {
  local name=$1 subject=$2 section=$3
  openssl req -new -nodes -newkey rsa:2048 -config "${PKI_DIR}/openssl.cnf" \
    -subj "${subject}" -keyout "${PKI_DIR}/${name}.key" -out "${PKI_DIR}/${name}.csr" 2>/dev/null
  openssl x509 -req -in "${PKI_DIR}/${name}.csr" -CA "${PKI_DIR}/ca.crt" -CAkey "${PKI_DIR}/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 365 \
    -extfile "${PKI_DIR}/openssl.cnf" -extensions "${section}" -out "${PKI_DIR}/${name}.crt" 2>/dev/null
  rm -f "${PKI_DIR}/${name}.csr"
}

generate_pki() {
  log "generating certificates in ${PKI_DIR}"
  mkdir -p "${PKI_DIR}"
  chmod 0700 "${PKI_DIR}"
  write_openssl_config
  openssl req -x509 -new -nodes -newkey rsa:2048 -config "${PKI_DIR}/openssl.cnf" -extensions ca \
    -subj "/CN=gpucompute-control-plane-ca" -days 3650 \
    -keyout "${PKI_DIR}/ca.key" -out "${PKI_DIR}/ca.crt" 2>/dev/null
  issue_cert apiserver "/CN=kube-apiserver" server
  # Group (O) system:masters is bound to cluster-admin by the default RBAC policy.
  issue_cert admin "/O=system:masters/CN=admin" client
  # The user name the default RBAC policy grants the controller-manager's rights to.
  issue_cert controller-manager "/CN=system:kube-controller-manager" client
  # ServiceAccount token signing key pair (private: apiserver + controller-manager
  # sign; public: apiserver verifies).
  openssl genrsa -out "${PKI_DIR}/sa.key" 2048 2>/dev/null
  openssl rsa -in "${PKI_DIR}/sa.key" -pubout -out "${PKI_DIR}/sa.pub" 2>/dev/null
}

# Writes a self-contained kubeconfig (certificates embedded) to $1 for the
# client certificate pki/$2.{crt,key}.
write_kubeconfig() {
  local path=$1 cert=$2 user=$3
  local tmp="${path}.tmp"
  cat >"${tmp}" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: gpucompute-local
  cluster:
    server: ${API_ENDPOINT}
    certificate-authority-data: $(base64 -w0 <"${PKI_DIR}/ca.crt")
users:
- name: ${user}
  user:
    client-certificate-data: $(base64 -w0 <"${PKI_DIR}/${cert}.crt")
    client-key-data: $(base64 -w0 <"${PKI_DIR}/${cert}.key")
contexts:
- name: gpucompute-local
  context:
    cluster: gpucompute-local
    user: ${user}
    namespace: default
current-context: gpucompute-local
EOF
  chmod 0600 "${tmp}"
  mv -f "${tmp}" "${path}"
}

# ---------------------------------------------------------------------------
# Readiness probes (curl with the admin client certificate)

api_get() {
  curl -fsS --max-time 5 --cacert "${PKI_DIR}/ca.crt" \
    --cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key" "${API_ENDPOINT}$1"
}

etcd_healthy() {
  curl -fsS --max-time 5 "http://127.0.0.1:${ETCD_PORT}/health" | jq -e '.health == "true"'
}

apiserver_ready() {
  [[ "$(api_get /readyz)" == ok ]]
}

controller_manager_healthy() {
  # /healthz is in the controller-manager's always-allowed paths; its serving
  # certificate is self-signed, hence -k (loopback only).
  [[ "$(curl -fsSk --max-time 5 "https://127.0.0.1:${KCM_PORT}/healthz")" == ok ]]
}

default_service_account_has_token() {
  api_get /api/v1/namespaces/default >/dev/null || return 1
  local secret
  secret="$(api_get /api/v1/namespaces/default/serviceaccounts/default | jq -er '.secrets[0].name')" || return 1
  api_get "/api/v1/namespaces/default/secrets/${secret}" | jq -e '.data.token | length > 0'
}

# ---------------------------------------------------------------------------
# Commands

cmd_binaries() {
  kube_binaries_ensure
  local apiserver_dir kcm_dir
  apiserver_dir="$(dirname "${KUBE_APISERVER_BIN}")"
  kcm_dir="$(dirname "${KUBE_CONTROLLER_MANAGER_BIN}")"
  if [[ ${apiserver_dir} != "${kcm_dir}" ]]; then
    log "note: kube-controller-manager is in ${kcm_dir}"
  fi
  log "kube-apiserver: ${KUBE_APISERVER_BIN}"
  log "kube-controller-manager: ${KUBE_CONTROLLER_MANAGER_BIN}"
  log "etcd: ${ETCD_BIN}"
  echo "${apiserver_dir}"
}

cmd_down() {
  init_paths
  local name pid
  # Reverse start order: controller-manager, apiserver, etcd.
  for name in kube-controller-manager kube-apiserver etcd; do
    if pid="$(component_pid "${name}")" && [[ -n ${pid} ]]; then
      stop_component "${pid}" "${name}"
    fi
    # Backstop: processes of this directory whose pid file was lost.
    for pid in $(find_our_pids "${name}"); do
      stop_component "${pid}" "${name}"
    done
    rm -f "${PID_DIR}/${name}.pid"
  done
  for name in "${COMPONENTS[@]}"; do
    [[ -z "$(find_our_pids "${name}")" ]] || die "${name} of ${STATE_DIR} is still running"
  done
  log "stopped (state kept in ${STATE_DIR} until the next up)"
}

# Empties the state directory, refusing one that is not ours.
reset_state_dir() {
  state_dir_is_ours "${STATE_DIR}" \
    || die "${STATE_DIR} is not empty and was not created by hack/; refusing to wipe it (set CONTROL_PLANE_DIR)"
  cmd_down
  state_dir_wipe "${STATE_DIR}"
  mkdir -p "${LOG_DIR}" "${PID_DIR}" "${ETCD_DATA_DIR}"
  chmod 0700 "${ETCD_DATA_DIR}"
}

start_etcd() {
  local args=(
    --name=control-plane
    --data-dir="${ETCD_DATA_DIR}"
    # Plain http is fine: etcd listens on loopback only and holds throw-away data.
    --listen-client-urls="http://127.0.0.1:${ETCD_PORT}"
    --advertise-client-urls="http://127.0.0.1:${ETCD_PORT}"
    --listen-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}"
    --initial-advertise-peer-urls="http://127.0.0.1:${ETCD_PEER_PORT}"
    --initial-cluster="control-plane=http://127.0.0.1:${ETCD_PEER_PORT}"
    --initial-cluster-state=new
  )
  local help
  help="$("${ETCD_BIN}" --help 2>&1 || true)"
  # Throw-away data: skip fsync where this etcd supports it (3.5+).
  if grep -q -- '--unsafe-no-fsync' <<<"${help}"; then
    args+=(--unsafe-no-fsync=true)
  fi
  # 3.4 defaults to the deprecated capnslog logger and warns about it.
  if grep -q -- '--logger' <<<"${help}"; then
    args+=(--logger=zap)
  fi
  # etcd takes every ETCD_* environment variable as configuration: drop the
  # caller's, so only the flags below apply.
  local env_args=() var
  for var in $(compgen -e); do
    [[ ${var} == ETCD_* ]] && env_args+=(-u "${var}")
  done
  # etcd 3.4 refuses to start on arm64 unless told it is fine.
  if [[ "$(uname -m)" == aarch64 ]]; then env_args+=(ETCD_UNSUPPORTED_ARCH=arm64); fi
  start_component etcd env "${env_args[@]}" "${ETCD_BIN}" "${args[@]}"
  wait_for etcd "etcd /health" etcd_healthy
}

start_apiserver() {
  local extra=()
  read -r -a extra <<<"${CONTROL_PLANE_APISERVER_EXTRA_ARGS:-}"
  # shellcheck disable=SC2054 # the commas are inside flag values
  local args=(
    --etcd-servers="http://127.0.0.1:${ETCD_PORT}"
    --bind-address=127.0.0.1
    --secure-port="${API_PORT}"
    # The address published for the `kubernetes` Service. Loopback is not a
    # valid Endpoints address, so the endpoint reconciler is switched off
    # (it would otherwise log an error every 10s); nothing here needs
    # in-cluster access to the API server.
    --advertise-address=127.0.0.1
    --endpoint-reconciler-type=none
    --tls-cert-file="${PKI_DIR}/apiserver.crt"
    --tls-private-key-file="${PKI_DIR}/apiserver.key"
    # Never write self-signed certificates to the default /var/run/kubernetes.
    --cert-dir="${PKI_DIR}/apiserver-generated"
    --client-ca-file="${PKI_DIR}/ca.crt"
    --authorization-mode=Node,RBAC
    --allow-privileged=true
    --service-cluster-ip-range="${SERVICE_CLUSTER_IP_RANGE}"
    # ServiceAccount tokens: signed with sa.key (bound tokens via the
    # TokenRequest API), verified with sa.pub (also the controller-manager's
    # legacy token Secrets, signed with the same private key).
    --service-account-issuer="${SERVICE_ACCOUNT_ISSUER}"
    --service-account-key-file="${PKI_DIR}/sa.pub"
    --service-account-signing-key-file="${PKI_DIR}/sa.key"
    --api-audiences="${SERVICE_ACCOUNT_ISSUER}"
  )
  # Append last, so callers (e.g. OIDC flags) may also override defaults.
  start_component kube-apiserver "${KUBE_APISERVER_BIN}" "${args[@]}" "${extra[@]}"
  wait_for kube-apiserver "/readyz" apiserver_ready
}

start_controller_manager() {
  local extra=()
  read -r -a extra <<<"${CONTROL_PLANE_CONTROLLER_MANAGER_EXTRA_ARGS:-}"
  local args=(
    --kubeconfig="${KCM_KUBECONFIG_PATH}"
    # No --authentication-kubeconfig/--authorization-kubeconfig: delegated
    # authn would poll for a request-header CA that this API server does not
    # have (no aggregation layer). Its port then only serves the always-allowed
    # /healthz, which is all `up` needs.
    --bind-address=127.0.0.1
    --secure-port="${KCM_PORT}"
    # 1.20 still serves plain http on 10252 by default; 0 disables it.
    --port=0
    # Its self-signed serving certificate goes here, not /var/run/kubernetes.
    --cert-dir="${PKI_DIR}/controller-manager-generated"
    # Each controller runs with its own ServiceAccount (and RBAC role).
    --use-service-account-credentials=true
    # Signs the legacy ServiceAccount token Secrets (tokens controller).
    --service-account-private-key-file="${PKI_DIR}/sa.key"
    # ca.crt put into the token Secrets.
    --root-ca-file="${PKI_DIR}/ca.crt"
    # Lets the CSR signing controller issue certificates from our CA.
    --cluster-signing-cert-file="${PKI_DIR}/ca.crt"
    --cluster-signing-key-file="${PKI_DIR}/ca.key"
    --controllers='*'
    --leader-elect=false
  )
  start_component kube-controller-manager "${KUBE_CONTROLLER_MANAGER_BIN}" "${args[@]}" "${extra[@]}"
  wait_for kube-controller-manager "/healthz" controller_manager_healthy
}

cmd_up() {
  local start=${SECONDS}
  local tool
  for tool in openssl curl jq setsid base64; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} not found; run hack/install-deps.sh"
  done
  kube_binaries_ensure
  init_paths
  if [[ -n "$(for c in "${COMPONENTS[@]}"; do find_our_pids "${c}"; done)" ]]; then
    log "a control plane is running in ${STATE_DIR}; stopping it first"
  fi
  reset_state_dir

  # On any failure below, stop what was started (logs stay for inspection).
  trap 'rc=$?; if ((rc != 0)); then log "up failed; stopping what was started (logs: ${LOG_DIR})"; cmd_down >/dev/null 2>&1 || true; fi' EXIT

  pick_free_port ETCD_PORT
  pick_free_port ETCD_PEER_PORT
  pick_free_port API_PORT
  pick_free_port KCM_PORT
  API_ENDPOINT="https://127.0.0.1:${API_PORT}"
  log "state ${STATE_DIR}; ports: etcd ${ETCD_PORT}/${ETCD_PEER_PORT}, kube-apiserver ${API_PORT}, kube-controller-manager ${KCM_PORT}"
  log "binaries: ${ETCD_BIN}, ${KUBE_APISERVER_BIN}, ${KUBE_CONTROLLER_MANAGER_BIN}"

  generate_pki
  write_kubeconfig "${KUBECONFIG_PATH}" admin admin
  write_kubeconfig "${KCM_KUBECONFIG_PATH}" controller-manager system:kube-controller-manager
  printf '%s\n' "${API_ENDPOINT}" >"${ENDPOINT_FILE}"

  start_etcd
  start_apiserver
  start_controller_manager
  wait_for kube-controller-manager "the default ServiceAccount and its token Secret" default_service_account_has_token

  trap - EXIT
  log "ready in $((SECONDS - start))s: ${API_ENDPOINT}"
  log "use: export KUBECONFIG=${KUBECONFIG_PATH}"
  echo "${KUBECONFIG_PATH}"
}

cmd_env() {
  init_paths
  [[ -f ${KUBECONFIG_PATH} ]] || die "no kubeconfig in ${STATE_DIR}; run: hack/control-plane.sh up"
  printf 'export KUBECONFIG=%q\n' "${KUBECONFIG_PATH}"
}

cmd_status() {
  init_paths
  local name pid all=0
  for name in "${COMPONENTS[@]}"; do
    pid="$(component_pid "${name}" || true)"
    if [[ -n ${pid} ]] && pid_is_ours "${pid}" "${name}"; then
      echo "${name}: running (pid ${pid})"
    else
      echo "${name}: stopped"
      all=1
    fi
  done
  [[ -f ${ENDPOINT_FILE} ]] && echo "endpoint: $(cat "${ENDPOINT_FILE}")"
  echo "kubeconfig: ${KUBECONFIG_PATH}"
  return "${all}"
}

main() {
  case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    env) cmd_env ;;
    status) cmd_status ;;
    binaries) cmd_binaries ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) usage >&2; die "unknown command: $1" ;;
  esac
}

main "$@"
