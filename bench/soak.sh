#!/usr/bin/env bash
# Soak: the shipped example plus two health-checked services under a fixed query rate, while their
# backends flap and the zone is reloaded every 10 s. Reports queries sent/completed/lost, response
# codes, latency (average, min, max, p50/p90/p99/p99.9, from dnsperf -v's per-query latencies), the
# heap after GC (from the GC log, per 10 s, and the live heap after a full GC before and after the
# run), RSS, health changes and reloads seen in the server's log.
#
# The load is two dnsperf processes: 3/4 of QPS without ECS (static, CNAME, wildcard, NXDOMAIN,
# referral and managed names) and 1/4 with an ECS option for 81.2.69.0/24 (dnsperf's -E sends one
# option on every query). The backends are `meridian backends` HTTP listeners on loopback: app.example.com
# (round-robin, HTTP checks) on 127.0.0.2-4 port BACKEND_PORT, tcp.example.com (failover between
# two pools, TCP checks) on 127.0.0.5-6 port BACKEND_PORT+1; every FLAP seconds one of
# 127.0.0.3, 127.0.0.4, 127.0.0.5 is stopped or started again, in turn. Loopback only.
# Needs dnsperf, jcmd and a built jar. Usage: bench/soak.sh [SECONDS, 300] [QPS, 20000]
# (env SOAK_PORT, default 5324; BACKEND_PORT, default 5325; FLAP, default 3; JAVA_OPTS)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}; qps=${2:-20000}
port=${SOAK_PORT:-5324}; bport=${BACKEND_PORT:-5325}; flap=${FLAP:-3}
java_opts=${JAVA_OPTS:-}
for tool in java jcmd dnsperf dig; do
  command -v "$tool" >/dev/null || { echo "soak: $tool not found"; exit 77; }
done
[[ -f target/meridian.jar ]] || { echo "soak: target/meridian.jar not found (mvn -B -q -DskipTests package)"; exit 1; }

