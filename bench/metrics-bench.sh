#!/usr/bin/env bash
# The cost of metrics on the query path (issue 10): two Meridian processes from the same jar with
# the same configuration (bench/gslb-bench.sh's 10,000-name zone and geo map), one counting (the
# default) and one started with -Dmeridian.metrics.enabled=false (Metrics.fromProperties()), both
# through bin/meridian with the same options (the property travels in JAVA_TOOL_OPTIONS). dnsperf
# rounds alternate the order each round (on, off, off, on, ...) so that drift in the machine's load
# falls on both alike; per workload:
#   static  the static query mix (bench/benchkit.py static-queries), no EDNS: the fast path
#   geo     geo.bench.example. A with an ECS option, 116 subnets on six continents: the fast path
#           with ECS
# Prints gslb-bench's table (per round q/s, latency, lost, RSS, "other %"), medians and the
# on/off ratio: 1 - ratio is the cost.
#
# Usage: bench/metrics-bench.sh [-r ROUNDS] [-l SECONDS] [-j JAR] [-w WARMUP_S] [-W static,geo]
#                               [-p PORT] [-k]
#   -r rounds (6)  -l seconds per round (10)  -j jar (target/meridian.jar)  -w warm-up (5)
#   -W workloads (static,geo)  -p first of two loopback ports (5390: on; the next: off)
#   -k keep the work directory
# Environment: DNSPERF_OPTS (default "-T 2 -c 8 -q 100"), MERIDIAN_HEAP, MERIDIAN_JAVA_OPTS as
#   bin/meridian documents them.
# Needs: java 17, dnsperf 2.10, kdig, python3, bc.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/bench-lib.sh
. bench/bench-lib.sh

rounds=6 seconds=10 jar=target/meridian.jar warm=5 workloads=static,geo port=5390 keep=no
while getopts r:l:j:w:W:p:kh opt; do
  case $opt in
    r) rounds=$OPTARG ;; l) seconds=$OPTARG ;; j) jar=$OPTARG ;; w) warm=$OPTARG ;;
    W) workloads=$OPTARG ;; p) port=$OPTARG ;; k) keep=yes ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
need java dnsperf kdig python3 bc
DNSPERF_OPTS=${DNSPERF_OPTS--T 2 -c 8 -q 100}
jar=$(realpath "$jar") mmdb=$(realpath geo-data/meridian-country.mmdb)
on_port=$port off_port=$((port + 1))
work=$(mktemp -d /tmp/metrics-bench.XXXXXX)
cleanup() {
  stop_all
  if [ "$keep" = yes ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

busy=$(busy_note)
benchkit static-queries "$work/static.txt"
benchkit ecs-queries "$work/geo.bin"
for side in on off; do
  p=$on_port
  [ "$side" = off ] && p=$off_port
  mkdir -p "$work/$side/zones"
  benchkit zone meridian "$work/$side/zones/bench.example.zone"
  meridian_bench_config "$work/$side/meridian.yaml" "$p" "$mmdb" true
done

t0=$(now)
JAVA_TOOL_OPTIONS=-Dmeridian.metrics.enabled=true start_meridian "$jar" "$work/on/meridian.yaml" "$work/on/log"
on_pid=$meridian_pid
ready_on=$(wait_answer "$on_port" h00000.bench.example A 10.0.0.0 120 "$on_pid") ||
  { tail -20 "$work/on/log"; exit 1; }
t0=$(now)
JAVA_TOOL_OPTIONS=-Dmeridian.metrics.enabled=false start_meridian "$jar" "$work/off/meridian.yaml" "$work/off/log"
off_pid=$meridian_pid
ready_off=$(wait_answer "$off_port" h00000.bench.example A 10.0.0.0 120 "$off_pid") ||
  { tail -20 "$work/off/log"; exit 1; }

echo "metrics-bench $(date -u '+%F %T') UTC on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$busy" ] || echo "$busy"
echo "jar $jar ($(stat -c %y "$jar" | cut -d. -f1)), kit checkout $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)')"
meridian_pid=$on_pid
echo "metrics on:  $(meridian_how) with JAVA_TOOL_OPTIONS=-Dmeridian.metrics.enabled=true, port $on_port, answering after ${ready_on}s"
meridian_pid=$off_pid
echo "metrics off: $(meridian_how) with JAVA_TOOL_OPTIONS=-Dmeridian.metrics.enabled=false, port $off_port, answering after ${ready_off}s"
echo "dnsperf $DNSPERF_OPTS, ${seconds}s rounds x $rounds (order alternating), warm-up ${warm}s"
echo

run_one() { # run_one WORKLOAD SIDE SECONDS RECORD(yes/no) ROUND
  local wl=$1 side=$2 secs=$3 record=$4 round=$5 p=$on_port pid=$on_pid data out kv
  [ "$side" = off ] && p=$off_port pid=$off_pid
  case $wl in
    static) data=(-d "$work/static.txt") ;;
    geo) data=(-B -d "$work/geo.bin") ;;
  esac
  out="$work/out.$wl.$side.$round"
  [ "$record" = yes ] && busy=$(other_cpu "$on_pid" "$off_pid")
  # shellcheck disable=SC2086
  dnsperf -s 127.0.0.1 -p "$p" "${data[@]}" -l "$secs" $DNSPERF_OPTS >"$out" 2>&1 || true
  [ "$record" = yes ] || return 0
  kv="$(benchkit dnsperf "$out") rss_mib=$(rss_mib "$pid") hwm_mib=$(hwm_mib "$pid") other_cpu=$busy"
  echo "$wl $round $side $kv" >>"$work/results"
  if ! kill -0 "$pid" 2>/dev/null; then echo "metrics-$side exited during the run" >&2; exit 1; fi
}

IFS=, read -r -a wls <<<"$workloads"
for wl in "${wls[@]}"; do
  run_one "$wl" on "$warm" no 0
  run_one "$wl" off "$warm" no 0
done
: >"$work/results"
for r in $(seq "$rounds"); do
  for wl in "${wls[@]}"; do
    if [ $((r % 2)) = 1 ]; then order="on off"; else order="off on"; fi
    for side in $order; do run_one "$wl" "$side" "$seconds" yes "$r"; done
  done
done
# the table lists "on" first, so that its ratio is on/off (1 - ratio: the cost of counting)
sort -s -k1,1 -k3,3r "$work/results" >"$work/results.sorted"
benchkit table "$work/results.sorted"
echo "RSS after the last round: on $(rss_mib "$on_pid") MiB, off $(rss_mib "$off_pid") MiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
