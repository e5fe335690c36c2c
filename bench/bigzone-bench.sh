#!/usr/bin/env bash
# A zone of 1,000,000 A records (issue 9), Knot DNS 3.2 and Meridian side by side on loopback:
# 1. Load: each server started on its own (Knot, Meridian, Knot, ... ROUNDS times): seconds from
#    launching the process to the first correct answer for the zone's last name (kdig every 50 ms),
#    RSS then and 5 s later; "other %" is the share of all cores other work used in the second
#    before the start (above a few percent the figures are disturbed).
# 2. Reload under load: dnsperf at a fixed rate (random names of the zone); after SECONDS the
#    zone's serial is bumped (the new file, written beforehand under a name no server watches, is
#    renamed into place) and the server told to reload (Meridian: SIGHUP; Knot: knotc
#    zone-reload). The reload ends when the SOA answers the new serial (polled every 0.2 s); for
#    Meridian the kit then also waits for every reload its log shows started (see below) to end;
#    the run goes on SECONDS more, then dnsperf is interrupted. Latency percentiles come from
#    dnsperf -v per-query latencies stamped with their arrival time: before the reload, the
#    reload window (trigger to new serial + 1 s), until every reload is done, after that, the
#    whole run, and per second (p99/max in ms, seconds from the trigger; a second with no answer
#    at all shows as "-"). Peak RSS is sampled every 0.2 s. Meridian also notices the rename by itself (its file watcher, 500 ms
#    debounce) and reloads a second time (which parses the zone again): the log lines about
#    reloads are printed with their times from the trigger.
#
# Usage: bench/bigzone-bench.sh [-n RECORDS] [-r ROUNDS] [-j JAR] [-Q QPS] [-l SECONDS] [-p PORT]
#                               [-f] [-k] [-s load|reload]
#   -n records (1000000)  -r load rounds (3)  -j jar (target/meridian.jar)
#   -Q reload-phase rate (10000 q/s)  -l reload-phase seconds before and after the reload (10)
#   -p first of two loopback ports (5382: Meridian on it, Knot on the next)
#   -f Meridian's default responses (minimal_responses: false); without -f both answer minimally
#   -s only one phase (load or reload; reload still waits for each server to load)
#   -k keep the work directory
# Environment: Meridian starts as the README starts it, with bin/meridian (its bounded heap;
#   MERIDIAN_HEAP and MERIDIAN_JAVA_OPTS as bin/meridian documents them; the kit passes the jar as
#   MERIDIAN_JAR), or java $MERIDIAN_JAVA_OPTS -jar JAR when the checkout has no bin/meridian;
#   MERIDIAN_CMD replaces either (a command that execs java; "serve --config FILE" is appended).
#   MERIDIAN_HEAP defaults to 2g here (the README's figure for zones of millions of records).
#   DNSPERF_OPTS for the reload phase (default "-c 4 -q 30000": room for 3 s of queries in flight,
#   so that a stall shows as latency rather than as queries never sent; "sent" in the summary
#   below QPS x run time means dnsperf still had to hold back).
# Needs: java 17, knotd and knotc 3.2, dnsperf 2.10, kdig, python3, perl, bc.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/bench-lib.sh
. bench/bench-lib.sh

records=1000000 rounds=3 jar=target/meridian.jar qps=10000 seconds=10 port=5382 full=no keep=no
phases="load reload"
while getopts n:r:j:Q:l:p:s:fkh opt; do
  case $opt in
    n) records=$OPTARG ;; r) rounds=$OPTARG ;; j) jar=$OPTARG ;; Q) qps=$OPTARG ;;
    l) seconds=$OPTARG ;; p) port=$OPTARG ;; s) phases=$OPTARG ;; f) full=yes ;; k) keep=yes ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