work=$(mktemp -d)
mer=""; perf=(); flapper=""; reloader=""; sampler=""
stop_all() {
  set +e # stop everything, whatever fails (a backend may be gone already)
  local p f
  for p in $flapper $reloader $sampler "${perf[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in $flapper $reloader $sampler "${perf[@]}"; do wait "$p" 2>/dev/null || true; done
  # each running backend has its PID in $work/backend.ADDRESS:PORT.pid (see backend_start)
  for f in "$work"/backend.*.pid; do [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null; done
  [[ -n "$mer" ]] && kill "$mer" 2>/dev/null && wait "$mer" 2>/dev/null
  if [[ -n "${SOAK_KEEP:-}" ]]; then echo "soak: files kept in $work"; else rm -rf "$work"; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# ---- configuration: copies of the example, plus the health-checked services ------------------------
# The server's files live in $work/srv, apart from the logs and PID files this script writes often:
# the server's file watcher waits for quiet in the configuration's directory before it reloads.
srv=$work/srv
mkdir -p "$srv"
cp -r zones geo-data "$srv/"
cat >> "$srv/zones/example.com.zone" <<'ZONE'

; soak.sh: health-checked services (static fallback) and a record each reload changes
tcp     10  IN A    127.0.0.5
soak        IN TXT  "generation 0"
ZONE
sed -e "s/^  - 127\.0\.0\.1:1053$/  - 127.0.0.1:$port/" -e "s/^  state_file: .*/  state_file: soak.state/" \
  -e "s/^  listen: 127\.0\.0\.1:8053$/  listen: 127.0.0.1:0/" \
  meridian.yaml > "$srv/meridian.yaml"
cat >> "$srv/meridian.yaml" <<CONF
  app.example.com:
    policy: round-robin
    ttl: 10
    degraded_ttl: 2
    check: {type: http, port: $bport, path: /health, interval: 1s, timeout: 500ms, fall: 2, rise: 3}
    endpoints: [127.0.0.2, 127.0.0.3, 127.0.0.4]
  tcp.example.com:
    policy: failover
    ttl: 10
    check: {type: tcp, port: $((bport + 1)), interval: 1s, timeout: 500ms, fall: 1, rise: 2}
    pools: [[127.0.0.5], [127.0.0.6]]
CONF
java -jar target/meridian.jar check --config "$srv/meridian.yaml" >/dev/null

{
  for n in example.com/SOA example.com/MX www.example.com/A www.example.com/AAAA rr.example.com/A \
    game.example.com/A weighted.example.com/A sticky.example.com/A failover.example.com/A \
    app.example.com/A tcp.example.com/A docs.example.com/A foo.apps.example.com/TXT \
    x.lab.example.com/A nope.example.com/A _sip._udp.example.com/SRV soak.example.com/TXT; do
    echo "${n%/*} ${n#*/}"
  done
} > "$work/queries.txt"

backend_start() { # ADDRESS:PORT; its PID goes to $work/backend.ADDRESS:PORT.pid
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m -jar target/meridian.jar backends "$1" \
    >/dev/null 2>&1 &
  echo $! > "$work/backend.$1.pid"
}
backend_stop() { # ADDRESS:PORT
  kill "$(cat "$work/backend.$1.pid")" 2>/dev/null
  wait "$(cat "$work/backend.$1.pid")" 2>/dev/null
  rm -f "$work/backend.$1.pid"
}
for b in 127.0.0.2:$bport 127.0.0.3:$bport 127.0.0.4:$bport 127.0.0.5:$((bport + 1)) 127.0.0.6:$((bport + 1)); do
  backend_start "$b"
done

# shellcheck disable=SC2086
java $java_opts -Xlog:gc:file="$work/gc.log":uptime -jar target/meridian.jar serve --config "$srv/meridian.yaml" \
  2>"$work/meridian.log" &
mer=$!
for _ in $(seq 100); do
  dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" example.com SOA >/dev/null 2>&1 && break
  sleep 0.2
done
# all backends up before the clock starts
for _ in $(seq 100); do
  [[ $(dig +short @127.0.0.1 -p "$port" app.example.com | wc -l) -eq 3 ]] && break
  sleep 0.2
done

# warm-up (the JIT), then the live heap after a full GC as the baseline
dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l 10 -Q "$qps" -c 4 -T 1 >/dev/null 2>&1 || true
live_heap() { # after a full GC, in KB
  jcmd "$mer" GC.run >/dev/null
  jcmd "$mer" GC.heap_info | awk '/garbage-first heap|def new generation|PSYoungGen|heap/ && /used/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v; exit } }'
}
load_before=$(cut -d' ' -f1 /proc/loadavg)
heap_before=$(live_heap)
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$mer/status"; }
rss_before=$(rss)
udp_drops() { awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp; } # RcvbufErrors
drops_before=$(udp_drops)
gc_start=$(awk -F'[][]' 'END { sub(/s$/, "", $2); print $2 }' "$work/gc.log")

# ---- the run ------------------------------------------------------------------------------------
latencies() { # dnsperf -v output -> "L BUCKET_10US COUNT", "R RCODE COUNT", "S N SUM MIN MAX"
  awk '$1 == ">" { r[$2]++; if ($NF ~ /^[0-9.]+$/) { v = $NF + 0; c[int(v * 100000)]++; n++; sum += v
                   if (n == 1 || v < min) min = v; if (v > max) max = v } }
       END { for (k in c) print "L", k, c[k]; for (k in r) print "R", k, r[k]; print "S", n, sum, min, max }' "$@"
}
plain=$((qps * 3 / 4)); ecs=$((qps - plain))
# -v: one line per answer with its latency, to a file (a pipe to a slow reader would stall dnsperf)
dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$seconds" -Q "$plain" -c 4 -T 1 -q 1000 -b 4096 -v \
  >"$work/perf1.out" 2>"$work/perf1.err" &
perf+=($!)
# ECS: family 1, source /24, scope 0, 81.2.69 (RFC 7871 section 6)
dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$seconds" -Q "$ecs" -c 2 -T 1 -q 1000 -b 4096 -v \
  -E 8:00011800510245 >"$work/perf2.out" 2>"$work/perf2.err" &
perf+=($!)

