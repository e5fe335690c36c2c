#!/usr/bin/env bash
# ECS scope comparison: gdnsd's geoip plugin and Meridian on the same database and the same rules
# (continents to region lists, the default list for everything else), asked the same ECS queries
# with dig +subnet: a few hundred random IPv4 /24s and IPv6 /48s, the issue's examples and the
# IPv4-in-IPv6 forms. Reports the region each gives and Meridian's scope against gdnsd's (narrower,
# equal, wider); fails when the regions differ or Meridian's scope is ever narrower.
# With --unbound it then puts each server behind its own Unbound (subnetcache) and a counting UDP
# proxy, sends the same client /24s through Unbound with +subnet, and counts the queries that
# reach each authoritative server.
# Loopback only (ports 5340-5349 by default). Needs gdnsd, dig, python3 (and unbound for
# --unbound) and target/meridian.jar (mvn -B -q package -DskipTests).
# Usage: scripts/compare-gdnsd-ecs.sh [--unbound] [SEED] [COUNT]
#   (UNBOUND_CLIENTS=uniform for clients spread over all of IPv4; VERBOSE=1 prints every row)
set -euo pipefail
cd "$(dirname "$0")/.."
unbound=0
if [[ "${1:-}" == "--unbound" ]]; then unbound=1; shift; fi
seed=${1:-7871}
count=${2:-300}
base=${ECS_BASE_PORT:-5340}
g_port=$base; m_port=$((base + 1)); g_proxy=$((base + 2)); m_proxy=$((base + 3))
g_unbound=$((base + 4)); m_unbound=$((base + 5))
db=$(pwd)/geo-data/meridian-country.mmdb
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- the same rules for both: meridian.yaml's continents, default = the datacenter order ---------
mkdir -p "$work/g/zones" "$work/g/run" "$work/g/state" "$work/m/zones"
cat > "$work/g/config" <<CONF
options => {
  listen => [ 127.0.0.1:$g_port ]
  run_dir => $work/g/run
  state_dir => $work/g/state
}
plugins => { geoip => {
  maps => { m => {
    geoip2_db => $db
    datacenters => [us-east, eu-west, ap-south]
    map => {
      EU => [eu-west, us-east, ap-south]
      AF => [eu-west, ap-south, us-east]
      NA => [us-east, eu-west, ap-south]
      SA => [us-east, eu-west, ap-south]
      AS => [ap-south, eu-west, us-east]
      OC => [ap-south, us-east, eu-west]
    }
  } }
  resources => { www => {
    map => m
    dcmap => {
      us-east => [192.0.2.20, 192.0.2.21]
      eu-west => [198.51.100.20, 198.51.100.21]
      ap-south => [203.0.113.20, 203.0.113.21]
    }
  } }
} }
CONF
cat > "$work/g/zones/example.com" <<'ZONE'
$TTL 3600
@ SOA ns1 hostmaster 1 7200 1800 259200 900
@ NS ns1
ns1 A 192.0.2.53
www 30 DYNA geoip!www
ZONE
cat > "$work/m/zones/example.com.zone" <<'ZONE'
$TTL 3600
@ SOA ns1 hostmaster 1 7200 1800 259200 900
@ NS ns1
ns1 A 192.0.2.53
www 30 A 192.0.2.20
ZONE
cat > "$work/m/meridian.yaml" <<CONF
listen: [127.0.0.1:$m_port]
zone_dir: zones
admin: {listen: "off"}
health: {state_file: meridian.state}
regions:
  us-east: {location: {lat: 39.04, lon: -77.49}, l7: {endpoints: [192.0.2.20, 192.0.2.21], check: none}}
  eu-west: {location: {lat: 53.35, lon: -6.26}, l7: {endpoints: [198.51.100.20, 198.51.100.21], check: none}}
  ap-south: {location: {lat: 19.08, lon: 72.88}, l7: {endpoints: [203.0.113.20, 203.0.113.21], check: none}}
geo:
  database: $db
  continents:
    EU: [eu-west, us-east, ap-south]
    AF: [eu-west, ap-south, us-east]
    NA: [us-east, eu-west, ap-south]
    SA: [us-east, eu-west, ap-south]
    AS: [ap-south, eu-west, us-east]
    OC: [ap-south, us-east, eu-west]
  default: [us-east, eu-west, ap-south]
services:
  www.example.com: {policy: geo, tier: l7, ttl: 30}
CONF

