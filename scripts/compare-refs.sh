#!/usr/bin/env bash
# Differential test: the same zones served by NSD, Knot and Meridian on loopback, the same queries
# sent to all three with dig, and per query rcode, header flags and counts, question (case echo),
# EDNS (presence, version, udp size, flags, options) and every section compared, records sorted
# within a section (address RRsets rotate). Each query is reported as
#   same     all three answer alike
#   MUST     NSD and Knot agree and Meridian differs (a must-match failure; diff ref vs Meridian)
#   REFS     NSD and Knot disagree (all three shown; "mer=nsd"/"mer=knot"/"mer=none" says which
#            reference Meridian follows)
# Zones: src/test/resources/zones/*.zone and scripts/diff-zones/*.zone, served from one folder.
# Queries: scripts/compare-refs-queries.txt ("name type [dig options]"; a line starting with "*"
# is also sent with every option in FLAG_SETS below), plus every owner name of every zone (taken
# by AXFR from NSD) x QTYPES, a nonexistent name below each owner, and each empty non-terminal.
# Every query is "dig +norec +nocookie +ignore" (so TC answers are compared, not retried) unless
# its options say otherwise. Loopback only. Needs nsd, knotd, dig and target/meridian.jar.
# Usage: scripts/compare-refs.sh [QUERYFILE]   (env: NSD_PORT KNOT_PORT MERIDIAN_PORT, default
# 5300-5302; KEEP=DIR keeps every normalised answer in DIR; ONLY=REGEX runs matching lines only;
# EDE=1 compares Extended DNS Error options too: NSD sets them where Knot does not, so they are
# left out by default; AUTH_NS=strip drops, from all three answers, the NS RRset in the authority
# section of a positive authoritative answer and the A/AAAA of those name servers in the
# additional section, and the section counts (NSD adds them by default, Knot never), so that
# this one policy difference does not hide others)
set -euo pipefail
# shellcheck source=scripts/nsd-lib.sh
. "$(dirname "$0")/../scripts/nsd-lib.sh"
cd "$(dirname "$0")/.."
queries=${1:-scripts/compare-refs-queries.txt}
nsd_port=${NSD_PORT:-5300}
knot_port=${KNOT_PORT:-5301}
mer_port=${MERIDIAN_PORT:-5302}
QTYPES="A AAAA NS SOA MX TXT CNAME DNAME DS ANY SRV PTR NAPTR CAA TYPE65280"
FLAG_SETS=("+cd" "+dnssec" "+rec" "+adflag" "+zflag" "+bufsize=512" "+bufsize=1232"
  "+bufsize=4096" "+noedns" "+tcp" "+edns=1 +noednsneg" "+ednsflags=0x10" "+ednsopt=65001:abcd" "+nsid"
  "+cookie")
