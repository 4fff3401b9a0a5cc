# shellcheck shell=bash
# The state directory that hack/control-plane.sh and hack/quickstart.sh share: CONTROL_PLANE_DIR, by default
# <repo>/.control-plane. A marker file says that one of them created it, so that neither ever wipes a directory it
# did not create. Sourced after log.sh; defines functions only.

STATE_MARKER=.gpucompute-control-plane

# Prints the absolute, physical path of the state directory (CONTROL_PLANE_DIR, else $1), creating it.
state_dir_path() {
  local dir="${CONTROL_PLANE_DIR:-$1}"
  mkdir -p "${dir}"
  (cd "${dir}" && pwd -P)
}

# Succeeds when directory $1 is ours: it has the marker, or it is empty.
state_dir_is_ours() {
  [[ -f $1/${STATE_MARKER} || -z "$(ls -A "$1")" ]]
}

# Marks directory $1 as ours, when it is (see state_dir_is_ours).
state_dir_mark() {
  state_dir_is_ours "$1" && touch "$1/${STATE_MARKER}"
}

# Empties directory $1 and marks it; refuses (dies) when it is not ours.
state_dir_wipe() {
  state_dir_is_ours "$1" \
    || die "$1 is not empty and was not created by hack/; refusing to wipe it (set CONTROL_PLANE_DIR)"
  find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  touch "$1/${STATE_MARKER}"
}