gdnsd -c "$work/g" start >"$work/g/log" 2>&1 &
pids+=($!)
java -jar target/meridian.jar serve --config "$work/m/meridian.yaml" >"$work/m/log" 2>&1 &
pids+=($!)
up() { dig +short +tries=1 +time=1 @127.0.0.1 -p "$1" example.com SOA >/dev/null 2>&1; }
for _ in $(seq 100); do up "$g_port" && up "$m_port" && break; sleep 0.2; done
up "$g_port" || { cat "$work/g/log"; echo "gdnsd did not start"; exit 1; }
up "$m_port" || { cat "$work/m/log"; echo "meridian did not start"; exit 1; }

# --- the subnets: random /24s and /48s (seeded), the issue's examples, IPv4 in IPv6 -------------
python3 - "$seed" "$count" >"$work/subnets" <<'PY'
import random, sys
rnd = random.Random(int(sys.argv[1]))
n = int(sys.argv[2])
out = ["10.1.2.0/24", "192.0.2.0/24", "81.2.69.0/24", "24.48.0.0/24", "49.36.0.0/24",
       "2001:db8::/32", "2a00:1450:4001::/48", "::ffff:81.2.69.160/123", "::ffff:81.2.69.0/120",
       "::ffff:10.1.2.0/120", "2002:5102:45a0::/48", "::81.2.69.0/120", "0.0.0.0/0"]
for _ in range(n):
    out.append("%d.%d.%d.0/24" % (rnd.randrange(1, 224), rnd.randrange(256), rnd.randrange(256)))
firsts = [0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2600, 0x2601,
          0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2620, 0x2800, 0x2801, 0x2803, 0x2804,
          0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a06, 0x2a07, 0x2a09, 0x2a0a, 0x2a0b,
          0x2a0c, 0x2a0d, 0x2a0e, 0x2a10, 0x2c0f]
for _ in range(n // 3):
    out.append("%x:%x:%x::/48" % (rnd.choice(firsts), rnd.randrange(65536), rnd.randrange(65536)))
print("\n".join(out))
PY

region() {
  case "$1" in
    192.0.2.2*) echo us-east ;; 198.51.100.*) echo eu-west ;; 203.0.113.*) echo ap-south ;;
    "") echo none ;; *) echo "other:$1" ;;
  esac
}
ask() { # port subnet -> "region scope"
  local out first scope
  out=$(dig +norec +nocookie +noall +answer +comments +tries=2 +time=2 @127.0.0.1 -p "$1" \
    www.example.com A "+subnet=$2")
  first=$(awk '$4 == "A" { print $5; exit }' <<<"$out")
  scope=$(sed -n 's/.*CLIENT-SUBNET: [^ ]*\/[0-9]*\/\([0-9]*\).*/\1/p' <<<"$out" | head -1)
  [[ "$out" == *"status: NOERROR"* ]] || scope="rcode:$(grep -o 'status: [A-Z]*' <<<"$out")"
  echo "$(region "$first") ${scope:-none}"
}

narrower=0; equal=0; wider=0; differ=0; total=0
printf '%-26s %-9s %-9s %-7s %-7s\n' subnet gdnsd meridian g-scope m-scope >"$work/table"
while read -r subnet; do
  read -r g_region g_scope <<<"$(ask "$g_port" "$subnet")"
  read -r m_region m_scope <<<"$(ask "$m_port" "$subnet")"
  total=$((total + 1))
  mark=""
  if [[ "$g_region" != "$m_region" ]]; then differ=$((differ + 1)); mark="REGION DIFFERS"; fi
  if ! [[ "$g_scope" =~ ^[0-9]+$ && "$m_scope" =~ ^[0-9]+$ ]]; then
    differ=$((differ + 1)); mark="$mark no scope"
  elif ((m_scope < g_scope)); then narrower=$((narrower + 1)); mark="$mark NARROWER"
  elif ((m_scope == g_scope)); then equal=$((equal + 1))
  else wider=$((wider + 1)); mark="$mark wider"
  fi
  printf '%-26s %-9s %-9s %-7s %-7s %s\n' "$subnet" "$g_region" "$m_region" "$g_scope" "$m_scope" \
    "$mark" >>"$work/table"
done <"$work/subnets"
if [[ -n "${VERBOSE:-}" ]]; then cat "$work/table"; else
  head -14 "$work/table"; grep -E 'DIFFERS|NARROWER|wider|no scope' "$work/table" | head -40 || true
fi
echo "seed $seed: $total subnets; regions differ: $differ;" \
  "Meridian's scope vs gdnsd's: narrower $narrower, equal $equal, wider $wider"
status=0
((differ == 0 && narrower == 0)) || status=1