work=$(mktemp -d)
knot_pid=; mer_pid=
cleanup() {
  [[ -f "$work/nsd.pid" ]] && kill "$(cat "$work/nsd.pid")" 2>/dev/null
  [[ -n "$knot_pid" ]] && kill "$knot_pid" 2>/dev/null
  [[ -n "$mer_pid" ]] && kill "$mer_pid" 2>/dev/null
  wait 2>/dev/null
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/zones"
cp src/test/resources/zones/*.zone scripts/diff-zones/*.zone "$work/zones/"
zones=()
for f in "$work"/zones/*.zone; do zones+=("$(basename "$f" .zone)"); done
cat > "$work/meridian.yaml" <<CONF
listen: [127.0.0.1:$mer_port]
zone_dir: zones
admin: {allow: [], listen: "off"}
CONF
nsd_start "$work" "$nsd_port" "${zones[@]}"
knot_start "$work" "$knot_port" "${zones[@]}"
java -jar target/meridian.jar serve --config "$work/meridian.yaml" 2>"$work/meridian.log" &
mer_pid=$!
for port in "$nsd_port" "$knot_port" "$mer_port"; do
  for _ in $(seq 100); do
    [[ -n $(dig +short +norec +tries=1 +time=1 @127.0.0.1 -p "$port" example.org SOA 2>/dev/null) ]] &&
      break
    sleep 0.2
  done
done
sleep 1
# a zone a server refused to load is reported here, and its queries still compared
for port in "$nsd_port" "$knot_port" "$mer_port"; do
  for z in "${zones[@]}"; do
    [[ -n $(dig +short +norec +tries=1 +time=1 @127.0.0.1 -p "$port" "$z" SOA 2>/dev/null) ]] ||
      echo "NOTE: port $port does not serve $z (NSD $nsd_port, Knot $knot_port, Meridian $mer_port)"
  done
done

# header (opcode, status), flags line with counts, question, EDNS/OPT lines, then each record as
# "SECTION record", sorted; no answer at all is "NO ANSWER"
normalize() {
  awk -v ede="${EDE:-0}" '
    /->>HEADER<<-/ { sub(/, id: [0-9]+/, ""); print "0HEADER " $0; got = 1; next }
    /^;; flags:/   { print "0FLAGS " $0; next }
    /^;; OPT PSEUDOSECTION:/ { sec = "OPT"; next }
    /^;; [A-Z]+ SECTION:/ { sec = $2; next }
    /^;; (communications error|connection timed out|no servers)/ { next }
    /^;; (Warning|WARNING|ERROR|Got bad|Question section mismatch|.*malformed)/ { print "0WARN " $0; next }
    sec == "OPT" && /^; EDE:/ && !ede { next }
    sec == "OPT" && /^; / { print "1OPT " $0; next }
    sec == "QUESTION" && /^;/ { sub(/^;/, ""); gsub(/[ \t]+/, " "); print "2QUESTION " $0; next }
    /^;/ || /^$/   { next }
    { gsub(/[ \t]+/, " "); print "3" sec " " $0 }
    END { if (!got) print "0NO ANSWER" }
  ' | LC_ALL=C sort | sed 's/^[0-9]//'
}
# AUTH_NS=strip: see the top of the file; reads the normalised answer twice
strip_auth_ns() {
  awk 'NR == FNR {
         if ($1 == "HEADER" && /status: NOERROR/) ok = 1
         if ($1 == "FLAGS" && / aa[ ;]/) aa = 1
         if ($1 == "ANSWER") ans = 1
         if ($1 == "AUTHORITY" && $5 == "NS") ns[tolower($6)] = 1
         next }
       $1 == "FLAGS" { sub(/, AUTHORITY: [0-9]+, ADDITIONAL: [0-9]+/, "") }
       ok && aa && ans && $1 == "AUTHORITY" && $5 == "NS" { next }
       ok && aa && ans && $1 == "ADDITIONAL" && ($5 == "A" || $5 == "AAAA") && (tolower($2) in ns) { next }
       { print }' "$1" "$1"
}
ask() { # port name type opts...
  local port=$1 name=$2 type=$3
  shift 3
  dig +norec +nocookie +ignore +noall +comments +question +answer +authority +additional \
    +tries=1 +time=2 @127.0.0.1 -p "$port" "$name" "$type" "$@" 2>&1 | normalize
}

# the query list: the file, "*" lines once per flag set, then owners x qtypes, nx below, ENTs
{
  while read -r star name type opts; do
    [[ -z "$star" || "$star" == \#* ]] && continue
    if [[ "$star" == "*" ]]; then
      echo "$name $type $opts"
      for f in "${FLAG_SETS[@]}"; do echo "$name $type $opts $f"; done
    else
      echo "$star $name $type $opts"
    fi
  done < "$queries"
  for z in "${zones[@]}"; do
    dig +norec +nocookie +noall +answer +onesoa @127.0.0.1 -p "$nsd_port" "$z" AXFR |
      awk '{print $1}' | LC_ALL=C sort -u > "$work/owners"
    while read -r o; do
      for t in $QTYPES; do echo "$o $t"; done
      echo "nx-below.$o A"
    done < "$work/owners"
    # empty non-terminals: ancestors of owners, inside the zone, that own nothing themselves
    while read -r o; do
      n=$o
      while [[ "$n" == *.*.* && "$n" != "$z." ]]; do
        n=${n#*.}
        [[ "$n" == "$z." || "$n" != *"$z." ]] && break
        grep -qxF -- "$n" "$work/owners" || echo "$n"
      done
    done < "$work/owners" | LC_ALL=C sort -u | while read -r e; do echo "$e A"; echo "$e TXT"; done
  done
} | awk '{ $1 = $1 } !seen[$0]++' > "$work/query-list"

[[ -n "${KEEP:-}" ]] && mkdir -p "$KEEP"
same=0; must=0; refs=0; refs_nsd=0; refs_knot=0; refs_none=0; i=0
while read -r name type opts; do
  [[ -n "${ONLY:-}" && ! "$name $type $opts" =~ $ONLY ]] && continue
  i=$((i + 1))
  # shellcheck disable=SC2086
  ask "$nsd_port" "$name" "$type" $opts > "$work/n" &
  p1=$!
  # shellcheck disable=SC2086
  ask "$knot_port" "$name" "$type" $opts > "$work/k" &
  p2=$!
  # shellcheck disable=SC2086
  ask "$mer_port" "$name" "$type" $opts > "$work/m" &
  wait $p1 $p2 $!
  if [[ "${AUTH_NS:-}" == strip ]]; then
    for s in n k m; do strip_auth_ns "$work/$s" > "$work/$s.s"; mv "$work/$s.s" "$work/$s"; done
  fi
  if [[ -n "${KEEP:-}" ]]; then
    for s in n k m; do { echo "## $name $type $opts"; cat "$work/$s"; } >> "$KEEP/$s.txt"; done
  fi
  q="$name $type $opts"
  if cmp -s "$work/n" "$work/k"; then
    if cmp -s "$work/n" "$work/m"; then
      same=$((same + 1)); echo "same  $q"
    else
      must=$((must + 1)); echo "MUST  $q"
      diff "$work/n" "$work/m" | grep '^[<>]' | sed 's/^</      ref/; s/^>/      mer/' || true
    fi
  else
    refs=$((refs + 1))
    if cmp -s "$work/n" "$work/m"; then who=nsd; refs_nsd=$((refs_nsd + 1))
    elif cmp -s "$work/k" "$work/m"; then who=knot; refs_knot=$((refs_knot + 1))
    else who=none; refs_none=$((refs_none + 1)); fi
    echo "REFS  $q  (mer=$who)"
    for s in n k m; do
      case $s in n) l=nsd ;; k) l=knot ;; m) l=mer ;; esac
      sed "s/^/      $l  /" "$work/$s"
    done
  fi
done < "$work/query-list"
echo "compare-refs: $i queries: $same same as both, $must differ from both (must-match)," \
  "$refs references disagree (Meridian as NSD $refs_nsd, as Knot $refs_knot, as neither $refs_none)"
[[ $must -eq 0 ]]
