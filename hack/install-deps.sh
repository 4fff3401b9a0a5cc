#!/usr/bin/env bash
# Installs, with apt (Debian/Ubuntu only), what hack/control-plane.sh and the e2e
# tests need (a JDK 21+ for Keycloak among them, when there is none; podman and
# mmdebstrap for the operator image).
#
#   hack/install-deps.sh               run-time packages; plus the build packages
#                                      when kube-apiserver/kube-controller-manager
#                                      cannot be found (see hack/lib/kube-binaries.sh)
#   hack/install-deps.sh --build-deps  run-time and build packages, always
#   hack/install-deps.sh --runtime-only  run-time packages only
#
# Idempotent: packages already installed are skipped, and `apt-get update` only
# runs when something has to be installed. Runs apt as root, or through sudo
# when the caller is not root. Only the distribution's own apt sources are used;
# for building, `deb-src` entries are derived from the existing `deb` entries.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=hack/lib/log.sh
source "${HACK_DIR}/lib/log.sh"
# shellcheck source=hack/lib/kube-binaries.sh
source "${HACK_DIR}/lib/kube-binaries.sh"

# What the control plane needs at run time: etcd (Debian's etcd-server ships
# /usr/bin/etcd), openssl for the certificates, curl + jq for readiness checks,
# lua5.1 for the tests of the Argo CD health checks (docs/argocd/*.lua), the
# linter that .ci/run runs on the shell scripts (shellcheck), and promtool
# (Debian's prometheus package) for the unit tests of the chart's alerts.
RUNTIME_PACKAGES=(etcd-server openssl jq curl ca-certificates lua5.1 shellcheck prometheus)
# What building and running the operator image needs (hack/operator-image.sh,
# OperatorImageIT): podman with runc, and mmdebstrap for the Debian base image.
IMAGE_PACKAGES=(podman runc mmdebstrap)
# What building kube-apiserver/kube-controller-manager from the distribution's
# `kubernetes` source package needs. reflect2's Debian package provides the
# 1.0.2 sources that replace the vendored 1.0.1 (see hack/lib/kube-binaries.sh).
BUILD_PACKAGES=(golang-go rsync make dpkg-dev golang-github-modern-go-reflect2-dev)

# Our own apt sources file with the derived deb-src entries.
DEB_SRC_LIST=/etc/apt/sources.list.d/gpucompute-deb-src.list
DEB_SRC_SOURCES=/etc/apt/sources.list.d/gpucompute-deb-src.sources

usage() { print_usage "${BASH_SOURCE[0]}"; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

require_apt() {
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    die "apt-get not found: this script supports Debian/Ubuntu only. Install etcd, openssl, jq and curl yourself, and provide kube-apiserver/kube-controller-manager via KUBEBUILDER_ASSETS or PATH."
  fi
}

# Prints the packages among "$@" that are not installed yet.
missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed'; then
      echo "${pkg}"
    fi
  done
}

APT_UPDATED=0
apt_update_once() {
  if [[ ${APT_UPDATED} -eq 0 ]]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    APT_UPDATED=1
  fi
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "already installed: $*"
    return 0
  fi
  apt_update_once
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# True when some configured apt source (other than ours) already has deb-src.
has_foreign_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f ${f} ]] || continue
    [[ ${f} == "${DEB_SRC_LIST}" || ${f} == "${DEB_SRC_SOURCES}" ]] && continue
    if grep -Eq '^[[:space:]]*deb-src[[:space:]]|^Types:.*deb-src' "${f}"; then
      return 0
    fi
  done
  return 1
}

# Installs apt sources file $2 with the content of $1 (when non-empty and
# different); a changed file calls for another `apt-get update`.
install_source_file() {
  local content=$1 target=$2
  [[ -s ${content} ]] || return 0
  if [[ -f ${target} ]] && cmp -s "${content}" "${target}"; then
    log "${target} is up to date"
    return 0
  fi
  as_root install -m 0644 "${content}" "${target}"
  log "wrote ${target}"
  APT_UPDATED=0
}

