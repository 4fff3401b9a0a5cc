#!/usr/bin/env bash
# Checks every shell script of the repository with shellcheck (following the
# files they source): the files git tracks, and the untracked ones it does not
# ignore (outside a git checkout: every file but target/ and .git/), whose name
# ends in .sh or whose first line runs sh or bash.
#
#   hack/lint-shell.sh          check them all; fails on any finding
#   hack/lint-shell.sh --list   print the scripts it would check
#
# .ci/run runs it before the tests, and ShellScriptsTest in ./mvnw verify. The
# linter is Debian's shellcheck package (hack/install-deps.sh installs it).
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${HACK_DIR}/.." && pwd)"
# shellcheck source=hack/lib/log.sh
source "${HACK_DIR}/lib/log.sh"

# Prints the repository's shell scripts, relative to its root, one per line.
shell_scripts() {
  local file first
  while IFS= read -r file; do
    [[ -f ${file} ]] || continue
    if [[ ${file} == *.sh ]]; then
      echo "${file}"
      continue
    fi
    IFS= read -r first <"${file}" 2>/dev/null || continue
    if [[ ${first} =~ ^#!.*(/|[[:space:]])(ba)?sh([[:space:]]|$) ]]; then
      echo "${file}"
    fi
  done < <(repository_files)
}

# Prints the repository's files, relative to its root.
repository_files() {
  if git -C "${REPO_ROOT}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "${REPO_ROOT}" ls-files --cached --others --exclude-standard | sort -u
  else
    find . \( -name .git -o -name target \) -prune -o -type f -print | sed 's|^\./||' | sort
  fi
}

main() {
  cd "${REPO_ROOT}"
  local scripts=()
  mapfile -t scripts < <(shell_scripts)
  ((${#scripts[@]} > 0)) || die "found no shell scripts under ${REPO_ROOT}"
  case "${1:-}" in
    --list) printf '%s\n' "${scripts[@]}"; return 0 ;;
    "") ;;
    -h | --help | help) print_usage "${BASH_SOURCE[0]}"; return 0 ;;
    *) print_usage "${BASH_SOURCE[0]}" >&2; die "unknown argument: $1" ;;
  esac
  command -v shellcheck >/dev/null 2>&1 || die "shellcheck not found: run hack/install-deps.sh (Debian's shellcheck)"
  shellcheck --external-sources "${scripts[@]}"
  log "${#scripts[@]} scripts pass shellcheck"
}

main "$@"
