#!/usr/bin/env bash
# Query throughput: dnsperf against Meridian and NSD serving the same zone on loopback, one after
# the other, same query mix (bench/queries.txt), same duration. Needs dnsperf and nsd
# (apt-get install dnsperf nsd) and a built jar. Usage: bench/dns-bench.sh [SECONDS] [CLIENTS]
set -euo pipefail
# shellcheck source=scripts/nsd-lib.sh
. "$(dirname "$0")/../scripts/nsd-lib.sh"
cd "$(dirname "$0")/.."
seconds=${1:-20}; clients=${2:-4}
work=$(mktemp -d)
trap 'kill $(cat "$work/nsd.pid" 2>/dev/null) $mer 2>/dev/null || true; rm -rf "$work" 2>/dev/null || true' EXIT
mkdir -p "$work/zones"
cp src/test/resources/zones/example.org.zone "$work/zones/"
printf 'listen: [127.0.0.1:5401]\nzone_dir: zones\nadmin: {listen: "off"}\n' > "$work/meridian.yaml"
java -jar target/meridian.jar serve --config "$work/meridian.yaml" 2>"$work/meridian.log" &
mer=$!
nsd_start "$work" 5402 example.org
sleep 3
for target in "Meridian 5401" "NSD 5402"; do
  set -- $target
  # a short warm-up (the JIT), then the measured run
  dnsperf -s 127.0.0.1 -p "$2" -d bench/queries.txt -l 5 -c "$clients" >/dev/null 2>&1 || true
  printf '%s: ' "$1"
  dnsperf -s 127.0.0.1 -p "$2" -d bench/queries.txt -l "$seconds" -c "$clients" -q 1000 2>&1 |
    awk '/Queries per second/ {qps=$4} /Average Latency/ {lat=$4} /Queries lost/ {lost=$3" "$4}
         END {printf "%s queries/s, average latency %s s, lost %s\n", qps, lat, lost}'
done
