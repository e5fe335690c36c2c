#!/usr/bin/env bash
# Captures real queries from dig, kdig and nsupdate as fuzz seeds: a recorder listens on a free
# loopback port (UDP and TCP), never answers, and writes each message it receives to a file in
# src/test/resources/dev/meridian/server/PacketFuzzTestInputs/ named captured-<label>.
# Usage: scripts/capture-seeds.sh        (needs python3, dig, kdig, nsupdate; loopback only)
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/test/resources/dev/meridian/server/PacketFuzzTestInputs
mkdir -p "$out"
work=$(mktemp -d)
rec_pid=
cleanup() { [ -n "$rec_pid" ] && kill "$rec_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 - "$work" <<'PY' &
import os, socket, sys, threading
work = sys.argv[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
port = u.getsockname()[1]
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("127.0.0.1", port)); t.listen(8)
n = [0]
def save(data):
    n[0] += 1
    with open(os.path.join(work, "msg-%03d" % n[0]), "wb") as f: f.write(data)
def tcp():
    while True:
        c, _ = t.accept()
        c.settimeout(2)
        try:
            hdr = c.recv(2)
            want = int.from_bytes(hdr, "big"); buf = b""
            while len(buf) < want:
                part = c.recv(want - len(buf))
                if not part: break
                buf += part
            save(buf)
        except OSError:
            pass
        c.close()
threading.Thread(target=tcp, daemon=True).start()
with open(os.path.join(work, "port"), "w") as f: f.write(str(port))
while True:
    data, _ = u.recvfrom(65535); save(data)
PY
rec_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
key=hmac-sha256:fuzz-key.:ZnV6ei1rZXktc2VjcmV0LWZvci1tZXJpZGlhbi10ZXN0cw==

# one query per label; each waits for the recorder to write the message before the next
capture() {
  local label=$1; shift
  local before; before=$(ls "$work" | grep -c '^msg-' || true)
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 30); do
    [ "$(ls "$work" | grep -c '^msg-' || true)" -gt "$before" ] && break
    sleep 0.1
  done
  local last; last=$(ls "$work" | grep '^msg-' | sort | tail -1 || true)
  if [ -n "$last" ] && [ "$(ls "$work" | grep -c '^msg-')" -gt "$before" ]; then
    cp "$work/$last" "$out/captured-$label"
  else
    echo "no message captured for $label" >&2
  fi
}
d="dig @127.0.0.1 -p $port +tries=1 +timeout=1"
k="kdig @127.0.0.1 -p $port +retry=0 +timeout=1"
capture dig-a $d www.example.com A
capture dig-subnet-v4 $d +subnet=81.2.69.0/24 www.example.com A
capture dig-subnet-v6 $d +subnet=2001:db8:1234::/48 sticky.example.com AAAA
capture dig-subnet-zero $d +subnet=0.0.0.0/0 game.example.com A
capture dig-bufsize-512 $d +bufsize=512 big.example.org A
capture dig-noedns $d +noedns big.example.org A
capture dig-dnssec $d +dnssec example.org SOA
capture dig-tcp $d +tcp www.example.org TXT
capture dig-any $d example.com ANY
capture dig-ch-txt $d -c CH www.example.com TXT
capture dig-edns1 $d +edns=1 example.com SOA
capture dig-nsid-cookie $d +nsid +cookie example.com SOA
capture dig-ednsopt $d +ednsopt=65001:abcd www.example.com A
capture dig-type65534 $d www.example.com TYPE65534
capture dig-axfr $d example.com AXFR
capture dig-axfr-tsig $d -y "$key" example.org AXFR
capture dig-ixfr $d example.org IXFR=2026112400
capture dig-notify $d +opcode=notify example.com SOA
capture kdig-a $k www.example.com A
capture kdig-subnet $k +subnet=81.2.69.142/32 www.example.com AAAA
capture kdig-padding $k +padding=64 www.example.org A
capture kdig-ixfr-tsig $k -y "$key" example.org IXFR=2026112401
capture nsupdate-add-tsig nsupdate -y "$key" <<NSU
server 127.0.0.1 $port
zone example.com
update add new.example.com 300 A 192.0.2.77
send
NSU
capture nsupdate-prereq-tsig nsupdate -y "$key" <<NSU
server 127.0.0.1 $port
zone example.org
prereq yxdomain www.example.org
update delete www.example.org TXT
update add t.example.org 60 TXT "by nsupdate"
send
NSU
capture nsupdate-unsigned nsupdate <<NSU
server 127.0.0.1 $port
zone example.com
update delete old.example.com A
send
NSU
ls "$out" | grep -c '^captured-' | xargs echo "captured seeds in $out:"