# Writes deb-src twins of the enabled `deb` entries of the system's apt sources,
# in both one-line (*.list) and deb822 (*.sources) formats, into files of our
# own. Nothing is hard-coded: the URIs/suites/components are copied.
add_deb_src_entries() {
  if has_foreign_deb_src; then
    log "deb-src entries already configured"
    return 0
  fi
  local tmp_list tmp_sources f
  tmp_list="$(mktemp)"
  tmp_sources="$(mktemp)"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f ${f} && ${f} != "${DEB_SRC_LIST}" ]] || continue
    # "deb [opts] uri suite comps" -> "deb-src [opts] uri suite comps"
    sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "${f}" >>"${tmp_list}"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f ${f} && ${f} != "${DEB_SRC_SOURCES}" ]] || continue
    # Copy every enabled stanza whose Types include "deb", as Types: deb-src.
    awk '
      function flush() {
        if (has_deb && !disabled && body != "") { printf "Types: deb-src\n%s\n", body }
        body = ""; has_deb = 0; disabled = 0
      }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") has_deb = 1; next }
      /^Enabled:[[:space:]]*(no|false)/ { disabled = 1 }
      { body = body $0 "\n" }
      END { flush() }
    ' "${f}" >>"${tmp_sources}"
  done
  if [[ ! -s ${tmp_list} && ! -s ${tmp_sources} ]]; then
    rm -f "${tmp_list}" "${tmp_sources}"
    die "found no 'deb' apt sources to derive deb-src entries from"
  fi
  install_source_file "${tmp_list}" "${DEB_SRC_LIST}"
  install_source_file "${tmp_sources}" "${DEB_SRC_SOURCES}"
  rm -f "${tmp_list}" "${tmp_sources}"
}

install_build_deps() {
  add_deb_src_entries
  # apt-get source needs fresh source indexes even when all packages are present.
  if ! apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package:'; then
    apt_update_once
  fi
  install_packages "${BUILD_PACKAGES[@]}"
  apt-cache showsrc kubernetes 2>/dev/null | grep -q '^Package:' \
    || die "no 'kubernetes' source package in the configured apt sources; provide kube-apiserver/kube-controller-manager via KUBEBUILDER_ASSETS or PATH instead"
}

# The feature release of the JDK in $1 (from its release file), or 0.
jdk_feature() {
  local release="$1/release" feature
  [[ -f ${release} && -x $1/bin/java ]] || { echo 0; return; }
  feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "${release}" | head -n 1)
  echo "${feature:-0}"
}

# The e2e suite runs a real Keycloak (OidcSignInIT), which needs Java 21+ beside the build's Java 17: the test looks
# in KEYCLOAK_JAVA_HOME, JAVA_HOME and /usr/lib/jvm. Installs Debian's OpenJDK 21 or 25 when none is there.
ensure_keycloak_jdk() {
  local home candidate
  for home in "${KEYCLOAK_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n ${home} && -d ${home} ]] || continue
    if (( $(jdk_feature "${home}") >= 21 )); then
      log "a JDK 21+ for Keycloak: ${home}"
      return 0
    fi
  done
  for candidate in openjdk-21-jdk-headless openjdk-25-jdk-headless; do
    apt_update_once
    if apt-cache show "${candidate}" >/dev/null 2>&1; then
      install_packages "${candidate}"
      return 0
    fi
  done
  die "no JDK 21+ for the Keycloak e2e test, and apt has none: install one under /usr/lib/jvm or set KEYCLOAK_JAVA_HOME"
}

main() {
  local mode=auto
  case "${1:-}" in
    "") ;;
    --build-deps) mode=build ;;
    --runtime-only) mode=runtime ;;
    -h | --help | help) usage; return 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  require_apt
  install_packages "${RUNTIME_PACKAGES[@]}"
  install_packages "${IMAGE_PACKAGES[@]}"
  # The e2e suite and the quick start drive the cluster with the real kubectl; Debian ships one too.
  if ! command -v kubectl >/dev/null 2>&1; then
    install_packages kubernetes-client
  fi
  ensure_keycloak_jdk
  if [[ ${mode} == build ]]; then
    install_build_deps
  elif [[ ${mode} == auto ]]; then
    if kube_binaries_find_quietly; then
      log "kube-apiserver and kube-controller-manager found; no build packages needed"
    else
      log "kube binaries not found; installing the packages to build them"
      install_build_deps
    fi
  fi
  log "done"
}

main "$@"
