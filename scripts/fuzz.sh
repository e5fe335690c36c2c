#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer (JUnit integration), one target at a time, for a set time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET]
#
# SECONDS: time per target (default 120). TARGET: packet, signed, zone, config or all (default).
#   packet  PacketFuzzTest#anyPacketGetsAParseableBoundedAnswer      (PacketProcessor.handle, UDP+TCP)
#   signed  PacketFuzzTest#signedPacketGetsAParseableBoundedAnswer   (the same, re-signed with TSIG)
#   zone    ZoneFileFuzzTest#anyZoneTextLoadsOrNamesFileAndLine     (ZoneFileLoader)
#   config  ConfigFuzzTest#anyYamlValidatesOrNamesFileAndLine       (ConfigLoader.parse)
#
# A finding (an exception, a hang, an unparseable or oversized response, an error that does not
# name file and line) stops that target; Jazzer writes the input as crash-<sha1> into the target's
# folder src/test/resources/dev/meridian/<package>/<Class>Inputs/<method>/, where every later
# `mvn verify` replays it as a regression test. KEEP_GOING=N (default 10) lets a target go on
# until N distinct findings (by stack trace) before it stops. Inputs that grew coverage are kept (not committed)
# in .cifuzz-corpus/ and seed the next run. Exit status: 0 when no target found anything.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-120}
which=${2:-all}
case "$seconds" in '' | *[!0-9]*) echo "SECONDS must be a number, got '$seconds'" >&2; exit 2 ;; esac

declare -A targets=(
  [packet]="dev.meridian.server.PacketFuzzTest#anyPacketGetsAParseableBoundedAnswer"
  [signed]="dev.meridian.server.PacketFuzzTest#signedPacketGetsAParseableBoundedAnswer"
  [zone]="dev.meridian.zone.ZoneFileFuzzTest#anyZoneTextLoadsOrNamesFileAndLine"
  [config]="dev.meridian.config.ConfigFuzzTest#anyYamlValidatesOrNamesFileAndLine"
)
if [ "$which" = all ]; then
  names=(packet signed zone config)
elif [ -n "${targets[$which]:-}" ]; then
  names=("$which")
else
  echo "unknown target '$which'; one of: packet signed zone config all" >&2
  exit 2
fi

mvn -B -q -DskipTests test-compile || exit 1
logs=target/fuzz
mkdir -p "$logs"
failed=()
for name in "${names[@]}"; do
  test=${targets[$name]}
  class=${test%#*}
  method=${test#*#}
  # findings go to the inputs folder when it exists (Jazzer's rule), else to the project root
  inputs="src/test/resources/$(dirname "${class//.//}")/${class##*.}Inputs/$method"
  mkdir -p "$inputs"
  before=$(ls "$inputs" | sort)
  echo "== $name: $test for ${seconds}s (log: $logs/$name.log)"
  JAZZER_FUZZ=1 mvn -B -q -o surefire:test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_duration="${seconds}s" -Djazzer.keep_going="${KEEP_GOING:-10}" \
    -Djazzer.instrumentation_includes='dev.meridian.**:org.xbill.DNS.**:com.fasterxml.jackson.**:org.yaml.snakeyaml.**' \
    >"$logs/$name.log" 2>&1
  status=$?
  grep -a -E '^#[0-9]+ *(DONE|pulse)|stat::|Done [0-9]+ runs' "$logs/$name.log" | tail -2
  new=$(comm -13 <(echo "$before") <(ls "$inputs" | sort) | grep -v '^$' || true)
  if [ "$status" -ne 0 ] || [ -n "$new" ]; then
    failed+=("$name")
    echo "!! $name: finding (exit $status)"
    grep -a -A12 -E '^== Java (Exception|Assertion)' "$logs/$name.log" | grep -v 'jazzer\.\|java\.base/java\.util\.stream' | head -60
    for f in $new; do echo "   reproducer: $inputs/$f"; done
  else
    echo "ok $name: no finding"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (reproducers are replayed by 'mvn verify' from now on)"
  exit 1
fi
echo "no findings"
