#!/usr/bin/env bash
# Meridian against gdnsd 3.8 on loopback (issue 9): the same 10,000-name zone (bench.example.: SOA,
# NS, A, AAAA, CNAME, MX, TXT, an 8-address round-robin name) and the same geo map (a name answered
# by continent, on the same MaxMind database), dnsperf rounds interleaved Meridian, gdnsd,
# Meridian, ... for two workloads:
#   static  the static query mix (bench/benchkit.py static-queries), no EDNS
#   geo     geo.bench.example. A, every query with an ECS option; the /24 subnet varies per query
#           over 116 subnets on six continents (a dnsperf -B binary query file: -E can only send one
#           fixed option)
# Prints per round q/s, average/stddev/max latency, lost queries, RSS and its peak, response size
# and "other %" (the share of all cores that processes other than the two servers used in the
# second before the run: above a few percent the round competed with something else); then medians and
# Meridian/gdnsd ratios. With -Q QPS (fixed rate) it also
# prints p99 latency, from per-query latencies (dnsperf -v).
#
# Usage: bench/gslb-bench.sh [-r ROUNDS] [-l SECONDS] [-j JAR] [-Q QPS] [-w WARMUP_S]
#                            [-W static,geo] [-g MMDB] [-p PORT] [-f] [-k]
#   -r rounds (3)  -l seconds per round (10)  -j jar (target/meridian.jar)
#   -Q fixed rate in queries/s (default: none, throughput mode)  -w warm-up per server/workload (5)
#   -W workloads (static,geo)  -g geo database for both servers (geo-data/meridian-country.mmdb)
#   -p first of two loopback ports (5380: Meridian on it, gdnsd on the next)
#   -f full responses from Meridian (minimal_responses: false, its default: NS in authority and
#      glue in additional, which gdnsd never sends); without -f both send the same answers
#   -k keep the work directory
# Environment: Meridian starts as the README starts it, with bin/meridian (its bounded heap;
#   MERIDIAN_HEAP and MERIDIAN_JAVA_OPTS as bin/meridian documents them; the kit passes the jar as
#   MERIDIAN_JAR), or java $MERIDIAN_JAVA_OPTS -jar JAR when the checkout has no bin/meridian;
#   MERIDIAN_CMD replaces either (a command that execs java; "serve --config FILE" is appended).
#   DNSPERF_OPTS (default "-T 2 -c 8 -q 100", the issue's; with -Q "-T 2 -c 8 -q 20000": room for
#   a second of queries in flight, so that a stall shows as latency, not as queries never sent).
# Needs: java 17, dnsperf 2.10, gdnsd 3.8, dig, kdig, python3, perl, bc.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/bench-lib.sh
. bench/bench-lib.sh

rounds=3 seconds=10 jar=target/meridian.jar qps="" warm=5 workloads=static,geo
mmdb=geo-data/meridian-country.mmdb port=5380 full=no keep=no
while getopts r:l:j:Q:w:W:g:p:fkh opt; do
  case $opt in
    r) rounds=$OPTARG ;; l) seconds=$OPTARG ;; j) jar=$OPTARG ;; Q) qps=$OPTARG ;;
    w) warm=$OPTARG ;; W) workloads=$OPTARG ;; g) mmdb=$OPTARG ;; p) port=$OPTARG ;;
    f) full=yes ;; k) keep=yes ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