( # flap one backend every $flap s: 127.0.0.3 (HTTP), 127.0.0.4 (HTTP), 127.0.0.5 (TCP), in turn
  set +e
  trap 'exit 0' TERM
  targets=(127.0.0.3:$bport 127.0.0.4:$bport 127.0.0.5:$((bport + 1)))
  i=0
  while :; do
    sleep "$flap"
    t=${targets[$((i % 3))]}; i=$((i + 1))
    if [[ -f "$work/backend.$t.pid" ]]; then
      backend_stop "$t"; echo "$(date +%s) stop $t"
    else
      backend_start "$t"; echo "$(date +%s) start $t"
    fi
  done
) >"$work/flaps.log" &
flapper=$!

( # every 10 s: a new serial and a changed TXT record, written aside and renamed in
  set +e
  trap 'exit 0' TERM
  serial=2026112401; g=0
  while :; do
    sleep 10
    serial=$((serial + 1)); g=$((g + 1))
    sed -e "s/^\( *\)[0-9]\{10\} ; serial/\1$serial ; serial/" -e "s/\"generation [0-9]*\"/\"generation $g\"/" \
      "$srv/zones/example.com.zone" > "$work/zone.tmp"
    mv "$work/zone.tmp" "$srv/zones/example.com.zone"
    echo "$(date +%s) serial $serial"
  done
) >"$work/reloads.log" &
reloader=$!

( # every 10 s: RSS in KB
  set +e
  trap 'exit 0' TERM
  while :; do sleep 10; echo "$(date +%s) $(awk '/^VmRSS/ { print $2 }' "/proc/$mer/status")"; done
) >"$work/rss.log" &
sampler=$!

wait "${perf[0]}" "${perf[1]}" || true
perf=()
kill "$flapper" "$reloader" "$sampler" 2>/dev/null || true
wait "$flapper" "$reloader" "$sampler" 2>/dev/null || true
flapper=""; reloader=""; sampler=""
last_serial=$(dig +short @127.0.0.1 -p "$port" example.com SOA | awk '{ print $3 }')
written_serial=$(awk 'END { print $3 }' "$work/reloads.log")
load_after=$(cut -d' ' -f1 /proc/loadavg)
heap_after=$(live_heap)
rss_after=$(rss)
drops_after=$(udp_drops)

# ---- report -----------------------------------------------------------------------------------
echo "soak: $seconds s at $qps queries/s ($plain without ECS + $ecs with ECS 81.2.69.0/24) against 127.0.0.1:$port"
lost=$(grep -h "Queries lost:" "$work/perf1.out" "$work/perf2.out" | awk '{ l += $3 } END { print l + 0 }')
odd_rcodes=$(latencies "$work/perf1.out" "$work/perf2.out" | awk '$1 == "R" && $2 != "NOERROR" && $2 != "NXDOMAIN" { n += $3 } END { print n + 0 }')
grep -h "Queries" "$work/perf1.out" "$work/perf2.out" | awk '
  /Queries sent:/ { s += $3 } /Queries completed:/ { c += $3 } /Queries lost:/ { l += $3 }
  /Queries interrupted:/ { i += $3 }
  END { printf "queries: sent %d, completed %d, lost %d (%.4f%%), interrupted %d\n", s, c, l, (s ? 100 * l / s : 0), i }'
server_drops=$(awk -v a="$(printf '0100007F:%04X' "$port")" '$2 == a { d += $NF } END { print d + 0 }' /proc/net/udp)
echo "UDP receive buffer overflows during the run: $((drops_after - drops_before)) on this host (/proc/net/snmp RcvbufErrors), of which $server_drops at the server's sockets (/proc/net/udp drops)"
for f in perf1 perf2; do grep -h "Queries per second" "$work/$f.out" | sed "s/^ */$f: /"; done
latencies "$work/perf1.out" "$work/perf2.out" | awk '
  $1 == "R" { r[$2] += $3; next }
  $1 == "S" { n += $2; sum += $3; if (lo == "" || $4 < lo) lo = $4; if ($5 > hi) hi = $5; next }
  $1 == "L" { c[$2] += $3; if (max == "" || $2 > max) max = $2; if (min == "" || $2 < min) min = $2 }
  END {
    line = "response codes:"
    for (k in r) line = line " " k " " r[k]
    print line
    split("50 90 99 99.9", q, " "); j = 1; acc = 0
    for (b = min; b <= max && j <= 4; b++) {
      if (!(b in c)) continue
      acc += c[b]
      while (j <= 4 && acc >= n * q[j] / 100) { p[j] = b; j++ }
    }
    # buckets are 10 us wide: a bucket is reported by its upper edge
    printf "latency (%d answers): avg %.3f ms, min %.3f ms, max %.3f ms; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (upper edges of 10 us buckets)\n",
      n, sum * 1000 / n, lo * 1000, hi * 1000, (p[1] + 1) / 100, (p[2] + 1) / 100, (p[3] + 1) / 100, (p[4] + 1) / 100
  }'
