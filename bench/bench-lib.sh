# Shared by bench/gslb-bench.sh and bench/bigzone-bench.sh (sourced, not run).
# Every server these scripts start listens on 127.0.0.1 only; every query goes to 127.0.0.1.

kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
benchkit() { python3 "$kit/benchkit.py" "$@"; }

# How Meridian starts: as the README starts it, bin/meridian (the launcher with its bounded heap;
# it honours MERIDIAN_HEAP and MERIDIAN_JAVA_OPTS, and runs the jar given to the kit through
# MERIDIAN_JAR); without a launcher in the checkout, java $MERIDIAN_JAVA_OPTS -jar JAR. MERIDIAN_CMD
# replaces either (it must exec java, so that its PID is the server's).

need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "missing tool: $t (see bench/README in the report)" >&2; exit 2; }
  done
}

# Processes this script started; killed by PID on exit.
started=()
stop_all() {
  local p
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${started[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}

# start_meridian JAR CONFIG LOG: starts `... serve --config CONFIG` (see above); sets $meridian_pid.
start_meridian() {
  if [ -n "${MERIDIAN_CMD:-}" ]; then
    # shellcheck disable=SC2086  # MERIDIAN_CMD is a list of words
    $MERIDIAN_CMD serve --config "$2" >"$3" 2>&1 &
  elif [ -x "$kit/../bin/meridian" ]; then
    MERIDIAN_JAR=$1 "$kit/../bin/meridian" serve --config "$2" >"$3" 2>&1 &
  else
    # shellcheck disable=SC2086  # MERIDIAN_JAVA_OPTS is a list of words
    java ${MERIDIAN_JAVA_OPTS:-} -jar "$1" serve --config "$2" >"$3" 2>&1 &
  fi
  meridian_pid=$!
  started+=("$meridian_pid")
}

# meridian_how: how Meridian was started, and the running process's command line.
meridian_how() {
  local how
  if [ -n "${MERIDIAN_CMD:-}" ]; then how="MERIDIAN_CMD=$MERIDIAN_CMD"
  elif [ -x "$kit/../bin/meridian" ]; then how="bin/meridian${MERIDIAN_HEAP:+ with MERIDIAN_HEAP=$MERIDIAN_HEAP}${MERIDIAN_JAVA_OPTS:+ with MERIDIAN_JAVA_OPTS}"
  else how="java -jar"; fi
  if [ -n "${meridian_pid:-}" ] && [ -r "/proc/$meridian_pid/cmdline" ]; then
    how="$how: $(tr '\0' ' ' <"/proc/$meridian_pid/cmdline" | sed 's/ $//')"
  fi
  echo "$how"
}

# rss_mib PID / hwm_mib PID: resident set now / its peak (VmHWM), in MiB.
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo NA; }
hwm_mib() { awk '/^VmHWM:/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo NA; }
load1() { cut -d' ' -f1 /proc/loadavg; }
# other_cpu [PID...]: percent of all cores busy over one second, less what the given processes
# (the servers under test, idle between runs, but a JVM may still be collecting or compiling) used:
# other work on the machine, which the next run competes with.
other_cpu() {
  local a b
  a=$(cpu_ticks "$@")
  sleep 1
  b=$(cpu_ticks "$@")
  echo "$a $b" | awk '{d = $5 - $2; printf "%.0f", (d > 0 ? 100 * (($4 - $1) - ($6 - $3)) / d : 0)}'
}
# cpu_ticks [PID...]: "BUSY TOTAL OURS" in clock ticks (all cores; OURS: the PIDs' user+system).
cpu_ticks() {
  local p ours=0 t
  for p in "$@"; do
    t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')
    t=${t:-0}
    ours=$((ours + t))
  done
  awk -v o="$ours" '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9, o}' /proc/stat
}

# wait_answer PORT NAME TYPE EXPECTED TIMEOUT_S PID: polls every 50 ms with kdig until the answer
# (first record data) is EXPECTED; prints the seconds since $t0 (set by the caller with now).
now() { date +%s.%N; }
wait_answer() {
  local port=$1 name=$2 type=$3 want=$4 limit=$5 pid=$6 got
  local deadline
  deadline=$(echo "$(now) + $limit" | bc)
  while :; do
    got=$(kdig @127.0.0.1 -p "$port" +retry=0 +timeout=1 +short "$name" "$type" 2>/dev/null | head -1 || true) # no answer yet: retry (set -e)
    if [ "$got" = "$want" ]; then
      echo "$(now) - $t0" | bc | awk '{printf "%.2f", $1}'
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "server (pid $pid) exited" >&2; return 1; fi
    if [ "$(echo "$(now) > $deadline" | bc)" = 1 ]; then echo "no answer in ${limit}s" >&2; return 1; fi
    sleep 0.05
  done
}

# stamped_dnsperf OUT ARGS...: dnsperf -v with every output line prefixed by its arrival time
# (epoch seconds), for latency percentiles (dnsperf 2.10 prints none) over any time window.
stamped_dnsperf() {
  stamped_dnsperf_bg "$@"
  wait "$dnsperf_pid" || true
  wait "$stamp_pid" || true
}

# stamped_dnsperf_bg OUT ARGS...: the same in the background; sets $dnsperf_pid (SIGINT ends the
# run early with dnsperf's summary) and $stamp_pid (exits once dnsperf has).
stamped_dnsperf_bg() {
  local out=$1 fifo
  shift
  fifo=$out.fifo # left in place (the work directory goes at exit): the two ends open it later
  rm -f "$fifo"
  mkfifo "$fifo"
  perl -MTime::HiRes=time -ne '$|=1; printf "%.4f %s", time, $_' <"$fifo" >"$out" &
  stamp_pid=$!
  started+=("$stamp_pid")
  stdbuf -oL dnsperf -v "$@" >"$fifo" 2>&1 &
  dnsperf_pid=$!
  started+=("$dnsperf_pid")
}

# busy_note: a warning line when other work keeps the machine busy (over 15 % of all cores for a
# second, sampled before the servers start): the figures that follow then measure contention too.
busy_note() {
  local busy
  busy=$(other_cpu)
  [ "$busy" -le 15 ] ||
    echo "WARNING: other work used $busy % of the $(nproc) cores just before the run (load average $(cut -d' ' -f1-3 /proc/loadavg)): figures will be disturbed"
}

# Writes the benchmark's Meridian configuration to $1: DNS on 127.0.0.1:$2, zone_dir zones, the
# geo map by continent on database $3, minimal_responses $4 (gdnsd never adds NS and glue), the
# admin API off (two servers side by side must not share its port). The addresses are
# documentation ranges, never probed (check: none).
meridian_bench_config() {
  cat >"$1" <<EOF
listen: [127.0.0.1:$2]
zone_dir: zones
minimal_responses: $4
health: {state_file: meridian.state}
admin: {listen: "off"}
regions:
  us-east:  {location: {lat: 39.04, lon: -77.49}, l4: {endpoints: [192.0.2.10, 192.0.2.11], check: none}}
  eu-west:  {location: {lat: 53.35, lon: -6.26}, l4: {endpoints: [198.51.100.10, 198.51.100.11], check: none}}
  ap-south: {location: {lat: 19.08, lon: 72.88}, l4: {endpoints: [203.0.113.10, 203.0.113.11], check: none}}
geo:
  database: $3
  continents:
    EU: [eu-west, us-east, ap-south]
    AF: [eu-west, ap-south, us-east]
    NA: [us-east, eu-west, ap-south]
    SA: [us-east, eu-west, ap-south]
    AS: [ap-south, eu-west, us-east]
    OC: [ap-south, us-east, eu-west]
  default: [us-east, eu-west, ap-south]
services:
  geo.bench.example: {policy: geo, tier: l4, ttl: 30}
EOF
}