need java dnsperf gdnsd dig kdig python3 perl bc stdbuf
if [ -n "$qps" ]; then DNSPERF_OPTS=${DNSPERF_OPTS--T 2 -c 8 -q 20000}; else DNSPERF_OPTS=${DNSPERF_OPTS--T 2 -c 8 -q 100}; fi
jar=$(realpath "$jar") mmdb=$(realpath "$mmdb")
mport=$port gport=$((port + 1))
work=$(mktemp -d /tmp/gslb-bench.XXXXXX)
cleanup() {
  stop_all
  if [ "$keep" = yes ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- zone, queries and both servers' configurations
busy=$(busy_note)
mkdir -p "$work/m/zones" "$work/g/zones"
benchkit zone meridian "$work/m/zones/bench.example.zone"
benchkit zone gdnsd "$work/g/zones/bench.example"
benchkit static-queries "$work/static.txt"
benchkit ecs-queries "$work/geo.bin"

minimal=true
[ "$full" = yes ] && minimal=false
meridian_bench_config "$work/m/meridian.yaml" "$mport" "$mmdb" "$minimal"

# gdnsd: the same map as a geoip DYNA resource; "up" service type (nothing is monitored);
# experimental_no_chain false so that it follows in-zone CNAMEs as Meridian does (its default
# answers only the CNAME); udp_rcvbuf at gdnsd's maximum, 1 MiB (the OS default, 208 KiB here,
# overflows within milliseconds at 20k q/s when another process holds the CPU; Meridian asks for
# 4 MiB). gdnsd 3 has no rate limiting and no stats listener to turn off.
cat >"$work/g/config" <<EOF
options => {
  listen => [ 127.0.0.1:$gport ]
  udp_rcvbuf => 1048576
  run_dir => $work/g/run
  state_dir => $work/g/state
  experimental_no_chain => false
}
plugins => {
  geoip => {
    maps => {
      bench => {
        geoip2_db => $mmdb
        datacenters => [us-east, eu-west, ap-south]
        map => {
          default => [us-east, eu-west, ap-south]
          EU => [eu-west, us-east, ap-south]
          AF => [eu-west, ap-south, us-east]
          NA => [us-east, eu-west, ap-south]
          SA => [us-east, eu-west, ap-south]
          AS => [ap-south, eu-west, us-east]
          OC => [ap-south, us-east, eu-west]
        }
      }
    }
    resources => {
      geo => {
        map => bench
        service_types => up
        dcmap => {
          us-east => [192.0.2.10, 192.0.2.11]
          eu-west => [198.51.100.10, 198.51.100.11]
          ap-south => [203.0.113.10, 203.0.113.11]
        }
      }
    }
  }
}
EOF

# --- start both, wait until each answers
t0=$(now)
gdnsd -c "$work/g" start >"$work/g/log" 2>&1 &
gdnsd_pid=$!
started+=("$gdnsd_pid")
ready_g=$(wait_answer "$gport" h00000.bench.example A 10.0.0.0 120 "$gdnsd_pid") ||
  { tail -20 "$work/g/log"; exit 1; }
t0=$(now)
start_meridian "$jar" "$work/m/meridian.yaml" "$work/m/log"
ready_m=$(wait_answer "$mport" h00000.bench.example A 10.0.0.0 120 "$meridian_pid") ||
  { tail -20 "$work/m/log"; exit 1; }

echo "gslb-bench $(date -u '+%F %T') UTC on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$busy" ] || echo "$busy"
echo "jar $jar ($(stat -c %y "$jar" | cut -d. -f1)), kit checkout $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (modified)')"
echo "Meridian: $(meridian_how), minimal_responses $minimal, port $mport, answering after ${ready_m}s"
echo "gdnsd $(gdnsd -V 2>&1 | awk '/version/ {print $3; exit}'), port $gport, answering after ${ready_g}s"
echo "dnsperf $DNSPERF_OPTS, ${seconds}s rounds x $rounds, warm-up ${warm}s, ${qps:+fixed rate $qps q/s, }geo database $(basename "$mmdb")"

# --- both serve the same answers: every geo subnet and a sample of the static mix
benchkit ecs-subnets | sed 's|.*|geo.bench.example A +subnet=&/24|' >"$work/check-geo.txt"
awk 'NR % 67 == 1' "$work/static.txt" >"$work/check-static.txt"
for c in geo static; do
  for s in m:$mport g:$gport; do
    dig @127.0.0.1 -p "${s#*:}" +norec +noall +comments +answer +tries=1 +time=2 \
      -f "$work/check-$c.txt" >"$work/check-$c.${s%%:*}" 2>&1 || true
  done
  printf 'same answers (%s): ' "$c"
  benchkit compare "$work/check-$c.m" "$work/check-$c.g" "$work/check-$c.txt"
done
echo "geo answers by region over the $(wc -l <"$work/check-geo.txt") ECS subnets: Meridian $(benchkit geo-spread "$work/check-geo.m"); gdnsd $(benchkit geo-spread "$work/check-geo.g")"
echo

# --- rounds
run_one() { # run_one WORKLOAD SERVER PORT PID SECONDS RECORD(yes/no) ROUND
  local wl=$1 srv=$2 p=$3 pid=$4 secs=$5 record=$6 round=$7 data extra=() out kv
  case $wl in
    static) data=(-d "$work/static.txt") ;;
    geo) data=(-B -d "$work/geo.bin") ;;
  esac
  out="$work/out.$wl.$srv.$round"
  [ "$record" = yes ] && busy=$(other_cpu "$meridian_pid" "$gdnsd_pid")
  if [ -n "$qps" ]; then
    extra=(-Q "$qps")
    # shellcheck disable=SC2086
    stamped_dnsperf "$out" -s 127.0.0.1 -p "$p" "${data[@]}" -l "$secs" $DNSPERF_OPTS "${extra[@]}"
  else
    # shellcheck disable=SC2086
    dnsperf -s 127.0.0.1 -p "$p" "${data[@]}" -l "$secs" $DNSPERF_OPTS >"$out" 2>&1 || true
  fi
  [ "$record" = yes ] || return 0
  kv="$(benchkit dnsperf "$out") rss_mib=$(rss_mib "$pid") hwm_mib=$(hwm_mib "$pid") other_cpu=$busy"
  if [ -n "$qps" ]; then
    kv="$kv $(benchkit latency "$out" | tr ' ' '\n' | grep '^p99_ms=')"
  fi
  echo "$wl $round $srv $kv" >>"$work/results"
  if ! kill -0 "$pid" 2>/dev/null; then echo "$srv exited during the run" >&2; exit 1; fi
}

IFS=, read -r -a wls <<<"$workloads"
for wl in "${wls[@]}"; do
  run_one "$wl" Meridian "$mport" "$meridian_pid" "$warm" no 0
  run_one "$wl" gdnsd "$gport" "$gdnsd_pid" "$warm" no 0
done
: >"$work/results"
for r in $(seq "$rounds"); do
  for wl in "${wls[@]}"; do
    run_one "$wl" Meridian "$mport" "$meridian_pid" "$seconds" yes "$r"
    run_one "$wl" gdnsd "$gport" "$gdnsd_pid" "$seconds" yes "$r"
  done
done
benchkit table "$work/results"
echo "RSS after the last round: Meridian $(rss_mib "$meridian_pid") MiB (peak $(hwm_mib "$meridian_pid")), gdnsd $(rss_mib "$gdnsd_pid") MiB (peak $(hwm_mib "$gdnsd_pid")); load average $(cut -d' ' -f1-3 /proc/loadavg)"
