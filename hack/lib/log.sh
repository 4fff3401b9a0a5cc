# shellcheck shell=bash
# Logging for the hack/ scripts: `log` and `die`, on stderr, prefixed with LOG_NAME (default: the name of the
# script that sources this file, without .sh). Sourced; defines functions only.

LOG_NAME="${LOG_NAME:-$(basename "$0" .sh)}"

log() { echo "${LOG_NAME}: $*" >&2; }

die() {
  echo "${LOG_NAME}: ERROR: $*" >&2
  exit 1
}

# Prints the comment block at the top of script $1 (after the #! line), without the leading "# ": its usage.
print_usage() {
  sed -n '2,/^[^#]/p' "$1" | sed '/^[^#]/d; s/^# \{0,1\}//'
}
