# Shared by scripts/compare-nsd.sh, scripts/compare-refs.sh and bench/dns-bench.sh: run NSD on
# loopback. nsd_start WORKDIR PORT ZONE_NAME...: each zone file must be WORKDIR/zones/NAME.zone.
# Rate limiting is off (it would drop a benchmark's queries from one address); version and
# identity are hidden (CH TXT queries are REFUSED); loopback may AXFR; NSD_MINIMAL=yes sets
# minimal-responses (no NS RRset in the authority section of positive answers, as Knot).
# The pid file is WORKDIR/nsd.pid.
nsd_start() {
  local work=$1 port=$2 zone
  shift 2
  cat > "$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$port
  zonesdir: "$work/zones"
  database: ""
  pidfile: "$work/nsd.pid"
  xfrdfile: "$work/xfrd.state"
  zonelistfile: "$work/zone.list"
  username: ""
  chroot: ""
  server-count: 2
  rrl-ratelimit: 0
  hide-version: yes
  hide-identity: yes
  minimal-responses: ${NSD_MINIMAL:-no}
  logfile: "$work/nsd.log"
remote-control:
  control-enable: no
CONF
  for zone in "$@"; do
    printf 'zone:\n  name: %s\n  zonefile: "%s.zone"\n  provide-xfr: 127.0.0.0/8 NOKEY\n' \
      "$zone" "$zone" >> "$work/nsd.conf"
  done
  nsd -c "$work/nsd.conf"
}

# knot_start WORKDIR PORT ZONE_NAME...: Knot on loopback for the zones in WORKDIR/zones, state in
# WORKDIR/knot, no rotation, no RRL (no module), CH identity/version off, loopback may AXFR.
# Sets knot_pid.
knot_start() {
  local work=$1 port=$2 zone
  shift 2
  mkdir -p "$work/knot"
  cat > "$work/knot.conf" <<CONF
server:
  rundir: "$work/knot"
  listen: 127.0.0.1@$port
  answer-rotation: off
  identity: ""
  version: ""
log:
  - target: "$work/knot.log"
    any: info
database:
  storage: "$work/knot"
acl:
  - id: loopback-xfr
    address: 127.0.0.0/8
    action: transfer
template:
  - id: default
    storage: "$work/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
    acl: loopback-xfr
zone:
CONF
  for zone in "$@"; do printf '  - domain: %s\n' "$zone" >> "$work/knot.conf"; done
  knotd -c "$work/knot.conf" -s "$work/knot/knot.sock" 2>"$work/knotd.stderr" &
  knot_pid=$!
}