if ((unbound)); then
  # --- each server behind a counting proxy and its own Unbound with the subnet cache ------------
  cat >"$work/proxy.py" <<'PY'
import os, socket, sys, threading
listen, target, countfile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", listen))
n = 0
seen = set()  # queries without their ID: a retransmission is not a new query
lock = threading.Lock()
def relay(data, client):
    global n
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(3)
    try:
        u.sendto(data, ("127.0.0.1", target))
        s.sendto(u.recvfrom(65535)[0], client)
    except OSError:
        pass
    finally:
        u.close()
while True:
    data, client = s.recvfrom(65535)
    with lock:
        n += 1
        seen.add(data[2:])
        with open(countfile + ".tmp", "w") as f:
            f.write("%d %d\n" % (len(seen), n))
        os.replace(countfile + ".tmp", countfile)
    threading.Thread(target=relay, args=(data, client), daemon=True).start()
PY
  for side in g m; do
    if [[ $side == g ]]; then proxy=$g_proxy; auth=$g_port; port=$g_unbound
    else proxy=$m_proxy; auth=$m_port; port=$m_unbound; fi
    echo 0 0 >"$work/$side.count"
    python3 "$work/proxy.py" "$proxy" "$auth" "$work/$side.count" &
    pids+=($!)
    cat >"$work/$side/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $port
  do-daemonize: no
  use-syslog: no
  logfile: "$work/$side/unbound.log"
  username: ""
  chroot: ""
  directory: "$work/$side"
  pidfile: "$work/$side/unbound.pid"
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  module-config: "subnetcache validator iterator"
  send-client-subnet: 127.0.0.1
  client-subnet-always-forward: yes
  max-client-subnet-ipv4: 24
  qname-minimisation: no
  minimal-responses: yes
stub-zone:
  name: "example.com"
  stub-addr: 127.0.0.1@$proxy
CONF
    unbound -d -c "$work/$side/unbound.conf" >"$work/$side/unbound.out" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 100); do
    dig +short +tries=1 +time=1 @127.0.0.1 -p "$g_unbound" . SOA >/dev/null 2>&1 &&
      dig +short +tries=1 +time=1 @127.0.0.1 -p "$m_unbound" . SOA >/dev/null 2>&1 && break
    sleep 0.2
  done
  # warm the delegation (NS, SOA) so that only www queries remain to count
  for p in "$g_unbound" "$m_unbound"; do
    dig +short +tries=1 +time=2 @127.0.0.1 -p "$p" example.com NS >/dev/null || true
  done
  read -r g0 g0p <"$work/g.count"; read -r m0 m0p <"$work/m.count"
  # clients as they cluster in real traffic: 20 random /16s, 10 random /24s in each (seeded);
  # UNBOUND_CLIENTS=uniform: 200 /24s drawn from the whole IPv4 space instead
  clients=${UNBOUND_CLIENTS:-clustered}
  python3 - "$seed" "$clients" >"$work/clients" <<'PY'
import random, sys
rnd = random.Random(int(sys.argv[1]) + 1)
if sys.argv[2] == "uniform":
    for _ in range(200):
        print("%d.%d.%d.0/24" % (rnd.randrange(1, 224), rnd.randrange(256), rnd.randrange(256)))
else:
    for _ in range(20):
        a, b = rnd.randrange(1, 224), rnd.randrange(256)
        for c in rnd.sample(range(256), 10):
            print("%d.%d.%d.0/24" % (a, b, c))
PY
  same=0
  while read -r subnet; do
    a=$(dig +short +tries=2 +time=2 @127.0.0.1 -p "$g_unbound" www.example.com A "+subnet=$subnet" | sort | head -1)
    b=$(dig +short +tries=2 +time=2 @127.0.0.1 -p "$m_unbound" www.example.com A "+subnet=$subnet" | sort | head -1)
    [[ "$(region "$a")" == "$(region "$b")" ]] && same=$((same + 1))
  done <"$work/clients"
  read -r g1 g1p <"$work/g.count"; read -r m1 m1p <"$work/m.count"
  n=$(wc -l <"$work/clients")
  echo "through Unbound (subnetcache, max-client-subnet-ipv4 24): $n client /24s ($clients)," \
    "same region for $same; distinct queries reaching the authoritative: gdnsd $((g1 - g0))," \
    "Meridian $((m1 - m0)) (packets, with Unbound's retransmissions: gdnsd $((g1p - g0p))," \
    "Meridian $((m1p - m0p)))"
  if ((m1 - m0 > g1 - g0)); then status=1; fi
fi
exit $status
