#!/usr/bin/env bash
# rig.sh — a three-host PowerShell SSH remoting rig in network namespaces, for the remoting tests.
#
# Hosts pi-a, pi-b, pi-c each get their own network, UTS (hostname) and mount namespace, with
#   - eth0 (veth) on a Linux bridge that lives in a controller network namespace; the controller has
#     10.78.S.1/24 on the bridge (S random per run), the hosts .11, .12, .13;
#   - a tmpfs on /run, so ptp4l's default socket /var/run/ptp4l is the host's own;
#   - STATE/hosts/<h>/modules bound over /root/.local/share/powershell/Modules (the first entry of root's
#     PSModulePath) and STATE/hosts/<h>/srv bound over /srv (takes), so neither is shared between hosts;
#   - STATE/hosts.txt bound over /etc/hosts (the hosts know each other by name);
#   - ptp4l -i eth0 -S (software timestamping) on one PTP domain: pi-a grandmaster, pi-b and pi-c slaves;
#   - sshd on <host address>:22 with a host key made for this run, root login by a client key made for this
#     run, and the PowerShell subsystem (pwsh -sshs), so New-PSSession -HostName pi-a works.
# Commands run with `rig.sh run` sit in the controller namespace and a private mount namespace in which
# /etc/hosts names the hosts and /etc/ssh/ssh_config logs in without a prompt.
#
# Usage (STATE: a directory of your choice, created if missing; it holds keys, configs, PIDs and logs):
#   rig.sh up STATE                         build the rig; returns when sshd answers on every host and every
#                                           slave is in SLAVE; on failure prints why and tears everything down
#   rig.sh run STATE -- CMD [ARGS...]       run CMD as the controller; exit code of CMD
#   rig.sh with STATE -- CMD [ARGS...]      up, run, down (always, also on Ctrl-C, TERM, or kill -9 of rig.sh)
#   rig.sh down STATE                       stop everything by PID, delete namespaces and links, delete keys;
#                                           keeps the logs; idempotent
#   rig.sh ptp4l-stop STATE HOST            stop HOST's ptp4l (TERM, KILL after 5 s) and wait for it to exit
#   rig.sh ptp4l-start STATE HOST [ROLE]    start HOST's ptp4l again; ROLE (default: the host's role at up):
#                                             master       priority1 100: wins the BMCA against the slaves
#                                             slave        priority1 200, then SET SYNCHRONIZATION_UNCERTAIN_NP 0
#                                             master-only  priority1 100, priority2 200, masterOnly 1: never a
#                                                          slave, ignores Announce, so it stays its own
#                                                          grandmaster while pi-a (priority2 128) stays the
#                                                          grandmaster of the others: two grandmasters in one
#                                                          domain (see "Two grandmasters" below)
#   rig.sh wait-slave STATE HOST [SECONDS [GM]]  wait (default 60 s) until HOST's port is SLAVE (of host GM's
#                                           clock, if given: when pi-a's ptp4l stops, pi-b takes over as
#                                           grandmaster and pi-c becomes its SLAVE, so SLAVE alone can mislead)
#   rig.sh status STATE                     per host: processes alive, portState, grandmaster
#   rig.sh pmc STATE HOST 'GET ...'         pmc on HOST's ptp4l (UDS, the rig's domain)
#   rig.sh exec STATE HOST -- CMD [ARGS...] run CMD inside HOST's namespaces (no ssh)
#
# CMD (run, with) gets PSCAMSYNC_RIG=STATE, PSCAMSYNC_RIG_SCRIPT=<this script>, PSCAMSYNC_RIG_DOMAIN=<PTP
# domain>, PSCAMSYNC_RIG_HOSTS="pi-a pi-b pi-c", and the rest of the caller's environment unchanged.
#
# Needs: root, bash 5, ip and bridge (iproute2), unshare, nsenter and setsid (util-linux), /usr/sbin/sshd,
# ssh, ssh-keygen, ptp4l and pmc (linuxptp), and pwsh 7: $PSCAMSYNC_PWSH, else /root/.dotnet/tools/pwsh
# (dotnet tool install --global PowerShell), else pwsh on PATH.
#
# Clean-up: every process the rig starts is recorded in STATE/pids (PID and start time, so a reused PID is
# never signalled) and stopped by that PID; `down` then signals whatever is still inside the run's namespaces
# (ssh sessions, CMD) by PID, and deletes the namespaces, which removes the bridge and veths. Nothing is done
# in the root namespace except creating the named namespaces (ip netns add) and, if missing, the directory
# /root/.local/share/powershell/Modules (the mount point for the per-host module directories).
#
# Clocks: all namespaces share one CLOCK_REALTIME, so every ptp4l here runs with free_running 1 (the servo
# never adjusts the clock), the grandmasters too: a master-capable clock that loses the BMCA would otherwise
# slew or step the machine's clock. A free-running slave stays UNCALIBRATED until
# SET SYNCHRONIZATION_UNCERTAIN_NP 0 is sent to it; after that it reaches SLAVE about 12 s after its start.
#
# Two grandmasters: on one domain, two clocks with priority1 100 do not both stay grandmaster: the BMCA
# makes the one with the worse identity (clock identities here are fixed, pi-a < pi-b < pi-c) follow the
# other (`ptp4l-start STATE pi-b master` leaves pi-b UNCALIBRATED under pi-a, since it is free-running and
# got no SET). `ptp4l-start STATE pi-b master-only` (masterOnly 1) keeps pi-b a master of itself: it ignores
# Announce messages, so it never follows pi-a, while pi-a and pi-c, which hear both, keep pi-a (same
# priority1, better priority2). Result on one domain, about 7 s after the start: pi-a MASTER and pi-c SLAVE
# with grandmaster pi-a, pi-b MASTER with grandmaster pi-b.
#
# Failover: the slaves are not slaveOnly (either may be restarted as a master), so when pi-a's ptp4l stops,
# pi-b (the better of the two) becomes grandmaster after the announce timeout (~6 s) and pi-c turns SLAVE of
# pi-b, sometimes after only 1-2 s out of SLAVE. Check the grandmaster, not just SLAVE (wait-slave ... GM).
set -euo pipefail

