# shellcheck shell=bash
# Finding (or, on Debian/Ubuntu, building once) the control-plane binaries.
# Sourced by hack/control-plane.sh and hack/install-deps.sh; defines functions
# only. Never downloads binaries: the only sources are $KUBEBUILDER_ASSETS,
# $PATH, our cache, and the distribution's own `kubernetes` source package.
#
# Lookup order for each of kube-apiserver, kube-controller-manager and etcd:
#   1. $KUBEBUILDER_ASSETS/<name>   (envtest convention)
#   2. $PATH
#   3. the cache: ${XDG_CACHE_HOME:-$HOME/.cache}/gpucompute/kube-<version>/bin
#      (kube-apiserver/kube-controller-manager only; etcd comes from Debian's
#      etcd-server package, i.e. /usr/bin/etcd, which is on PATH)
# When kube-apiserver or kube-controller-manager is still missing,
# kube_binaries_ensure builds both from source into the cache (see
# kube_binaries_build below).
#
# Environment:
#   KUBEBUILDER_ASSETS           directory with kube-apiserver, etcd (, kubectl)
#   CONTROL_PLANE_KUBE_VERSION   restrict the cache lookup to kube-<version>
#   XDG_CACHE_HOME               cache root (default: $HOME/.cache)

KUBE_BINARIES_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

kube_binaries_log() { echo "kube-binaries: $*" >&2; }

kube_binaries_cache_root() {
  echo "${XDG_CACHE_HOME:-${HOME}/.cache}/gpucompute"
}

# Prints the cached bin directory that holds both kube binaries: kube-<version>
# when CONTROL_PLANE_KUBE_VERSION is set, else the highest cached version.
kube_binaries_cached_dir() {
  local root dir
  root="$(kube_binaries_cache_root)"
  if [[ -n ${CONTROL_PLANE_KUBE_VERSION:-} ]]; then
    dir="${root}/kube-${CONTROL_PLANE_KUBE_VERSION}/bin"
    if [[ -x ${dir}/kube-apiserver && -x ${dir}/kube-controller-manager ]]; then
      echo "${dir}"
      return 0
    fi
    return 1
  fi
  [[ -d ${root} ]] || return 1
  while IFS= read -r dir; do
    if [[ -x ${dir}/kube-apiserver && -x ${dir}/kube-controller-manager ]]; then
      echo "${dir}"
      return 0
    fi
  done < <(find "${root}" -mindepth 2 -maxdepth 2 -type d -path "${root}/kube-*/bin" | sort -rV)
  return 1
}

# Prints the path of binary $1 following the lookup order above.
kube_binary_path() {
  local name=$1 dir
  if [[ -n ${KUBEBUILDER_ASSETS:-} && -x ${KUBEBUILDER_ASSETS}/${name} ]]; then
    echo "${KUBEBUILDER_ASSETS}/${name}"
    return 0
  fi
  if command -v "${name}" >/dev/null 2>&1; then
    command -v "${name}"
    return 0
  fi
  case ${name} in
    kube-apiserver | kube-controller-manager)
      if dir="$(kube_binaries_cached_dir)"; then
        echo "${dir}/${name}"
        return 0
      fi
      ;;
    etcd)
      # Debian's etcd-server; /usr/bin may be missing from a minimal PATH.
      if [[ -x /usr/bin/etcd ]]; then
        echo /usr/bin/etcd
        return 0
      fi
      ;;
  esac
  return 1
}

# Succeeds when both kube binaries can be found without building.
kube_binaries_find_quietly() {
  kube_binary_path kube-apiserver >/dev/null && kube_binary_path kube-controller-manager >/dev/null
}

