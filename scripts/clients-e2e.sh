#!/usr/bin/env bash
# Real clients against the shipped example (meridian.yaml, zones/example.com.zone, geo-data/),
# served from target/meridian.jar on loopback from copies in a temporary directory:
#  1. dig, kdig and nslookup ask every owner name and type in the zone file, every managed name
#     (A and AAAA), a wildcard, a CNAME chain, a referral, NODATA and NXDOMAIN, over UDP and TCP;
#     dig and kdig also with an EDNS Client Subnet from Europe, North America and Asia (nslookup
#     has no ECS option). Rcode, AA, the answer section (TTLs too, but not for nslookup, which
#     does not print them) and the echoed ECS scope are checked against expectations derived from
#     the zone file (scripts/zone-records.awk) and, for managed names, from the services and
#     regions of meridian.yaml (scripts/services.awk) and the region expected per subnet below.
#  2. Unbound as a real resolver in front of it, with the subnetcache module sending ECS: clients
#     of three continents get their region's answer through it, and a client from another /24
#     inside the scope Meridian returned is answered from Unbound's subnet cache; after Meridian's
#     answer for that network has changed (the region drained), such a client still gets the
#     cached answer, and a client outside the scope gets the new one.
# Every packet goes to 127.0.0.1. Prints one line per check that fails, a summary per name and
# finally "N passed, N failed"; exits 1 if any check failed, 77 if a tool is missing.
# Usage: scripts/clients-e2e.sh   (env MERIDIAN_PORT, default 5321; UNBOUND_PORT, default 5322)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
port=${MERIDIAN_PORT:-5321}
ub_port=${UNBOUND_PORT:-5322}
zone=example.com.

missing=()
for tool in java dig kdig nslookup unbound unbound-control; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "clients-e2e: missing ${missing[*]} (apt-get install bind9-dnsutils knot-dnsutils unbound)"
  exit 77
fi
if [[ ! -f target/meridian.jar ]]; then
  echo "clients-e2e: target/meridian.jar not found (mvn -B -q -DskipTests package)"
  exit 1
fi