readonly HOSTS=(pi-a pi-b pi-c)
readonly DOMAIN=24                  # the rig's PTP domain
readonly SLAVE_WAIT_S=60            # default bound on waiting for SLAVE
readonly STOP_WAIT_S=5              # TERM, then KILL after this many seconds
SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
readonly SCRIPT

# --- small helpers -------------------------------------------------------------------------------------

say() { printf 'rig: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Index of a host in HOSTS (0, 1, 2), or die.
host_index() {
  local i
  for i in "${!HOSTS[@]}"; do
    [ "${HOSTS[$i]}" = "$1" ] && { echo "$i"; return 0; }
  done
  die "unknown host '$1' (hosts: ${HOSTS[*]})"
}

host_letter() { echo "${1#pi-}"; }                       # pi-a -> a
host_addr() { echo "10.78.$RIG_SUBNET.$((11 + $(host_index "$1")))"; }
host_ns() { echo "psc-$RIG_SUFFIX-$1"; }
host_dir() { echo "$STATE/hosts/$1"; }

# Seconds since the epoch with microseconds, for timings.
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Field 22 of /proc/PID/stat (start time in clock ticks since boot); fails if the process is gone or a zombie.
proc_start() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }
  # shellcheck disable=SC2086 # word splitting of the stat fields is the point
  set -- $rest
  [ "$1" != Z ] || return 1
  echo "${20}"
}

# A PID file here holds "PID STARTTIME". Alive means: that PID exists and started at that time.
pidfile_alive() {
  local pid start
  [ -s "$1" ] || return 1
  read -r pid start <"$1" || return 1
  [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ]
}
pidfile_pid() { local pid _; read -r pid _ <"$1"; echo "$pid"; }