need java knotd knotc dnsperf kdig python3 perl bc stdbuf
DNSPERF_OPTS=${DNSPERF_OPTS--c 4 -q 30000}
# bin/meridian's default heap (128m) is for ordinary zones; its README names 2g for millions of
# records.
export MERIDIAN_HEAP=${MERIDIAN_HEAP:-2g}
jar=$(realpath "$jar")
mport=$port kport=$((port + 1))
origin=big.example.
work=$(mktemp -d /tmp/bigzone-bench.XXXXXX)
cleanup() {
  stop_all
  if [ "$keep" = yes ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

busy=$(busy_note)
mkdir -p "$work/m/zones" "$work/k/zones" "$work/k/db" "$work/k/run"
benchkit bigzone "$origin" "$records" 2026112501 "$work/big.zone"
cp "$work/big.zone" "$work/m/zones/big.example.zone"
cp "$work/big.zone" "$work/k/zones/big.example.zone"
benchkit big-queries "$origin" "$records" 200000 "$work/queries.txt"
last=$(printf 'a%07d.%s' $((records - 1)) "$origin")
last_addr=$(python3 -c "i=$records-1; print(f'10.{(i>>16)&255}.{(i>>8)&255}.{i&255}')")

minimal=true
[ "$full" = yes ] && minimal=false
printf 'listen: [127.0.0.1:%s]\nzone_dir: zones\nminimal_responses: %s\nhealth: {state_file: meridian.state}\nadmin: {listen: "off"}\n' \
  "$mport" "$minimal" >"$work/m/meridian.yaml"
cat >"$work/k/knot.conf" <<EOF
server:
    rundir: "$work/k/run"
    listen: 127.0.0.1@$kport
log:
  - target: stderr
    any: info
database:
    storage: "$work/k/db"
control:
    listen: "$work/k/run/knot.sock"
template:
  - id: default
    storage: "$work/k/zones"
    zonefile-sync: -1
zone:
  - domain: $origin
    file: big.example.zone
EOF

start_knot() {
  knotd -c "$work/k/knot.conf" >>"$work/k/log" 2>&1 &
  knot_pid=$!
  started+=("$knot_pid")
}
# reloads_pending: Meridian reloads started since $t_reload (the SIGHUP, and one per "files
# changed" line) less those ended.
reloads_pending() {
  local log started done
  log=$(benchkit log-since "$work/m/log" "$t_reload" 'files changed|reload done|nothing changed|reload abandoned')
  started=$((1 + $(grep -c 'files changed' <<<"$log" || true)))
  # a reload ends in "reload done", or "nothing changed" (the watcher's second look at a file the
  # SIGHUP already loaded), or "reload abandoned"
  done=$(grep -cE 'reload done|nothing changed|reload abandoned' <<<"$log" || true)
  echo $((started - done))
}
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

echo "bigzone-bench $(date -u '+%F %T') UTC on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$busy" ] || echo "$busy"
echo "zone $origin: $records A records, $(du -m "$work/big.zone" | cut -f1) MB; knotd $(knotd -V | awk '{print $NF}'), Meridian $jar ($(stat -c %y "$jar" | cut -d. -f1)), kit checkout $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "Meridian: $(meridian_how), minimal_responses $minimal, port $mport; Knot port $kport"

# --- 1. load: time to the last name's answer, RSS
load_once() { # load_once SERVER ROUND: starts it, sets $pid; prints the row
  local srv=$1 r=$2 secs rss settled busy
  busy=$(other_cpu)
  t0=$(now)
  if [ "$srv" = Knot ]; then start_knot; pid=$knot_pid; else
    start_meridian "$jar" "$work/m/meridian.yaml" "$work/m/log"; pid=$meridian_pid; fi
  secs=$(wait_answer "$([ "$srv" = Knot ] && echo "$kport" || echo "$mport")" "$last" A "$last_addr" 300 "$pid") ||
    { tail -5 "$work/k/log" "$work/m/log"; exit 1; }
  rss=$(rss_mib "$pid")
  sleep 5
  settled=$(rss_mib "$pid")
  printf '%-6s %-9s %10s %12s %12s %12s %8s\n' "$r" "$srv" "$secs" "$rss" "$settled" "$(hwm_mib "$pid")" "$busy"
  [ "$srv$r" != Meridian1 ] || echo "       Meridian: $(meridian_how)"
  echo "$srv $secs $rss $settled" >>"$work/load.results"
}
if [[ $phases == *load* && $phases != reload ]]; then
  echo
  echo "Load ($rounds rounds, interleaved; RSS in MiB)"
  printf '%-6s %-9s %10s %12s %12s %12s %8s\n' round server "answer s" "RSS then" "RSS +5 s" "peak RSS" "other %"
  for r in $(seq "$rounds"); do
    for srv in Knot Meridian; do
      load_once "$srv" "$r"
      if [ "$r" -lt "$rounds" ] || [[ $phases != *reload* ]]; then stop_pid "$pid"; fi
    done
  done
  benchkit load-summary "$work/load.results"
fi

# --- 2. reload under load
if [[ $phases == *reload* ]]; then
  if [ -z "${knot_pid:-}" ] || ! kill -0 "$knot_pid" 2>/dev/null; then
    t0=$(now); start_knot; wait_answer "$kport" "$last" A "$last_addr" 300 "$knot_pid" >/dev/null
  fi
  if [ -z "${meridian_pid:-}" ] || ! kill -0 "$meridian_pid" 2>/dev/null; then
    t0=$(now); start_meridian "$jar" "$work/m/meridian.yaml" "$work/m/log"
    wait_answer "$mport" "$last" A "$last_addr" 300 "$meridian_pid" >/dev/null
  fi
  echo
  echo "Reload under load: dnsperf $DNSPERF_OPTS -Q $qps, the serial bumped after ${seconds}s, the run ended ${seconds}s after the new serial answers"
  serial=2026112502
  for srv in Knot Meridian; do
    if [ "$srv" = Knot ]; then p=$kport pid=$knot_pid zdir=$work/k/zones; else p=$mport pid=$meridian_pid zdir=$work/m/zones; fi
    # the new version, written before the run (a name the file watcher ignores)
    sed "s/ 2026112501 3600 600/ $serial 3600 600/" "$work/big.zone" >"$zdir/.big.tmp"
    out=$work/reload.$srv
    busy=$(other_cpu "$knot_pid" "$meridian_pid")
    # shellcheck disable=SC2086
    stamped_dnsperf_bg "$out" -s 127.0.0.1 -p "$p" -d "$work/queries.txt" -l 900 -Q "$qps" $DNSPERF_OPTS
    t_start=$(now)
    reloads_before=$(grep -c 'reload done' "$work/m/log" || true)
    sleep "$seconds"
    peak=$(rss_mib "$pid")
    mv "$zdir/.big.tmp" "$zdir/big.example.zone"
    t_reload=$(now)
    if [ "$srv" = Knot ]; then
      knotc -s "$work/k/run/knot.sock" zone-reload "$origin" >/dev/null
    else
      kill -HUP "$meridian_pid"
    fi
    t_done="" t_quiet="" t_end=""
    # every 0.2 s: RSS; the SOA until it has the new serial; then (Meridian) until every reload
    # started since the trigger (SIGHUP, and the file watcher's) has finished; then $seconds more
    while :; do
      r=$(rss_mib "$pid"); peak=$(echo "$r $peak" | awk '{print ($1 > $2) ? $1 : $2}')
      if [ -z "$t_done" ]; then
        if [ "$(kdig @127.0.0.1 -p "$p" +retry=0 +timeout=1 +short "$origin" SOA 2>/dev/null | awk '{print $3}')" = "$serial" ]; then
          t_done=$(now)
          [ "$srv" != Knot ] || t_quiet=$t_done t_end=$(echo "$t_done + $seconds" | bc)
        elif [ "$(echo "$(now) - $t_reload > 600" | bc)" = 1 ]; then
          echo "$srv: the new serial did not answer within 600 s" >&2; t_done=$(now)
        fi
      elif [ -z "$t_quiet" ]; then
        if [ "$srv" = Knot ] || [ "$(reloads_pending)" -le 0 ] ||
          [ "$(echo "$(now) - $t_reload > 600" | bc)" = 1 ]; then
          t_quiet=$(now) t_end=$(echo "$t_quiet + $seconds" | bc)
        fi
      elif [ "$(echo "$(now) > $t_end" | bc)" = 1 ]; then
        break
      fi
      kill -0 "$pid" 2>/dev/null || { echo "$srv exited during the reload run" >&2; exit 1; }
      sleep 0.2
    done
    kill -INT "$dnsperf_pid" 2>/dev/null || true
    wait "$dnsperf_pid" || true
    wait "$stamp_pid" || true
    echo "$srv: reload to serial $serial answered after $(echo "$t_done - $t_reload" | bc | awk '{printf "%.2f", $1}') s, every reload done after $(echo "$t_quiet - $t_reload" | bc | awk '{printf "%.2f", $1}') s; RSS peak (0.2 s samples) $peak MiB, now $(rss_mib "$pid") MiB; other work used $busy % of the cores in the second before the run"
    if [ "$srv" = Meridian ]; then
      echo "  Meridian reloads in the run: $(($(grep -c 'reload done' "$work/m/log" || true) - reloads_before)); its log from the trigger on:"
      benchkit log-since "$work/m/log" "$t_reload" 'reload|files changed|GC|WARN|SEVERE|ERROR' | sed 's/^/    /'

    fi
    printf '  %-22s %s\n' "before the reload:" "$(benchkit latency "$out" "$(echo "$t_start + 1" | bc)" "$t_reload")"
    printf '  %-22s %s\n' "reload window:" "$(benchkit latency "$out" "$t_reload" "$(echo "$t_done + 1" | bc)")"
    [ "$t_quiet" = "$t_done" ] || printf '  %-22s %s\n' "until reloads are done:" "$(benchkit latency "$out" "$(echo "$t_done + 1" | bc)" "$(echo "$t_quiet + 1" | bc)")"
    printf '  %-22s %s\n' "after the reloads:" "$(benchkit latency "$out" "$(echo "$t_quiet + 1" | bc)" "$t_end")"
    printf '  %-22s %s\n' "whole run:" "$(benchkit latency "$out")"
    printf '  %-22s %s\n' "dnsperf summary:" "$(benchkit dnsperf "$out")"
    printf '  %-22s %s\n' "p99/max ms per second:" "$(benchkit timeline "$out" "$t_reload")"
  done
fi
