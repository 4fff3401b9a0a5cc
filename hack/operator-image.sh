#!/usr/bin/env bash
# The operator's container image, gpucompute/operator:<version>, built with Jib (no Dockerfile, no Docker daemon).
#
# Usage: hack/operator-image.sh build [--debian-base | --base IMAGE] [--tag TAG] [--no-package] [--no-load]
#        hack/operator-image.sh base
#
#   build          builds the image into operator/target/gpu-compute-operator-image.tar
#                  (./mvnw -pl operator -am -Pimage package -DskipTests) and loads it
#                  into podman, or docker, whichever is installed; prints the image name
#     --base IMAGE   the base image (default: the pom's, eclipse-temurin:17-jre,
#                    pulled from your registry or its mirror)
#     --debian-base  the Debian base image of `base` below: no registry needed
#     --tag TAG      the image's tag (default: the project version)
#     --no-package   only the Jib step, on the jar a previous ./mvnw package built
#     --no-load      leave the tar; load it yourself (podman load -i / docker load -i)
#   base           builds, once, a base image from this machine's Debian packages:
#                  openjdk-17-jre-headless and ca-certificates (mmdebstrap), as a
#                  docker-archive tar in the cache; prints its path
#
# Push to your registry with Jib instead of a tar:
#   ./mvnw -pl operator -am package jib:build -DskipTests -Dimage=<registry>/gpucompute/operator:<version>
#
# Environment:
#   XDG_CACHE_HOME   cache root (default: $HOME/.cache); the base is kept in
#                    <cache>/gpucompute/operator-image/
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${HACK_DIR}/.." && pwd)"
# shellcheck source=hack/lib/kube-binaries.sh
source "${HACK_DIR}/lib/kube-binaries.sh"

IMAGE_TAR="${REPO_ROOT}/operator/target/gpu-compute-operator-image.tar"
BASE_PACKAGES=openjdk-17-jre-headless,ca-certificates
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

log() { echo "operator-image: $*" >&2; }
die() { echo "operator-image: ERROR: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

require() {
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} not found; run hack/install-deps.sh"
  done
}

# The project version, from the root pom (the image's tag).
project_version() {
  sed -n '/<artifactId>gpu-compute-platform<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' \
    "${REPO_ROOT}/pom.xml" | head -n 1
}

# podman with the settings containers need on hosts like CI runners: runc (crun fails there) and cgroupfs.
podman_cmd() {
  podman --runtime runc --cgroup-manager cgroupfs "$@"
}

cmd_base() {
  local codename cache base tmp image
  # shellcheck disable=SC1091
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [[ -n ${codename} ]] || die "cannot tell this machine's Debian release (VERSION_CODENAME in /etc/os-release)"
  cache="$(kube_binaries_cache_root)/operator-image"
  base="${cache}/debian-${codename}-openjdk-17-jre.tar"
  mkdir -p "${cache}"
  # Worktrees share the cache: one build at a time; the tar appears by an atomic rename.
  exec 9>"${cache}/base.lock"
  flock 9
  if [[ -s ${base} ]]; then
    echo "${base}"
    return 0
  fi
  require mmdebstrap podman
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: tmp is local
  trap "rm -rf '${tmp}'" EXIT
  log "building the Debian ${codename} base image (${BASE_PACKAGES}); about a minute, once"
  # No man pages or docs; update-alternatives still wants the man1 directory for java's man page link
  # (the hook's $1 is mmdebstrap's root directory, hence the single quotes).
  # shellcheck disable=SC2016
  mmdebstrap --variant=apt --include="${BASE_PACKAGES}" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
    "${codename}" "${tmp}/rootfs.tar" >&2
  image="gpucompute-operator-base:${codename}"
  podman_cmd import --change "ENV PATH=${BASE_PATH}" "${tmp}/rootfs.tar" "${image}" >/dev/null
  podman_cmd save --format docker-archive -o "${tmp}/base.tar" "${image}"
  podman_cmd rmi "${image}" >/dev/null
  mv "${tmp}/base.tar" "${base}"
  log "base image: ${base} ($(du -h "${base}" | cut -f1))"
  echo "${base}"
}

cmd_build() {
  local base_arg="" package=1 load=1 tag="" image
  while (($#)); do
    case "$1" in
      --debian-base) base_arg="-Dgpucompute.image.base=tar://$(cmd_base)" ;;
      --base) shift; base_arg="-Dgpucompute.image.base=${1:?--base needs an image}" ;;
      --tag) shift; tag="${1:?--tag needs a tag}" ;;
      --no-package) package=0 ;;
      --no-load) load=0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
  done
  image="gpucompute/operator:${tag:-$(project_version)}"
  cd "${REPO_ROOT}"
  if ((package)); then
    log "./mvnw -Pimage package: the jar, then the image"
    ./mvnw -B -q -pl operator -am -Pimage package -DskipTests "-Dimage=${image}" ${base_arg:+"${base_arg}"}
  else
    [[ -s operator/target/gpu-compute-operator.jar ]] || die "no operator/target/gpu-compute-operator.jar: run ./mvnw package"
    log "Jib only, on operator/target/gpu-compute-operator.jar"
    ./mvnw -B -q -pl operator jib:buildTar "-Dimage=${image}" ${base_arg:+"${base_arg}"}
  fi
  log "image ${image}: ${IMAGE_TAR} ($(du -h "${IMAGE_TAR}" | cut -f1))"
  if ((load)); then
    if command -v podman >/dev/null 2>&1; then
      podman_cmd load -q -i "${IMAGE_TAR}" >&2
    elif command -v docker >/dev/null 2>&1; then
      docker load -q -i "${IMAGE_TAR}" >&2
    else
      log "neither podman nor docker found: load ${IMAGE_TAR} where you run containers"
    fi
  fi
  echo "${image}"
}

main() {
  case "${1:-}" in
    build) shift; cmd_build "$@" ;;
    base) cmd_base ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) usage >&2; die "unknown command: $1" ;;
  esac
}

main "$@"