# Waits until a file has content, up to $2 seconds.
wait_file() {
  local deadline=$((SECONDS + $2))
  until [ -s "$1" ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# Signals the processes named by PID files (only those still alive with the recorded start time): TERM, then
# KILL for those left after STOP_WAIT_S; returns once all are gone (or 1 if one survives KILL).
stop_pidfiles() {
  local f pid sig deadline left
  for sig in TERM KILL; do
    for f in "$@"; do
      if pidfile_alive "$f"; then kill "-$sig" "$(pidfile_pid "$f")" 2>/dev/null || true; fi
    done
    deadline=$((SECONDS + STOP_WAIT_S))
    while :; do
      left=0
      for f in "$@"; do pidfile_alive "$f" && left=1; done
      [ "$left" = 0 ] && break
      [ "$SECONDS" -lt "$deadline" ] || break
      sleep 0.1
    done
    [ "$left" = 0 ] && break
  done
  for f in "$@"; do
    if pidfile_alive "$f"; then
      say "process $(pidfile_pid "$f") ($f) survived SIGKILL"
      return 1
    fi
    rm -f "$f"
  done
}

# Starts a detached process (own session, reparented to init, stdin /dev/null, output appended to a log) that
# writes "PID STARTTIME" to PIDFILE and then execs the command, and waits until the PID file is written.
# Usage: spawn PIDFILE LOG CMD [ARGS...]
spawn() {
  local pidfile=$1 log=$2
  shift 2
  rm -f "$pidfile"
  ( setsid "$BASH" "$SCRIPT" _exec-recorded "$pidfile" "$@" </dev/null >>"$log" 2>&1 & )
  wait_file "$pidfile" 10 || { tail -n 20 "$log" >&2; die "could not start $1 (log: $log)"; }
}

# Internal: record this process's PID and start time in $1, then exec the rest (keeps the PID).
cmd__exec_recorded() {
  local pidfile=$1
  shift
  echo "$$ $(proc_start $$)" >"$pidfile.tmp"
  mv "$pidfile.tmp" "$pidfile"
  exec "$@"
}

# Sets STATE (absolute) from $1; refuses paths that the hosts' own mounts would hide or that configs can't quote.
set_state() {
  [ -n "${1:-}" ] || die "STATE directory missing"
  mkdir -p "$1"
  STATE=$(cd "$1" && pwd -P)
  case "$STATE" in
    *[[:space:]]*) die "STATE path must not contain white space: '$STATE'" ;;
    /run | /run/* | /srv | /srv/* | /root/.local/share/powershell/Modules*)
      die "STATE must not be under /run, /srv or the PowerShell module directory (each host mounts its own)" ;;
  esac
}

# Loads the run's names (RIG_SUFFIX, RIG_SUBNET, RIG_DOMAIN, RIG_CTL_NS, RIG_BRIDGE) from STATE/rig.env.
load_env() {
  [ -f "$STATE/rig.env" ] || die "no rig in $STATE (rig.sh up $STATE first)"
  # shellcheck source=/dev/null
  . "$STATE/rig.env"
}

# The PID of a host's init process (any process in the host's net, UTS and mount namespaces will do).
init_pid() {
  local f="$STATE/pids/$1.init"
  pidfile_alive "$f" || die "$1 is not running (no live init process in $f)"
  pidfile_pid "$f"
}

# Runs a command inside a host's namespaces.
in_host() {
  local h=$1 pid
  shift
  pid=$(init_pid "$h")
  nsenter -t "$pid" -n -u -m -- "$@"
}

# pmc against a host's ptp4l on its default socket, in the rig's domain.
host_pmc() {
  local h=$1
  shift
  in_host "$h" timeout 5 pmc -u -b 0 -d "$RIG_DOMAIN" -s /var/run/ptp4l "$@" 2>&1
}

# The value of one field of a pmc answer ("portState SLAVE" -> SLAVE), or "-" if there is no answer.
pmc_field() {
  local h=$1 query=$2 field=$3 v
  v=$(host_pmc "$h" "$query" | awk -v f="$field" '$1 == f { print $2; exit }') || true
  echo "${v:--}"
}
port_state() { pmc_field "$1" 'GET PORT_DATA_SET' portState; }
grandmaster() { pmc_field "$1" 'GET PARENT_DATA_SET' grandmasterIdentity; }

# Clock identities are fixed per host (pi-a's is the lowest), so BMCA ties end the same way every run.
clock_id() { printf '02abcd.fffe.0000%02x\n' $((0xa0 + $(host_index "$1"))); }
# The host whose clock identity is $1, or the identity itself.
clock_host() {
  local h
  for h in "${HOSTS[@]}"; do
    [ "$(clock_id "$h")" = "$1" ] && { echo "$h"; return 0; }
  done
  echo "$1"
}

# --- ptp4l ---------------------------------------------------------------------------------------------

# The role a host gets at up.
default_role() { [ "$1" = pi-a ] && echo master || echo slave; }

# Writes the host's ptp4l config for ROLE.
write_ptp4l_conf() {
  local h=$1 role=$2 conf
  conf="$(host_dir "$h")/ptp4l.conf"
  {
    echo "[global]"
    echo "domainNumber $RIG_DOMAIN"
    echo "clockIdentity $(clock_id "$h")"
    echo "use_syslog 0"
    echo "verbose 1"
    echo "logging_level 6"
    echo "free_running 1"
    case "$role" in
      master) echo "priority1 100" ;;
      slave) echo "priority1 200" ;;
      master-only) printf '%s\n' "priority1 100" "priority2 200" "masterOnly 1" ;;
    esac
  } >"$conf"
  echo "$conf"
}

# Starts ptp4l in a host as ROLE and waits until it answers on /var/run/ptp4l; for a slave also sends
# SET SYNCHRONIZATION_UNCERTAIN_NP 0 (a free-running slave stays UNCALIBRATED without it).
start_ptp4l() {
  local h=$1 role=$2 conf log deadline answer
  case "$role" in master | slave | master-only) ;; *) die "unknown role '$role' (master, slave, master-only)" ;; esac
  if pidfile_alive "$STATE/pids/$h.ptp4l"; then
    die "ptp4l already runs on $h (pid $(pidfile_pid "$STATE/pids/$h.ptp4l")); rig.sh ptp4l-stop first"
  fi
  conf=$(write_ptp4l_conf "$h" "$role")
  log="$(host_dir "$h")/ptp4l.log"
  echo "=== $(date -Is) ptp4l start as $role" >>"$log"
  spawn "$STATE/pids/$h.ptp4l" "$log" nsenter -t "$(init_pid "$h")" -n -u -m -- ptp4l -i eth0 -S -f "$conf"
  deadline=$((SECONDS + 20))
  until host_pmc "$h" 'GET DEFAULT_DATA_SET' | grep -q clockIdentity; do
    pidfile_alive "$STATE/pids/$h.ptp4l" || { tail -n 20 "$log" >&2; die "ptp4l on $h exited"; }
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$log" >&2; die "ptp4l on $h does not answer on /var/run/ptp4l"; }
    sleep 0.1
  done
  if [ "$role" = slave ]; then
    answer=$(host_pmc "$h" 'SET SYNCHRONIZATION_UNCERTAIN_NP 0')
    grep -q 'uncertain *0' <<<"$answer" || die "pmc SET SYNCHRONIZATION_UNCERTAIN_NP 0 on $h answered: $answer"
  fi
}

# Waits until a host's port is SLAVE (and, if $3 names a host, its grandmaster is that host's clock), up to
# $2 seconds; prints the ptp4l log tail on timeout.
wait_slave() {
  local h=$1 limit=$2 gm=${3:-} start deadline
  start=$(now)
  deadline=$((SECONDS + limit))
  until [ "$(port_state "$h")" = SLAVE ] && { [ -z "$gm" ] || [ "$(grandmaster "$h")" = "$(clock_id "$gm")" ]; }; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "$h: portState $(port_state "$h"), grandmaster $(clock_host "$(grandmaster "$h")") after ${limit} s" \
        "(wanted SLAVE${gm:+ of $gm}); ptp4l log tail:"
      tail -n 15 "$(host_dir "$h")/ptp4l.log" >&2
      return 1
    fi
    sleep 0.25
  done
  say "$h: SLAVE of $(clock_host "$(grandmaster "$h")") after $(elapsed "$start") s"
}

# --- up ------------------------------------------------------------------------------------------------

# Internal: the long-lived init of one host, run by `up` inside the host's new UTS and mount namespaces.
# Sets the hostname, makes the per-host mounts, records itself and then sleeps until stopped.
cmd__host_init() {
  local h=$1 pidfile=$2 dir
  dir=$(host_dir "$h")
  hostname "$h"
  mount -t tmpfs -o mode=0755,size=16m "rig-$h-run" /run
  mkdir -m 0755 /run/sshd                           # sshd's privilege separation directory
  mount --bind "$dir/modules" /root/.local/share/powershell/Modules
  mount --bind "$dir/srv" /srv
  mount --bind "$STATE/hosts.txt" /etc/hosts
  cmd__exec_recorded "$pidfile" sleep infinity
}

# The pwsh that sshd starts for the PowerShell subsystem.
resolve_pwsh() {
  local p
  if [ -n "${PSCAMSYNC_PWSH:-}" ]; then
    p=$PSCAMSYNC_PWSH
  elif [ -x /root/.dotnet/tools/pwsh ]; then
    p=/root/.dotnet/tools/pwsh
  else
    p=$(command -v pwsh) || die "no pwsh: set PSCAMSYNC_PWSH, or dotnet tool install --global PowerShell --version 7.6.9"
  fi
  [ -x "$p" ] || die "pwsh '$p' is not executable"
  echo "$p"
}

# DOTNET_ROOT for a pwsh installed as a .NET tool (its apphost needs the runtime), or nothing.
resolve_dotnet_root() {
  if [ -n "${DOTNET_ROOT:-}" ]; then
    echo "$DOTNET_ROOT"
  elif command -v dotnet >/dev/null; then
    dirname "$(readlink -f "$(command -v dotnet)")"
  fi
}

write_sshd_conf() {
  local h=$1 dir subsystem dotnet_root
  dir=$(host_dir "$h")
  subsystem="$(resolve_pwsh) -sshs -NoLogo -NoProfile"
  dotnet_root=$(resolve_dotnet_root)
  [ -n "$dotnet_root" ] && subsystem="/usr/bin/env DOTNET_ROOT=$dotnet_root $subsystem"
  cat >"$dir/sshd_config" <<EOF
# sshd of rig host $h ($(host_addr "$h")), run $RIG_SUFFIX; written by rig.sh
ListenAddress $(host_addr "$h"):22
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $STATE/authorized_keys
StrictModes no
UsePAM no
PrintMotd no
PrintLastLog no
Subsystem powershell $subsystem
EOF
}

# The files the controller uses: /etc/hosts, ssh client config, known_hosts; and the client key.
write_client_files() {
  local h
  {
    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n'
    printf 'ff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n'
    printf '10.78.%s.1\trig-controller\n' "$RIG_SUBNET"
    for h in "${HOSTS[@]}"; do printf '%s\t%s\n' "$(host_addr "$h")" "$h"; done
  } >"$STATE/hosts.txt"
  : >"$STATE/known_hosts"
  for h in "${HOSTS[@]}"; do
    echo "$h,$(host_addr "$h") $(cut -d' ' -f1,2 "$(host_dir "$h")/ssh_host_ed25519_key.pub")" >>"$STATE/known_hosts"
  done
  cat >"$STATE/ssh_config" <<EOF
# ssh client config of the rig controller (bound over /etc/ssh/ssh_config by rig.sh run)
Host *
  User root
  IdentityFile $STATE/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $STATE/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  CheckHostIP no
  BatchMode yes
  ConnectTimeout 10
  LogLevel ERROR
EOF
  chmod 0644 "$STATE/ssh_config" "$STATE/hosts.txt" "$STATE/known_hosts"
}

# Fails if STATE holds a rig with live processes; sweeps a dead one's leftovers.
check_no_live_rig() {
  local f
  [ -f "$STATE/rig.env" ] || return 0
  for f in "$STATE"/pids/*; do
    [ -e "$f" ] || continue
    pidfile_alive "$f" && die "$STATE already holds a running rig ($f); rig.sh down $STATE first"
  done
  say "sweeping leftovers of an earlier run in $STATE"
  cmd_down "$STATE"
}

cmd_up() {
  set_state "$1"
  local tool h ns dir pwsh t0 tptp
  [ "$(id -u)" = 0 ] || die "must run as root"
  for tool in ip bridge unshare nsenter setsid /usr/sbin/sshd ssh ssh-keygen ptp4l pmc timeout; do
    command -v "$tool" >/dev/null || die "missing $tool"
  done
  pwsh=$(resolve_pwsh)
  check_no_live_rig
  t0=$(now)

  # Names for this run; written before anything exists, so `down` can always find what was made.
  RIG_SUFFIX=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
  RIG_SUBNET=$((RANDOM % 256))
  RIG_DOMAIN=$DOMAIN
  RIG_CTL_NS="psc-$RIG_SUFFIX-ctl"
  RIG_BRIDGE="br$RIG_SUFFIX"
  mkdir -p "$STATE/pids"
  printf 'RIG_SUFFIX=%s\nRIG_SUBNET=%s\nRIG_DOMAIN=%s\nRIG_CTL_NS=%s\nRIG_BRIDGE=%s\n' \
    "$RIG_SUFFIX" "$RIG_SUBNET" "$RIG_DOMAIN" "$RIG_CTL_NS" "$RIG_BRIDGE" >"$STATE/rig.env"
  # Any failure or signal from here on tears down what exists so far. A signal is handled once the command
  # running at that moment returns (each is bounded: ip, pmc, an ssh login, a short sleep).
  trap 'rc=$?; say "up did not finish (exit $rc); tearing down"; trap - EXIT; cmd_down "$STATE" || true; exit $((rc ? rc : 1))' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  say "run $RIG_SUFFIX: 10.78.$RIG_SUBNET.0/24, PTP domain $RIG_DOMAIN, pwsh $pwsh"

  # Keys for this run: the client's and one host key per host.
  rm -f "$STATE/id_ed25519" "$STATE/id_ed25519.pub"
  ssh-keygen -q -t ed25519 -N '' -C "rig-$RIG_SUFFIX" -f "$STATE/id_ed25519"
  cp "$STATE/id_ed25519.pub" "$STATE/authorized_keys"
  for h in "${HOSTS[@]}"; do
    dir=$(host_dir "$h")
    rm -rf "$dir/modules" "$dir/srv" "$dir/ssh_host_ed25519_key" "$dir/ssh_host_ed25519_key.pub"
    mkdir -p "$dir/modules" "$dir/srv/takes"
    : >"$dir/ptp4l.log"; : >"$dir/sshd.log"; : >"$dir/init.log"   # this run's logs only
    ssh-keygen -q -t ed25519 -N '' -C "$h-$RIG_SUFFIX" -f "$dir/ssh_host_ed25519_key"
    write_sshd_conf "$h"
  done
  write_client_files
  mkdir -p /root/.local/share/powershell/Modules   # mount point for the per-host module directories

  # Network: the bridge and an address in the controller namespace, one veth per host.
  ip netns add "$RIG_CTL_NS"
  ip -n "$RIG_CTL_NS" link set lo up
  ip -n "$RIG_CTL_NS" link add "$RIG_BRIDGE" type bridge mcast_snooping 0
  ip -n "$RIG_CTL_NS" addr add "10.78.$RIG_SUBNET.1/24" dev "$RIG_BRIDGE"
  ip -n "$RIG_CTL_NS" link set "$RIG_BRIDGE" up
  for h in "${HOSTS[@]}"; do
    ns=$(host_ns "$h")
    ip netns add "$ns"
    ip -n "$RIG_CTL_NS" link add "v$RIG_SUFFIX$(host_letter "$h")" type veth peer name eth0 netns "$ns"
    ip -n "$RIG_CTL_NS" link set "v$RIG_SUFFIX$(host_letter "$h")" master "$RIG_BRIDGE" up
    ip -n "$ns" addr add "$(host_addr "$h")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done

  # One init per host in its own UTS and mount namespace (it sets the hostname and the mounts, then sleeps).
  for h in "${HOSTS[@]}"; do
    spawn "$STATE/pids/$h.init" "$(host_dir "$h")/init.log" \
      ip netns exec "$(host_ns "$h")" unshare --uts --mount --propagation private -- \
      "$BASH" "$SCRIPT" _host-init "$STATE" "$h" "$STATE/pids/$h.init.ready"
    # spawn recorded the process before it made its namespaces; the init records itself once its mounts are
    # done, and that PID is the one to enter. (Same process: ip and unshare exec in place.)
    wait_file "$STATE/pids/$h.init.ready" 10 || { tail -n 20 "$(host_dir "$h")/init.log" >&2; die "init of $h failed"; }
    mv "$STATE/pids/$h.init.ready" "$STATE/pids/$h.init"
  done

  # ptp4l: the grandmaster first, then the slaves.
  tptp=$(now)
  for h in "${HOSTS[@]}"; do start_ptp4l "$h" "$(default_role "$h")"; done

  # sshd, and a real login from the controller namespace to each host.
  for h in "${HOSTS[@]}"; do
    spawn "$STATE/pids/$h.sshd" "$(host_dir "$h")/sshd.log" \
      nsenter -t "$(init_pid "$h")" -n -u -m -- /usr/sbin/sshd -D -e -f "$(host_dir "$h")/sshd_config"
  done
  for h in "${HOSTS[@]}"; do
    local deadline=$((SECONDS + 20))
    until ip netns exec "$RIG_CTL_NS" ssh -F "$STATE/ssh_config" -o ConnectTimeout=2 "$(host_addr "$h")" true 2>/dev/null; do
      pidfile_alive "$STATE/pids/$h.sshd" || { tail -n 20 "$(host_dir "$h")/sshd.log" >&2; die "sshd on $h exited"; }
      [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$(host_dir "$h")/sshd.log" >&2; die "no ssh login to $h"; }
      sleep 0.2
    done
  done
  say "sshd answers on every host after $(elapsed "$t0") s"

  for h in "${HOSTS[@]}"; do
    [ "$(default_role "$h")" = slave ] || continue
    wait_slave "$h" "$SLAVE_WAIT_S" pi-a || die "$h did not reach SLAVE"
  done
  say "all slaves SLAVE $(elapsed "$tptp") s after the first ptp4l start; rig up in $(elapsed "$t0") s"
  trap - EXIT INT TERM
}

# --- run, with -----------------------------------------------------------------------------------------

# The cgroup file systems of this mount namespace, one "TYPE MOUNTPOINT SUPER-OPTIONS" line each: `ip netns exec`
# mounts a fresh sysfs over /sys, which hides them, so the controller mounts them again (remount_cgroups).
cgroup_mounts() {
  awk '{ t = ""; for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); o = $(i + 3); break }
         if (t == "cgroup" || t == "cgroup2") print t, $5, o }' /proc/self/mountinfo
}

# Internal: mounts the hierarchies listed in RIG_CGROUP_MOUNTS (from cgroup_mounts, outside) again under the controller's
# /sys/fs/cgroup, so that what reads a process's cgroup (the module's memory check, the memory-cgroup test) sees the
# host's. The mounts live in the controller's private mount namespace and end with it.
remount_cgroups() {
  [ -n "${RIG_CGROUP_MOUNTS:-}" ] || return 0
  local type mp opts
  if ! grep -q ' /sys/fs/cgroup ' <<<"$RIG_CGROUP_MOUNTS"; then
    mount -t tmpfs -o mode=0755,size=64k rig-cgroup /sys/fs/cgroup || die "cannot mount a tmpfs on /sys/fs/cgroup"
  fi
  while read -r type mp opts; do
    [ -n "$type" ] || continue
    mkdir -p "$mp" || die "cannot make the cgroup mount point $mp"
    mount -t "$type" -o "${opts#rw,}" "$type" "$mp" || die "cannot mount the $type hierarchy ($opts) on $mp again"
  done < <(grep ' /sys/fs/cgroup ' <<<"$RIG_CGROUP_MOUNTS" || true; grep -v ' /sys/fs/cgroup ' <<<"$RIG_CGROUP_MOUNTS" || true)
}

# Internal: inside the controller's network namespace and a fresh private mount namespace.
cmd__controller() {
  mount --bind "$STATE/hosts.txt" /etc/hosts
  mount --bind "$STATE/ssh_config" /etc/ssh/ssh_config
  remount_cgroups
  export PSCAMSYNC_RIG=$STATE PSCAMSYNC_RIG_SCRIPT=$SCRIPT PSCAMSYNC_RIG_DOMAIN=$RIG_DOMAIN
  export PSCAMSYNC_RIG_HOSTS="${HOSTS[*]}"
  exec "$@"
}

cmd_run() {
  set_state "$1"
  shift
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "usage: rig.sh run STATE -- CMD [ARGS...]"
  load_env
  RIG_CGROUP_MOUNTS=$(cgroup_mounts)
  export RIG_CGROUP_MOUNTS
  exec ip netns exec "$RIG_CTL_NS" unshare --mount --propagation private -- \
    "$BASH" "$SCRIPT" _controller "$STATE" "$@"
}

# Internal: waits for the `with` process $2 to vanish without its clean-up (kill -9), then runs down.
cmd__reap() {
  local with_pid=$1
  while kill -0 "$with_pid" 2>/dev/null; do sleep 1; done
  if [ "$(cat "$STATE/with.pid" 2>/dev/null)" = "$with_pid" ]; then
    say "rig.sh with (pid $with_pid) vanished; tearing down"
    cmd_down "$STATE"
    rm -f "$STATE/with.pid"
  fi
}

cmd_with() {
  set_state "$1"
  shift
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "usage: rig.sh with STATE -- CMD [ARGS...]"
  local rc
  echo $$ >"$STATE/with.pid"
  spawn "$STATE/with.reaper" "$STATE/reaper.log" "$BASH" "$SCRIPT" _reap "$STATE" $$
  trap 'with_exit' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  # up and CMD run in the background so that a signal to this script is handled at once (bash runs a trap
  # only after the foreground command returns).
  cmd_up "$STATE" &
  WITH_UP_PID=$!
  rc=0
  wait "$WITH_UP_PID" || rc=$?
  WITH_UP_PID=
  [ "$rc" = 0 ] || exit "$rc"
  # stdin is passed on explicitly: a background command would get /dev/null
  exec 3<&0
  "$BASH" "$SCRIPT" run "$STATE" -- "$@" <&3 3<&- &
  wait $! || rc=$?
  exit "$rc"
}

with_exit() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # an up still under way is told to stop and tears down what it made; down below then sweeps the rest
  if [ -n "${WITH_UP_PID:-}" ]; then
    kill -TERM "$WITH_UP_PID" 2>/dev/null || true
    wait "$WITH_UP_PID" 2>/dev/null || true
  fi
  cmd_down "$STATE" || rc=1
  stop_pidfiles "$STATE/with.reaper" || true
  rm -f "$STATE/with.pid"
  exit "$rc"
}

# --- down ----------------------------------------------------------------------------------------------

cmd_down() {
  set_state "$1"
  local f ns pids rc=0 deadline
  if [ -f "$STATE/rig.env" ]; then
    # shellcheck source=/dev/null
    . "$STATE/rig.env"
    # 1. the processes the rig started, by recorded PID and start time
    local files=()
    for f in "$STATE"/pids/*; do
      [ -e "$f" ] && files+=("$f")
    done
    [ ${#files[@]} -eq 0 ] || stop_pidfiles "${files[@]}" || rc=1
    # 2. anything else still inside this run's namespaces (ssh sessions, pwsh servers, CMD), by PID
    for ns in $(ip netns list | awk -v p="psc-$RIG_SUFFIX-" 'index($1, p) == 1 { print $1 }'); do
      pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ') || true
      if [ -n "${pids// /}" ]; then
        say "stopping leftover processes in $ns: $pids"
        # shellcheck disable=SC2086 # a list of PIDs
        kill -TERM $pids 2>/dev/null || true
        deadline=$((SECONDS + STOP_WAIT_S))
        while [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
        pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ') || true
        # shellcheck disable=SC2086 # a list of PIDs
        [ -z "${pids// /}" ] || kill -KILL $pids 2>/dev/null || true
      fi
      # 3. the namespace itself; its veths and the bridge go with it
      ip netns del "$ns" 2>/dev/null || { say "could not delete namespace $ns"; rc=1; }
    done
  fi
  # 4. keys and per-run records; logs, configs and the hosts' srv/modules directories stay
  rm -f "$STATE/id_ed25519" "$STATE/id_ed25519.pub" "$STATE/authorized_keys" "$STATE/known_hosts" \
    "$STATE"/hosts/*/ssh_host_ed25519_key "$STATE"/hosts/*/ssh_host_ed25519_key.pub
  if [ "$rc" = 0 ]; then
    rm -rf "$STATE/pids"
    rm -f "$STATE/rig.env"
  fi
  return "$rc"
}

# --- ptp4l-stop, ptp4l-start, wait-slave, status, pmc, exec ---------------------------------------------

cmd_ptp4l_stop() {
  set_state "$1"
  load_env
  host_index "$2" >/dev/null
  local f="$STATE/pids/$2.ptp4l"
  if pidfile_alive "$f"; then
    stop_pidfiles "$f"
    echo "=== $(date -Is) ptp4l stopped by rig.sh ptp4l-stop" >>"$(host_dir "$2")/ptp4l.log"
    say "$2: ptp4l stopped"
  else
    rm -f "$f"
    say "$2: ptp4l was not running"
  fi
}

cmd_ptp4l_start() {
  set_state "$1"
  load_env
  host_index "$2" >/dev/null
  start_ptp4l "$2" "${3:-$(default_role "$2")}"
  say "$2: ptp4l started as ${3:-$(default_role "$2")} (pid $(pidfile_pid "$STATE/pids/$2.ptp4l"))"
}

cmd_wait_slave() {
  set_state "$1"
  load_env
  host_index "$2" >/dev/null
  [ -z "${4:-}" ] || host_index "$4" >/dev/null
  wait_slave "$2" "${3:-$SLAVE_WAIT_S}" "${4:-}"
}

cmd_status() {
  set_state "$1"
  load_env
  local h p list state
  echo "run $RIG_SUFFIX, controller $RIG_CTL_NS 10.78.$RIG_SUBNET.1, PTP domain $RIG_DOMAIN"
  for h in "${HOSTS[@]}"; do
    list=""
    for p in init ptp4l sshd; do
      if pidfile_alive "$STATE/pids/$h.$p"; then
        list+=" $p=$(pidfile_pid "$STATE/pids/$h.$p")"
      else
        list+=" $p=dead"
      fi
    done
    state="-"
    pidfile_alive "$STATE/pids/$h.init" && state="$(port_state "$h") grandmaster $(clock_host "$(grandmaster "$h")")"
    echo "$h $(host_addr "$h"):$list portState $state"
  done
}

cmd_pmc() {
  set_state "$1"
  load_env
  host_index "$2" >/dev/null
  [ $# -ge 3 ] || die "usage: rig.sh pmc STATE HOST 'GET ...'"
  host_pmc "$2" "${@:3}"
}

cmd_exec() {
  set_state "$1"
  load_env
  host_index "$2" >/dev/null
  local h=$2
  shift 2
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "usage: rig.sh exec STATE HOST -- CMD [ARGS...]"
  exec nsenter -t "$(init_pid "$h")" -n -u -m -- "$@"
}

usage() {
  sed -n '/^# Usage/,/^# CMD/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

main() {
  [ $# -ge 2 ] || usage
  local cmd=$1
  shift
  case "$cmd" in
    up) cmd_up "$1" ;;
    run) cmd_run "$@" ;;
    with) cmd_with "$@" ;;
    down) cmd_down "$1" ;;
    ptp4l-stop) [ $# -eq 2 ] || usage; cmd_ptp4l_stop "$@" ;;
    ptp4l-start) [ $# -ge 2 ] || usage; cmd_ptp4l_start "$@" ;;
    wait-slave) [ $# -ge 2 ] || usage; cmd_wait_slave "$@" ;;
    status) cmd_status "$1" ;;
    pmc) cmd_pmc "$@" ;;
    exec) cmd_exec "$@" ;;
    # internal, run by the commands above
    _exec-recorded) cmd__exec_recorded "$@" ;;
    _host-init) set_state "$1"; load_env; cmd__host_init "$2" "$3" ;;
    _controller) set_state "$1"; load_env; shift; cmd__controller "$@" ;;
    _reap) set_state "$1"; cmd__reap "$2" ;;
    *) usage ;;
  esac
}

main "$@"