work=$(mktemp -d)
mer_pid=""; ub_pid=""
cleanup() {
  [[ -n "$ub_pid" ]] && kill "$ub_pid" 2>/dev/null
  [[ -n "$mer_pid" ]] && kill "$mer_pid" 2>/dev/null
  [[ -n "$ub_pid" ]] && wait "$ub_pid" 2>/dev/null
  [[ -n "$mer_pid" ]] && wait "$mer_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -r zones geo-data "$work/"
sed -e "s/^  - 127\.0\.0\.1:1053$/  - 127.0.0.1:$port/" -e "s/^  listen: 127\.0\.0\.1:8053$/  listen: 127.0.0.1:0/" \
  meridian.yaml > "$work/meridian.yaml"
grep -q "127.0.0.1:$port" "$work/meridian.yaml" || { echo "clients-e2e: cannot set the port"; exit 1; }
awk -v origin=$zone -f scripts/zone-records.awk zones/example.com.zone > "$work/zone.txt"
awk -f scripts/services.awk meridian.yaml > "$work/services.txt"

java -jar target/meridian.jar serve --config "$work/meridian.yaml" 2>"$work/meridian.log" &
mer_pid=$!
for _ in $(seq 150); do
  dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" $zone SOA >/dev/null 2>&1 && break
  kill -0 "$mer_pid" 2>/dev/null || break
  sleep 0.2
done
if ! dig +short +tries=1 +time=1 @127.0.0.1 -p "$port" $zone SOA | grep -q .; then
  echo "clients-e2e: Meridian did not start:"; cat "$work/meridian.log"; exit 1
fi

pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# ---- expectations --------------------------------------------------------------------------
# The region a client is expected to get for geo and nearest, by ECS subnet ("" = no ECS: the
# source 127.0.0.1, which the database places nowhere, so nearest keeps the configuration order).
declare -A region_of=(
  [none]=us-east [81.2.69.0/24]=eu-west [24.48.0.0/24]=us-east [49.36.0.0/24]=ap-south)
subnets=(none 81.2.69.0/24 24.48.0.0/24 49.36.0.0/24)

rrs() { awk -v n="$1" -v t="$2" '$1 == n && $3 == t' "$work/zone.txt"; }
owner_exists() { awk -v n="$1" '$1 == n || substr($1, length($1) - length(n)) == "." n { f = 1 } END { exit !f }' "$work/zone.txt"; }
# the zone cut at or above NAME (an NS RRset below the apex), if any
cut_of() {
  awk -v n="$1" -v apex=$zone '$3 == "NS" && $1 != apex && (n == $1 || substr(n, length(n) - length($1)) == "." $1) { print $1; exit }' "$work/zone.txt"
}
family_of() { [[ "$1" == *:* ]] && echo AAAA || echo A; }

# Sets exp_status, exp_aa, exp_allowed (lines "OWNER TTL TYPE RDATA"), exp_count and exp_scope
# (none: no ECS expected; else the scopes allowed, separated by "|": 0, 24, or "wide" for the
# prefix of a database network, not 0) for NAME TYPE SUBNET.
expect() {
  local name=$1 type=$2 subnet=$3 hops=0 line policy tier ttl max regions eps pool region e
  exp_status=NOERROR; exp_aa=y; exp_allowed=""; exp_count=0
  exp_scope=$([[ $subnet == none ]] && echo none || echo 0)
  while ((hops++ < 16)); do
    if [[ -n "$(cut_of "$name")" ]]; then exp_aa=n; return; fi # a referral
    line=$(awk -v n="$name" '$1 == "service" && $2 == n' "$work/services.txt")
    if [[ -n "$line" && ($type == A || $type == AAAA) ]]; then
      read -r _ _ policy tier ttl max regions eps <<<"$line"
      regions=${regions#regions=}
      case $policy in
        geo | nearest) region=${region_of[$subnet]} ;;
        failover) region=${regions%%,*} ;;
        *) region="" ;;
      esac
      [[ -n "$region" ]] && eps=$(awk -v r="$region" -v t="$tier" '$1 == "tier" && $2 == r && $3 == t { $1 = $2 = $3 = ""; print }' "$work/services.txt")
      pool=""
      for e in $eps; do [[ $(family_of "$e") == "$type" ]] && pool+="$name $ttl $type $e"$'\n'; done
      if [[ -n "$pool" ]]; then
        local n; n=$(grep -c . <<<"$pool")
        exp_allowed+="$pool"; exp_count=$((exp_count + (n < max ? n : max)))
        if [[ $subnet != none ]]; then
          case $policy in geo | nearest) exp_scope=wide ;; sticky) exp_scope=24 ;; esac
        fi
        return
      fi
      # No endpoint of this family: the zone's records answer (static fallback). The answer is then
      # the same for every client, but the policy looked at the client first: a scope of 0 or the
      # policy's own scope are both correct (RFC 7871 7.2.1 allows a longer scope than needed).
      if [[ $subnet != none ]]; then
        case $policy in geo | nearest) exp_scope="0|wide" ;; sticky) exp_scope="0|24" ;; esac
      fi
    fi
    line=$(rrs "$name" "$type")
    if [[ -n "$line" ]]; then
      exp_allowed+="$line"$'\n'; exp_count=$((exp_count + $(grep -c . <<<"$line"))); return
    fi
    line=$(rrs "$name" CNAME)
    if [[ -n "$line" ]]; then
      exp_allowed+="$line"$'\n'; exp_count=$((exp_count + 1))
      name=${line##* }
      [[ "$name" == *".$zone" ]] || return # leaves the zone: the resolver follows it
      continue
    fi
    if owner_exists "$name"; then return; fi # NODATA
    # RFC 4592: the closest encloser's wildcard, if it has one
    local encloser=${name#*.}
    while [[ "$encloser" != "$zone" ]] && ! owner_exists "$encloser"; do encloser=${encloser#*.}; done
    line=$(rrs "*.$encloser" "$type")
    if owner_exists "*.$encloser"; then
      [[ -n "$line" ]] || return
      exp_allowed+="$(sed "s/^[^ ]*/$name/" <<<"$line")"$'\n'
      exp_count=$((exp_count + $(grep -c . <<<"$line"))); return
    fi
    exp_status=NXDOMAIN; return
  done
}

# ---- running the clients and reading their output ---------------------------------------------
# Each prints "STATUS s", "AA y|n", "ECS addr/source/scope" (if any), then "ANS OWNER TTL TYPE RDATA".
read_dig() { # dig and kdig
  awk '
    /->>HEADER<<-/ { match($0, /status: [A-Z]+/); print "STATUS " substr($0, RSTART + 8, RLENGTH - 8) }
    /^;; [Ff]lags:/ { f = $0; sub(/^;; [Ff]lags:/, "", f); sub(/;.*/, "", f); print "AA " (f ~ /(^| )aa( |$)/ ? "y" : "n") }
    /CLIENT-SUBNET:/ { print "ECS " $NF }
    /^;; ANSWER SECTION:/ { ans = 1; next }
    /^;; / || /^$/ { ans = 0 }
    /^;/ { next }
    ans { r = $5; for (i = 6; i <= NF; i++) r = r " " $i; print "ANS " tolower($1) " " $2 " " $4 " " r }
  '
}
read_nslookup() {
  awk '
    function dot(n) { return n ~ /\.$/ ? n : n "." }
    BEGIN { st = "NOERROR"; aa = "y" }
    /^Authoritative answers can be found from:/ { stop = 1 }
    stop { next }
    /no servers could be reached/ { st = "TIMEOUT" }
    /^\*\* server can.t find / { st = $NF }
    /^Non-authoritative answer:/ { aa = "n" }
    /^Name:/ { owner = dot($2); next }
    /^Address: / && owner != "" { print "ANS " owner " - " ($2 ~ /:/ ? "AAAA" : "A") " " $2; next }
    / has AAAA address / { print "ANS " dot($1) " - AAAA " $NF; next }
    /\tnameserver = / { print "ANS " dot($1) " - NS " $NF; next }
    /\tcanonical name = / { print "ANS " dot($1) " - CNAME " $NF; next }
    /\tmail exchanger = / { print "ANS " dot($1) " - MX " $(NF - 1) " " $NF; next }
    /\tservice = / { print "ANS " dot($1) " - SRV " $(NF - 3) " " $(NF - 2) " " $(NF - 1) " " $NF; next }
    /\ttext = / { s = $0; sub(/^[^\t]*\ttext = /, "", s); print "ANS " dot($1) " - TXT " s; next }
    /^[^ \t]+$/ && !/^Server:|^Address:/ { soa_owner = dot($1); next }
    /^\torigin = / { soa = dot($3) } /^\tmail addr = / { soa = soa " " dot($4) }
    /^\t(serial|refresh|retry|expire) = / { soa = soa " " $3 }
    /^\tminimum = / { print "ANS " soa_owner " - SOA " soa " " $3 }
    END { print "STATUS " st; print "AA " aa }
  '
}
query() { # TOOL TRANSPORT SUBNET NAME TYPE
  local tool=$1 tr=$2 subnet=$3 name=$4 type=$5 opts=()
  case $tool in
    dig)
      [[ $tr == tcp ]] && opts+=(+tcp)
      [[ $subnet != none ]] && opts+=("+subnet=$subnet")
      dig +norec +tries=1 +time=3 "${opts[@]}" @127.0.0.1 -p "$port" "$name" "$type" 2>&1 | read_dig ;;
    kdig)
      [[ $tr == tcp ]] && opts+=(+tcp)
      [[ $subnet != none ]] && opts+=("+subnet=$subnet")
      kdig +norec +retry=0 +timeout=3 "${opts[@]}" @127.0.0.1 -p "$port" "$name" "$type" 2>&1 | read_dig ;;
    nslookup)
      [[ $tr == tcp ]] && opts+=(-vc)
      nslookup -norecurse -timeout=3 -retry=1 "${opts[@]}" -port="$port" -type="$type" "$name" 127.0.0.1 2>&1 | read_nslookup ;;
  esac
}

