#!/usr/bin/env bash
# Health-check scale benchmark: N endpoints (default 10,000) probed by TCP connect every INTERVAL ms
# (default 5000) for SECONDS (default 60), against a fleet of N local listeners run in a second JVM
# so that the CPU figure is the checker's alone. Loopback only. Prints probe counts, scheduling lag
# (p50/p99/max) and CPU use.
# Usage: bench/health-bench.sh [N] [INTERVAL_MS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}; interval=${2:-5000}; seconds=${3:-60}
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench-cp.txt)"
ports=$(mktemp)
java -cp "$cp" dev.meridian.health.HealthBench listeners "$n" "$ports" &
listeners=$!
trap 'kill $listeners 2>/dev/null; rm -f "$ports"' EXIT
while [ "$(wc -l < "$ports")" -lt "$n" ]; do sleep 0.2; done
java -cp "$cp" dev.meridian.health.HealthBench check "$ports" "$interval" "$seconds"
