# Shared by scripts/compare-nsd.sh and bench/dns-bench.sh: run NSD on loopback for one zone.
# nsd_start WORKDIR PORT ZONE_NAME: the zone file must be WORKDIR/zones/ZONE_NAME.zone.
# Rate limiting is off (it would drop a benchmark's queries from one address); the pid file is
# WORKDIR/nsd.pid.
nsd_start() {
  local work=$1 port=$2 zone=$3
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
  logfile: "$work/nsd.log"
remote-control:
  control-enable: no
zone:
  name: $zone
  zonefile: "$zone.zone"
CONF
  nsd -c "$work/nsd.conf"
}
