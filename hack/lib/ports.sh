# shellcheck shell=bash
# Free TCP ports on 127.0.0.1 for the hack/ scripts. Sourced after log.sh; defines functions only.

# Succeeds when nothing can be reached on, and we can bind, 127.0.0.1:$1.
port_is_free() {
  local port=$1
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
    return 1 # something listens there
  fi
  if command -v python3 >/dev/null 2>&1; then
    python3 - "${port}" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.close()
PY
  fi
}

PICKED_PORTS=" "
# Sets variable $1 to a free port below the kernel's ephemeral range (so that outgoing connections, e.g.
# apiserver -> etcd, cannot grab it before our server binds), never one picked earlier by this script. $1 must not
# be one of this function's locals (var, low, high, range, port, tries).
pick_free_port() {
  local var=$1 low=20000 high=32000 range port tries
  if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
    read -r range _ </proc/sys/net/ipv4/ip_local_port_range
    if ((range > 11000 && range - 1 < high)); then
      high=$((range - 1))
      low=$((range > 21000 ? range - 10000 : 10000))
    fi
  fi
  for ((tries = 0; tries < 200; tries++)); do
    port=$((low + (RANDOM * 32768 + RANDOM) % (high - low)))
    [[ ${PICKED_PORTS} == *" ${port} "* ]] && continue
    if port_is_free "${port}"; then
      PICKED_PORTS+="${port} "
      printf -v "${var}" '%s' "${port}"
      return 0
    fi
  done
  die "found no free port on 127.0.0.1 in ${low}-${high}"
}
