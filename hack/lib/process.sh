# shellcheck shell=bash
# Processes, by pid, for the hack/ scripts: liveness, the command line, and stopping a process only while a check
# says it is still the one meant (a pid file can outlive its process, and the pid can be reused). Linux /proc;
# builtins only where a caller scans all of /proc. Sourced after log.sh; defines functions only.

# Succeeds when $1 is a live (non-zombie) process.
pid_alive() {
  local pid=$1 stat state
  [[ ${pid} =~ ^[0-9]+$ ]] || return 1
  { read -r stat <"/proc/${pid}/stat"; } 2>/dev/null || return 1
  # The field after "(comm) " is the state; Z (zombie) and X (dead) are gone.
  state=${stat##*) }
  state=${state%% *}
  [[ -n ${state} && ${state} != Z && ${state} != X ]]
}

# Reads the command line of pid $1 into the array PID_ARGV; fails when it cannot (gone, a zombie, a kernel thread).
read_pid_argv() {
  PID_ARGV=()
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  { mapfile -d '' PID_ARGV <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  ((${#PID_ARGV[@]} > 0))
}

# Succeeds when an argument of pid $1's command line is exactly $2.
pid_has_arg() {
  local arg
  read_pid_argv "$1" || return 1
  for arg in "${PID_ARGV[@]}"; do
    [[ ${arg} == "$2" ]] && return 0
  done
  return 1
}

# stop_pid PID NAME GRACE CHECK [ARGS...]: stops process PID (NAME in messages) while `CHECK PID ARGS...` succeeds:
# SIGTERM, up to GRACE seconds, then SIGKILL and up to 10 s more. Does nothing when the check fails from the start;
# fails when the process is still there at the end.
stop_pid() {
  local pid=$1 name=$2 grace=$3 waited=0
  shift 3
  "$1" "${pid}" "${@:2}" || return 0
  log "stopping ${name} (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  while "$1" "${pid}" "${@:2}" && ((waited < grace * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  "$1" "${pid}" "${@:2}" || return 0
  log "${name} (pid ${pid}) ignored SIGTERM for ${grace}s; sending SIGKILL"
  kill -KILL "${pid}" 2>/dev/null || true
  waited=0
  while "$1" "${pid}" "${@:2}" && ((waited < 100)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if "$1" "${pid}" "${@:2}"; then
    log "could not stop ${name} (pid ${pid})"
    return 1
  fi
}