# True on Debian or Ubuntu (or derivatives) with apt.
kube_binaries_is_debian_like() {
  [[ -r /etc/os-release ]] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  grep -Eq '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}

kube_binaries_no_binaries_message() {
  cat >&2 <<'EOF'
kube-binaries: ERROR: kube-apiserver/kube-controller-manager not found and cannot be built here.
  Provide them in one of these ways:
    - export KUBEBUILDER_ASSETS=<dir with kube-apiserver, kube-controller-manager, etcd>
    - put kube-apiserver, kube-controller-manager and etcd on PATH
  On Debian/Ubuntu, `hack/control-plane.sh binaries` builds them from the
  distribution's `kubernetes` source package (after hack/install-deps.sh --build-deps).
EOF
}

# Sets KUBE_APISERVER_BIN, KUBE_CONTROLLER_MANAGER_BIN and ETCD_BIN, building
# the kube binaries first when they cannot be found.
kube_binaries_ensure() {
  if ! kube_binaries_find_quietly; then
    if ! kube_binaries_is_debian_like; then
      kube_binaries_no_binaries_message
      return 1
    fi
    kube_binaries_build || return 1
  fi
  # shellcheck disable=SC2034 # read by the scripts that source this file
  KUBE_APISERVER_BIN="$(kube_binary_path kube-apiserver)"
  # shellcheck disable=SC2034
  KUBE_CONTROLLER_MANAGER_BIN="$(kube_binary_path kube-controller-manager)"
  # shellcheck disable=SC2034
  if ! ETCD_BIN="$(kube_binary_path etcd)"; then
    echo "kube-binaries: ERROR: etcd not found; run hack/install-deps.sh (Debian's etcd-server), or provide it via KUBEBUILDER_ASSETS or PATH" >&2
    return 1
  fi
  # Deliberately not exported: etcd reads every ETCD_* environment variable
  # as configuration (and warns about unknown ones).
}

# Succeeds when the build packages and the kubernetes source index are present.
kube_binaries_build_deps_present() {
  command -v go >/dev/null 2>&1 && command -v make >/dev/null 2>&1 \
    && command -v rsync >/dev/null 2>&1 && command -v dpkg-source >/dev/null 2>&1 \
    && [[ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ]] \
    && apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package:'
}

# Builds kube-apiserver and kube-controller-manager from the distribution's
# `kubernetes` source package into <cache>/kube-<version>/bin. Serialized by
# an flock on <cache>/build.lock; the bin dir appears by an atomic rename, so
# concurrent callers either wait for the build or see a complete directory.
# The build log stays at <cache>/kube-<version>/build.log.
kube_binaries_build() {
  local root lock_fd rc=0
  root="$(kube_binaries_cache_root)"
  mkdir -p "${root}"
  exec {lock_fd}>"${root}/build.lock"
  kube_binaries_log "waiting for the build lock ${root}/build.lock"
  flock "${lock_fd}"
  # Another caller may have finished the build while we waited.
  if kube_binaries_cached_dir >/dev/null; then
    kube_binaries_log "found a cached build in $(kube_binaries_cached_dir)"
  else
    # A separate bash process, so that `set -e` holds inside the build even
    # though the caller tests its status.
    bash -c 'source "$1"; kube_binaries_build_locked "$2"' _ \
      "${KUBE_BINARIES_LIB_DIR}/kube-binaries.sh" "${root}" || rc=$?
  fi
  flock -u "${lock_fd}"
  exec {lock_fd}>&-
  return "${rc}"
}

# Keeps the build log as <cache>/build-failed.log (the scratch tree goes),
# shows its tail, and exits the build process.
kube_binaries_build_failed() {
  local root=$1 log=$2 message=$3
  cp "${log}" "${root}/build-failed.log" 2>/dev/null || true
  tail -n 40 "${log}" >&2 || true
  kube_binaries_log "ERROR: ${message} (full log: ${root}/build-failed.log)"
  exit 1
}

# The build itself; runs in its own bash process while the lock is held.
kube_binaries_build_locked() {
  set -euo pipefail
  local root=$1 work src version log start
  start=${SECONDS}
  if ! kube_binaries_build_deps_present; then
    kube_binaries_log "installing build packages (hack/install-deps.sh --build-deps)"
    "${KUBE_BINARIES_LIB_DIR}/../install-deps.sh" --build-deps
  fi
  work="$(mktemp -d "${root}/build.XXXXXX")"
  # Remove the scratch tree whatever happens; it is ~1-2 GiB.
  # shellcheck disable=SC2064 # expand ${work} now
  trap "rm -rf '${work}'" EXIT
  log="${work}/build.log"
  kube_binaries_log "building kube-apiserver and kube-controller-manager in ${work} (takes several minutes; log: ${log})"

  # 1. The distribution's source package (unpacked, Debian patches applied).
  (cd "${work}" && apt-get source kubernetes) >>"${log}" 2>&1 \
    || kube_binaries_build_failed "${root}" "${log}" "apt-get source kubernetes failed"
  src="$(find "${work}" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)"
  [[ -n ${src} && -f ${src}/Makefile ]] || { kube_binaries_log "ERROR: no kubernetes source tree in ${work}"; return 1; }
  # kubernetes-1.20.5+really1.20.2 -> 1.20.2
  version="${src##*/kubernetes-}"
  version="${version##*really}"
  kube_binaries_log "kubernetes source version ${version}"

  # 2. Replace the vendored reflect2 1.0.1 with Debian's 1.0.2: 1.0.1 built
  #    with Go >= 1.18 crashes the API server on the first custom-resource
  #    write (reflect2 relies on runtime internals that changed).
  local reflect2_src=/usr/share/gocode/src/github.com/modern-go/reflect2
  local reflect2_dst="${src}/vendor/github.com/modern-go/reflect2"
  rm -rf "${reflect2_dst}"
  mkdir -p "${reflect2_dst}"
  find "${reflect2_src}" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
    -exec cp {} "${reflect2_dst}/" \;
  # vendor/modules.txt keeps saying v1.0.1 (go.mod pins it with a replace);
  # the version only matters to `go mod vendor`, not to the build.

  # 3. Build. The tree must appear as k8s.io/kubernetes inside a GOPATH. The
  #    version is stamped explicitly (there is no git metadata in the tree).
  mkdir -p "${src}/.go/src/k8s.io"
  ln -sfn "${src}" "${src}/.go/src/k8s.io/kubernetes"
  local major minor
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  cat >"${work}/version.env" <<EOF
KUBE_GIT_COMMIT=''
KUBE_GIT_TREE_STATE='archive'
KUBE_GIT_VERSION='v${version}'
KUBE_GIT_MAJOR='${major}'
KUBE_GIT_MINOR='${minor}'
EOF
  (
    cd "${src}/.go/src/k8s.io/kubernetes"
    export GOPATH="${src}/.go" GOCACHE="${work}/gocache" GOFLAGS="" GOTOOLCHAIN=local \
      KUBE_GIT_VERSION_FILE="${work}/version.env"
    make WHAT="cmd/kube-apiserver cmd/kube-controller-manager"
  ) >>"${log}" 2>&1 || kube_binaries_build_failed "${root}" "${log}" "make failed"

  # 4. Publish: stage next to the final dir, then rename atomically.
  local final="${root}/kube-${version}" stage name bin
  stage="$(mktemp -d "${root}/stage.XXXXXX")"
  chmod 0755 "${stage}" # mktemp -d makes it 0700
  for name in kube-apiserver kube-controller-manager; do
    bin="$(find "${src}/_output" -type f -name "${name}" -perm -u+x | head -n 1)"
    [[ -n ${bin} ]] || { rm -rf "${stage}"; kube_binaries_log "ERROR: ${name} not found under ${src}/_output"; return 1; }
    install -m 0755 "${bin}" "${stage}/${name}"
  done
  mkdir -p "${final}"
  cp "${log}" "${final}/build.log"
  rm -rf "${final:?}/bin"
  mv -T "${stage}" "${final}/bin"
  kube_binaries_log "built ${final}/bin in $((SECONDS - start))s ($("${final}/bin/kube-apiserver" --version 2>&1))"
}