# Compares one client's parsed output with the expectation set by expect().
check() { # TOOL TRANSPORT SUBNET NAME TYPE
  local tool=$1 tr=$2 subnet=$3 name=$4 type=$5 out status aa ecs answers allowed n line why=""
  out=$(query "$@")
  status=$(sed -n 's/^STATUS //p' <<<"$out" | head -1)
  aa=$(sed -n 's/^AA //p' <<<"$out" | head -1)
  ecs=$(sed -n 's/^ECS //p' <<<"$out" | head -1)
  answers=$(sed -n 's/^ANS //p' <<<"$out" | sort -u)
  allowed=$exp_allowed
  if [[ $tool == nslookup ]]; then
    allowed=$(awk 'NF { $2 = "-"; print }' <<<"$allowed")
  fi
  [[ "$status" == "$exp_status" ]] || why+=" status $status, expected $exp_status;"
  [[ "$aa" == "$exp_aa" ]] || why+=" aa=$aa, expected aa=$exp_aa;"
  n=$(grep -c . <<<"$answers")
  [[ $n -eq $exp_count ]] || why+=" $n answers, expected $exp_count;"
  while IFS= read -r line; do
    [[ -z "$line" ]] && continue
    grep -qxF -- "$line" <<<"$allowed" || why+=" unexpected answer '$line';"
  done <<<"$answers"
  if [[ $tool != nslookup ]]; then
    if [[ $exp_scope == none ]]; then
      [[ -z "$ecs" ]] || why+=" ECS $ecs in an answer to a query without one;"
    else
      local scope=${ecs##*/} s match=n
      for s in ${exp_scope//|/ }; do
        [[ $s == wide && "$scope" =~ ^[0-9]+$ && $scope -ne 0 ]] && match=y
        [[ $s == "$scope" ]] && match=y
      done
      [[ "$ecs" == "$subnet"/* && $match == y ]] ||
        why+=" ECS '$ecs', expected $subnet/<$exp_scope> (wide: the database network's prefix);"
    fi
  fi
  if [[ -z "$why" ]]; then ok; else
    bad "$tool $tr ${subnet/none/no-ECS} $name $type:$why"
    [[ -n "$answers" ]] && sed 's/^/       got: /' <<<"$answers"
    [[ -n "$allowed" ]] && sed 's/^/  expected: /' <<<"$allowed" | grep -v ': $'
  fi
}

# every owner and type in the zone, A and AAAA of every managed name, and some names not in it
{
  awk '{ print $1, $3 }' "$work/zone.txt"
  awk '$1 == "service" { print $2, "A"; print $2, "AAAA" }' "$work/services.txt"
  awk '$3 == "CNAME" { print $1, "A" }' "$work/zone.txt"
  printf '%s\n' "foo.apps.$zone A" "foo.apps.$zone TXT" "bar.baz.apps.$zone A" "x.lab.$zone A" \
    "nope.$zone A" "mail.$zone AAAA" "$zone AAAA" "apps.$zone A"
} | awk '!seen[$0]++' > "$work/queries.txt"

echo "clients-e2e: $(wc -l < "$work/queries.txt") names and types x dig, kdig, nslookup x UDP, TCP x ECS none, EU, NA, AS"
while read -r name type; do
  before=$fail
  for tool in dig kdig nslookup; do
    for tr in udp tcp; do
      for subnet in "${subnets[@]}"; do
        [[ $tool == nslookup && $subnet != none ]] && continue
        expect "$name" "$type" "$subnet"
        check "$tool" "$tr" "$subnet" "$name" "$type"
      done
    done
  done
  expect "$name" "$type" none
  printf '%-4s %-28s %-5s %-8s %s answer(s)\n' "$([[ $fail -eq $before ]] && echo ok || echo FAIL)" \
    "$name" "$type" "$exp_status" "$exp_count"
done < "$work/queries.txt"

# ---- Unbound in front: ECS from clients of three continents, and its subnet cache -----------------
cat > "$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$ub_port
  outgoing-interface: 127.0.0.1
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  logfile: "$work/unbound.log"
  use-syslog: no
  verbosity: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "subnetcache iterator"
  send-client-subnet: 127.0.0.1
  client-subnet-always-forward: yes
  max-client-subnet-ipv4: 24
  qname-minimisation: no
  target-fetch-policy: "0 0 0 0 0"
  harden-referral-path: no
  prefetch: no
  statistics-cumulative: yes
  extended-statistics: yes
stub-zone:
  name: "example.com"
  stub-addr: 127.0.0.1@$port
# everything else also goes to Meridian (which refuses it): nothing leaves loopback
stub-zone:
  name: "."
  stub-addr: 127.0.0.1@$port
remote-control:
  control-enable: yes
  control-interface: "$work/unbound.ctl"
  control-use-cert: no
CONF
unbound -d -c "$work/unbound.conf" 2>"$work/unbound.err" &
ub_pid=$!
for _ in $(seq 50); do
  unbound-control -c "$work/unbound.conf" status >/dev/null 2>&1 && break
  kill -0 "$ub_pid" 2>/dev/null || break
  sleep 0.2
done
if ! unbound-control -c "$work/unbound.conf" status >/dev/null 2>&1; then
  echo "clients-e2e: Unbound did not start:"; cat "$work/unbound.err" "$work/unbound.log" 2>/dev/null
  bad "unbound start"; echo "$pass passed, $fail failed"; exit 1
fi
stat() { unbound-control -c "$work/unbound.conf" stats_noreset | sed -n "s/^$1=//p"; }
via_unbound() { # SUBNET -> "ECS ADDRESS..." (addresses sorted) for www
  local out
  out=$(dig +tries=1 +time=5 "+subnet=$1" @127.0.0.1 -p "$ub_port" "www.$zone" A)
  echo "$(awk '/CLIENT-SUBNET:/ { print $NF }' <<<"$out")" \
    "$(awk '/^www\./ && $4 == "A" { print $5 }' <<<"$out" | sort | paste -sd' ')"
}
region_addresses() { # REGION -> its l7 IPv4 endpoints, sorted, space-separated
  awk -v r="$1" '$1 == "tier" && $2 == r && $3 == "l7" { for (i = 4; i <= NF; i++) if ($i !~ /:/) print $i }' \
    "$work/services.txt" | sort | paste -sd' '
}

echo "unbound: www.$zone through Unbound (127.0.0.1 port $ub_port, subnetcache) from three continents"
declare -A scope_of
for subnet in 81.2.69.0/24 24.48.0.0/24 49.36.0.0/24; do
  got=$(via_unbound "$subnet"); want=$(region_addresses "${region_of[$subnet]}")
  ecs=${got%% *}; scope_of[$subnet]=${ecs##*/}
  if [[ "${got#* }" == "$want" && "$ecs" == "$subnet"/* ]]; then
    ok; echo "ok   $subnet -> ${region_of[$subnet]} ($want), ECS $ecs"
  else bad "unbound $subnet: got '$got', expected ${region_of[$subnet]} ($want) with ECS $subnet/scope"; fi
done

# Another /24 inside the scope Meridian gave 81.2.69.0/24 (81.2.64.0/18 in the shipped database):
# Unbound must answer from its subnet cache, without asking Meridian.
scope=${scope_of[81.2.69.0/24]}
if [[ "$scope" =~ ^[0-9]+$ && $scope -ge 8 && $scope -le 23 ]]; then
  # the highest /24 inside the scope's network: a different /24 from the first client's
  IFS=. read -r o1 o2 o3 _ <<<"81.2.69.0"
  addr=$(( (o1 << 24 | o2 << 16 | o3 << 8) | ((1 << (32 - scope)) - 256) ))
  inside="$((addr >> 24 & 255)).$((addr >> 16 & 255)).$((addr >> 8 & 255)).0/24"
  hits=$(stat num.query.subnet_cache)
  got=$(via_unbound "$inside"); want=$(region_addresses eu-west)
  hits2=$(stat num.query.subnet_cache)
  if [[ "${got#* }" == "$want" && $hits2 -eq $((hits + 1)) ]]; then
    ok; echo "ok   $inside (inside 81.2.69.0/24's scope /$scope) -> eu-west from Unbound's cache (num.query.subnet_cache $hits -> $hits2)"
  else bad "unbound $inside: got '$got', num.query.subnet_cache $hits -> $hits2; expected eu-west ($want) from the cache"; fi

  # Drain eu-west: Meridian now sends Europe to us-east. A client inside the cached scope still gets
  # eu-west (the cache answered; Meridian would have said us-east); one outside it gets us-east.
  java -jar target/meridian.jar health drain --region eu-west --config "$work/meridian.yaml" >/dev/null
  us=$(region_addresses us-east); direct=""
  for _ in $(seq 50); do
    direct=$(dig +short +tries=1 +time=2 +subnet=81.2.69.0/24 @127.0.0.1 -p "$port" "www.$zone" A | sort | paste -sd' ')
    [[ "$direct" == "$us" ]] && break
    sleep 0.2
  done
  inside2="$((addr >> 24 & 255)).$((addr >> 16 & 255)).$(((addr >> 8 & 255) - 1)).0/24"
  got=$(via_unbound "$inside2")
  if [[ "$direct" == "$us" && "${got#* }" == "$want" ]]; then
    ok; echo "ok   eu-west drained, Meridian now answers 81.2.69.0/24 with us-east; $inside2 through Unbound still gets eu-west (cached)"
  else bad "unbound after drain: Meridian direct '$direct' (expected $us), $inside2 via Unbound '$got' (expected cached eu-west $want)"; fi
  outside="81.2.$(( (o3 + (1 << (24 - scope))) & 255 )).0/24"
  [[ $(( (o3 + (1 << (24 - scope))) )) -le 255 ]] || outside="81.1.0.0/24"
  got=$(via_unbound "$outside")
  direct=$(dig +short +tries=1 +time=2 "+subnet=$outside" @127.0.0.1 -p "$port" "www.$zone" A | sort | paste -sd' ')
  if [[ "${got#* }" == "$direct" && "${got#* }" != "$want" ]]; then
    ok; echo "ok   $outside (outside the cached scope) through Unbound: Meridian's current answer ($direct)"
  else bad "unbound $outside: got '$got', expected Meridian's current answer '$direct', not the cached eu-west"; fi
else
  bad "unbound: Meridian's scope for 81.2.69.0/24 was '$scope', expected a prefix from /8 to /23"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
