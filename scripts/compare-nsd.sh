#!/usr/bin/env bash
# Differential test: the same zone served by NSD and by Meridian, the same queries sent to both
# with dig, and rcode, flags, EDNS and every section compared (records sorted within a section).
# Loopback only. Needs nsd and dig (apt-get install nsd bind9-dnsutils) and target/meridian.jar.
# Usage: scripts/compare-nsd.sh [ZONEFILE] [QUERYFILE]
set -euo pipefail
# shellcheck source=scripts/nsd-lib.sh
. "$(dirname "$0")/../scripts/nsd-lib.sh"
cd "$(dirname "$0")/.."
zonefile=${1:-src/test/resources/zones/example.org.zone}
queries=${2:-scripts/compare-queries.txt}
zone=$(basename "$zonefile" .zone)
nsd_port=${NSD_PORT:-5300}
mer_port=${MERIDIAN_PORT:-5301}
work=$(mktemp -d)
trap 'kill $(cat "$work/nsd.pid" 2>/dev/null) $mer_pid 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/zones"
cp "$zonefile" "$work/zones/$zone.zone"
cat > "$work/meridian.yaml" <<CONF
listen: [127.0.0.1:$mer_port]
zone_dir: zones
admin: {listen: "off"}
CONF
nsd_start "$work" "$nsd_port" "$zone"
java -jar target/meridian.jar serve --config "$work/meridian.yaml" 2>"$work/meridian.log" &
mer_pid=$!
for _ in $(seq 50); do
  dig +short +tries=1 +time=1 @127.0.0.1 -p "$mer_port" "$zone" SOA >/dev/null 2>&1 &&
    dig +short +tries=1 +time=1 @127.0.0.1 -p "$nsd_port" "$zone" SOA >/dev/null 2>&1 && break
  sleep 0.2
done

# header (status, flags), EDNS line, then each record as "SECTION record", sorted per section
normalize() {
  awk '
    /->>HEADER<<-/ { sub(/, id: [0-9]+/, ""); print "HEADER " $0; next }
    /^;; flags:/   { print "FLAGS " $0; next }
    /^; EDNS:/     { print "EDNS " $0; next }
    /^;; [A-Z]+ SECTION:/ { sec = $2; next }
    /^;/ || /^$/   { next }
    { gsub(/[ \t]+/, " "); print sec " " $0 }
  ' | LC_ALL=C sort
}

pass=0; fail=0
while read -r name type opts; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  # shellcheck disable=SC2086
  a=$(dig +norec +nocookie +noall +comments +answer +authority +additional +tries=1 +time=2 \
      @127.0.0.1 -p "$nsd_port" "$name" "$type" $opts | normalize)
  # shellcheck disable=SC2086
  b=$(dig +norec +nocookie +noall +comments +answer +authority +additional +tries=1 +time=2 \
      @127.0.0.1 -p "$mer_port" "$name" "$type" $opts | normalize)
  status=$(grep -o 'status: [A-Z]*' <<<"$a" | head -1)
  flags=$(grep '^FLAGS' <<<"$a" | grep -o 'flags:[a-z ]*;' | head -1)
  if [[ "$a" == "$b" ]]; then
    pass=$((pass + 1)); printf 'same  %-32s %-6s %-10s %-14s %s\n' "$name" "$type" "$opts" "${status#status: }" "$flags"
  else
    fail=$((fail + 1)); printf 'DIFF  %-32s %-6s %s\n' "$name" "$type" "$opts"
    diff <(echo "$a") <(echo "$b") | sed 's/^/      /' || true
  fi
done < "$queries"
echo "compare-nsd: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