# heap after each GC during the run, in 10 s windows (the lowest value in each window)
awk -F'[][]' -v t0="$gc_start" -v len="$seconds" '
  /Pause/ && /->/ {
    t = $2; sub(/s$/, "", t); t -= t0
    if (t < 0 || t > len) next
    m = $0; sub(/^.*->/, "", m); sub(/\(.*$/, "", m)
    v = m + 0; if (m ~ /K$/) v /= 1024; if (m ~ /G$/) v *= 1024
    w = int(t / 10); if (!(w in lo) || v < lo[w]) lo[w] = v; if (w > last) last = w; gcs++
  }
  END {
    if (gcs == 0) { print "heap after GC: no collection during the run"; exit }
    k = 0; for (w = 0; w <= last; w++) if (w in lo) vals[++k] = lo[w]
    third = int(k / 3); if (third < 1) third = 1
    for (i = 1; i <= third; i++) a += vals[i]
    for (i = k - third + 1; i <= k; i++) b += vals[i]
    a /= third; b /= third
    s = ""; for (i = 1; i <= k; i++) s = s sprintf(" %.1f", vals[i])
    printf "heap after GC (MB, lowest per 10 s window, %d collections):%s\n", gcs, s
    printf "heap trend: first third avg %.1f MB, last third avg %.1f MB (%+.1f%%)\n", a, b, (b - a) * 100 / a
  }' "$work/gc.log"
printf 'live heap after a full GC: before the run %.1f MB, after it %.1f MB\n' \
  "$(awk -v k="$heap_before" 'BEGIN { print k / 1024 }')" "$(awk -v k="$heap_after" 'BEGIN { print k / 1024 }')"
awk -v b="$rss_before" -v a="$rss_after" '{ if ($2 > m) m = $2 }
  END { printf "RSS: %.0f MB before the run, %.0f MB after it, %.0f MB at most (10 s samples)\n", b / 1024, a / 1024, m / 1024 }' "$work/rss.log"
echo "backend flaps: $(grep -c . "$work/flaps.log"); health changes logged: $(grep -c 'INFO health: .* \(up\|down\):' "$work/meridian.log") ($(grep -c ' down:' "$work/meridian.log") down, $(grep -c ' up:' "$work/meridian.log") up)"
written=$(grep -c . "$work/reloads.log" || true); applied=$(grep -c 'reload: zone example.com' "$work/meridian.log" || true)
echo "zone reloads: $written written, $applied applied; serial served at the end $last_serial (last written $written_serial)"
echo "host: $(nproc) cores; load average (1 min) $load_before before the run, $load_after at its end (other work on the host shares the cores)"
problems=$(grep -c 'SEVERE\|WARNING' "$work/meridian.log" || true)
echo "server log: $problems SEVERE/WARNING lines$( [[ $problems -gt 0 ]] && { echo ':'; grep 'SEVERE\|WARNING' "$work/meridian.log" | sort | uniq -c | sort -rn | head -5; } )"
# verdict: no query lost, every answer NOERROR or NXDOMAIN (the query mix has no other), every
# reload applied, and the live heap after a full GC not grown by more than 25% + 1 MB
verdict=()
[[ $lost -eq 0 ]] || verdict+=("$lost queries lost")
[[ $odd_rcodes -eq 0 ]] || verdict+=("$odd_rcodes answers neither NOERROR nor NXDOMAIN")
[[ $written -eq $applied && "$last_serial" == "${written_serial:-2026112401}" ]] || verdict+=("reloads missed")
awk -v b="$heap_before" -v a="$heap_after" 'BEGIN { exit !(a <= b * 1.25 + 1024) }' || verdict+=("live heap grew")
if [[ ${#verdict[@]} -eq 0 ]]; then echo "soak: PASS"; else echo "soak: FAIL (${verdict[*]})"; exit 1; fi
