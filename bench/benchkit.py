#!/usr/bin/env python3
"""Helpers for bench/gslb-bench.sh and bench/bigzone-bench.sh (standard library only).

Subcommands:
  zone FLAVOR OUT            the 10,000-name bench.example. zone; FLAVOR meridian or gdnsd (the
                             geo name is a Meridian service with static fallback A records, or a
                             gdnsd DYNA geoip resource)
  static-queries OUT         the static query mix (dnsperf text format)
  ecs-queries OUT            geo.bench.example. A queries, each with an ECS option whose /24 subnet
                             cycles through SUBNETS (dnsperf -B binary format)
  ecs-subnets                the ECS subnets, one a line, for the equivalence check
  geo-spread FILE            how many answers in a `dig -f` output went to each region
  bigzone ORIGIN N SERIAL OUT  a zone of N A records (names a0000000..)
  big-queries ORIGIN N COUNT OUT  COUNT random A queries over that zone (dnsperf text format)
  dnsperf FILE               key=value figures from a dnsperf summary
  latency FILE [FROM TO]     percentiles of per-query latencies from timestamped `dnsperf -v`
                             lines ("EPOCH > RCODE NAME TYPE LATENCY"), optionally only the lines
                             stamped within [FROM, TO] (epoch seconds)
  load-summary FILE          medians of bigzone-bench's load rounds (SERVER SECONDS RSS RSS+5s)
                             and the Meridian/Knot ratios
  timeline FILE ZERO         per-second p99/max latency (ms) of timestamped `dnsperf -v` lines,
                             seconds counted from ZERO (epoch seconds, e.g. the reload trigger)
  log-since FILE EPOCH REGEX  Meridian log lines matching REGEX stamped after EPOCH, each with its
                             offset in seconds (the log's stamps are local time)
  table FILE                 the per-round table, medians and ratios from the kit's results file
  compare A B                compares two `dig +noall +comments +answer -f BATCH` outputs query by
                             query (status and the answer records as a set, TTLs included); prints
                             "same=N differ=M" and the first differences
"""

import math
import random
import re
import statistics
import struct
import sys

STAMP = re.compile(r"^\d+\.\d+ ")
ORIGIN = "bench.example."
NAMES = 10000

# Client subnets for the geo workload: /24s in networks that meridian-country.mmdb places on each
# continent (checked with `meridian explain --subnet`), and the few GeoIP2-City-Test.mmdb has;
# each base is used with the three /24s after it as well. Packets never go to these addresses: they only ride inside the ECS option.
SUBNETS = {
    "EU": ["81.2.69.0", "193.0.0.0", "91.198.174.0", "62.1.0.0"],
    "NA": ["24.48.0.0", "8.8.8.0", "12.0.0.0", "99.0.0.0"],
    "AS": ["1.0.16.0", "49.36.0.0", "110.0.0.0", "14.0.0.0"],
    "SA": ["177.0.0.0", "181.0.0.0", "190.0.0.0", "200.0.0.0"],
    "OC": ["1.120.0.0", "101.160.0.0"],
    "AF": ["41.0.0.0", "102.0.0.0", "105.0.0.0", "196.0.0.0"],
    # networks GeoIP2-City-Test.mmdb knows (SG, AU, GB, BT, CN, PH, US there), for -g with it
    "test": ["214.0.0.0", "214.0.1.0", "2.2.3.0", "67.43.156.0", "175.16.199.0", "202.196.224.0",
             "214.78.120.0"],
}
REGIONS = {"192.0.2.": "us-east", "198.51.100.": "eu-west", "203.0.113.": "ap-south"}


def subnets():
    out = []
    for bases in SUBNETS.values():
        for base in bases:
            a, b, c, _ = (int(x) for x in base.split("."))
            for i in range(4):
                out.append(f"{a}.{b}.{(c + i) % 256}.0")
    return out


def addr4(i):
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def kind(i):
    """The record types of name h<i>: a fixed mix over the 10,000 names."""
    return ["A", "A", "AAAA", "A+AAAA", "CNAME", "MX", "TXT", "A+TXT", "A", "A"][i % 10]


def write_zone(flavor, out):
    lines = [
        "$TTL 300",
        f"$ORIGIN {ORIGIN}",
        "@ IN SOA ns1 hostmaster 2026112501 3600 600 604800 300",
        "@ IN NS ns1",
        "@ IN NS ns2",
        "@ IN MX 10 mail",
        '@ IN TXT "v=spf1 mx -all"',
        "ns1 IN A 192.0.2.1",
        "ns2 IN A 192.0.2.2",
        "mail IN A 192.0.2.3",
        "mail IN AAAA 2001:db8::3",
        "www IN CNAME h00000",
    ]
    lines += [f"rr IN A 198.51.100.{k}" for k in range(1, 9)]
    if flavor == "gdnsd":
        lines.append("geo 30 IN DYNA geoip!geo")
    else:  # a Meridian service; these records are its static fallback
        lines += ["geo 30 IN A 192.0.2.10", "geo 30 IN A 192.0.2.11"]
    named = 7  # ns1 ns2 mail www rr geo and the apex
    for i in range(NAMES - named):
        n = f"h{i:05d}"
        k = kind(i)
        if "A" in k.split("+"):
            lines.append(f"{n} IN A {addr4(i)}")
        if "AAAA" in k:
            lines.append(f"{n} IN AAAA 2001:db8:{i >> 16:x}::{i & 0xFFFF:x}")
        if k == "CNAME":
            lines.append(f"{n} IN CNAME h{i - 4:05d}")  # an A name (i - 4 ends in 0)
        if k == "MX":
            lines.append(f"{n} IN MX 10 h{i - 5:05d}")
        if "TXT" in k:
            lines.append(f'{n} IN TXT "bench record {i}" "v=spf1 ip4:{addr4(i)} -all"')
    with open(out, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


def write_static_queries(out):
    """One query per name with its natural type(s), plus the round-robin name, the apex, CNAMEs
    asked for A, NXDOMAIN and NODATA; shuffled with a fixed seed."""
    rnd = random.Random(9)
    q = []
    for i in range(NAMES - 7):
        n = f"h{i:05d}.{ORIGIN}"
        k = kind(i)
        if k == "A+AAAA":
            q += [f"{n} A", f"{n} AAAA"]
        elif k == "CNAME":
            q.append(f"{n} A")  # answered with the CNAME and its in-zone target
        elif k == "A+TXT":
            q += [f"{n} A", f"{n} TXT"]
        else:
            q.append(f"{n} {k}")
    base = len(q)
    q += [f"rr.{ORIGIN} A"] * (base // 20)  # 5 %: the 8-address round-robin name
    q += [f"nx{k}.{ORIGIN} A" for k in range(base // 50)]  # 2 %: NXDOMAIN
    q += [f"h{k:05d}.{ORIGIN} MX" for k in range(0, base // 50 * 10, 10)]  # 2 %: NODATA
    for t in ["SOA", "NS", "MX", "TXT"]:
        q += [f"{ORIGIN} {t}"] * (base // 200)
    q += [f"www.{ORIGIN} A"] * (base // 200)
    q += [f"mail.{ORIGIN} AAAA"] * (base // 200)
    rnd.shuffle(q)
    with open(out, "w", encoding="ascii") as f:
        f.write("\n".join(q) + "\n")


def wire_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def ecs_query(name, subnet):
    addr = bytes(int(x) for x in subnet.split("."))[:3]
    ecs = struct.pack("!HBB", 1, 24, 0) + addr
    opt = struct.pack("!HH", 8, len(ecs)) + ecs
    # id (dnsperf overwrites it), flags 0, 1 question, 0 answers, 0 authority, 1 additional (OPT)
    msg = struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 1)
    msg += wire_name(name) + struct.pack("!HH", 1, 1)
    msg += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    return struct.pack("!H", len(msg)) + msg


def write_ecs_queries(out):
    nets = subnets()
    rnd = random.Random(7)
    order = [nets[i % len(nets)] for i in range(len(nets) * 50)]
    rnd.shuffle(order)
    with open(out, "wb") as f:
        for s in order:
            f.write(ecs_query("geo." + ORIGIN, s))


def write_bigzone(origin, n, serial, out):
    with open(out, "w", encoding="ascii") as f:
        f.write(f"$TTL 3600\n$ORIGIN {origin}\n")
        f.write(f"@ IN SOA ns1 hostmaster {serial} 3600 600 604800 300\n")
        f.write("@ IN NS ns1\n@ IN NS ns2\nns1 IN A 192.0.2.1\nns2 IN A 192.0.2.2\n")
        buf = []
        for i in range(n):
            buf.append(f"a{i:07d} IN A {addr4(i)}\n")
            if len(buf) == 10000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


def write_big_queries(origin, n, count, out):
    rnd = random.Random(3)
    with open(out, "w", encoding="ascii") as f:
        for _ in range(count):
            f.write(f"a{rnd.randrange(n):07d}.{origin} A\n")


def parse_dnsperf(path):
    r = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if STAMP.match(line):  # stamped_dnsperf output: drop the arrival time
                line = line.split(" ", 1)[1]
            w = line.split()
            if line.strip().startswith("Queries sent:"):
                r["sent"] = w[2]
            elif line.strip().startswith("Queries completed:"):
                r["completed"] = w[2]
            elif line.strip().startswith("Queries lost:"):
                r["lost"] = w[2]
            elif line.strip().startswith("Queries per second:"):
                r["qps"] = w[3]
            elif line.strip().startswith("Average Latency (s):"):
                r["avg_ms"] = f"{float(w[3]) * 1000:.3f}"
                r["min_ms"] = f"{float(w[5].rstrip(',')) * 1000:.3f}"
                r["max_ms"] = f"{float(w[7].rstrip(')')) * 1000:.3f}"
            elif line.strip().startswith("Latency StdDev (s):"):
                r["sd_ms"] = f"{float(w[3]) * 1000:.3f}"
            elif line.strip().startswith("Average packet size:"):
                r["resp_bytes"] = w[-1]
            elif line.strip().startswith("Response codes:"):
                codes = re.findall(r"([A-Z]+) (\d+) \(", line)
                r["rcodes"] = ",".join(f"{c}:{n}" for c, n in codes)
    for key in ["sent", "completed", "lost", "qps", "avg_ms", "sd_ms", "max_ms"]:
        r.setdefault(key, "NA")
    print(" ".join(f"{k}={v}" for k, v in r.items()))


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    # nearest rank: the smallest value with at least p % of the values at or below it
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100.0 * len(sorted_values)) - 1))
    return sorted_values[k]


def latency(path, lo=None, hi=None):
    """Lines: EPOCH > RCODE NAME TYPE LATENCY (dnsperf -v, stamped on arrival). A timed-out query
    ("> T ...") counts as lost and, in the percentiles, as taking the dnsperf timeout: it is the
    worst case a client saw."""
    lat = []
    lost = 0
    rcodes = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or w[1] != ">":
                continue
            t = float(w[0])
            if (lo is not None and t < lo) or (hi is not None and t > hi):
                continue
            rcodes[w[2]] = rcodes.get(w[2], 0) + 1
            if w[2] in ("T", "I"):
                lost += 1
                continue
            lat.append(float(w[-1]) * 1000)
    lat.sort()
    n = len(lat)
    avg = statistics.fmean(lat) if lat else float("nan")
    print(
        f"answered={n} lost={lost} avg_ms={avg:.3f} p50_ms={pct(lat, 50):.3f} "
        f"p99_ms={pct(lat, 99):.3f} p999_ms={pct(lat, 99.9):.3f} "
        f"max_ms={(lat[-1] if lat else float('nan')):.3f} "
        f"rcodes={','.join(f'{k}:{v}' for k, v in sorted(rcodes.items()))}"
    )


def timeline(path, zero):
    buckets = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or w[1] != ">" or w[2] in ("T", "I"):
                continue
            buckets.setdefault(math.floor(float(w[0]) - zero), []).append(float(w[-1]) * 1000)
    cells = []
    for sec in range(min(buckets), max(buckets) + 1) if buckets else []:
        v = sorted(buckets.get(sec, []))
        cells.append(f"{sec:+d}s:{pct(v, 99):.1f}/{v[-1]:.1f}" if v else f"{sec:+d}s:-")
    print(" ".join(cells))


def log_since(path, zero, pattern):
    import datetime

    rx = re.compile(pattern)
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            # the stamp is local time, or carries its offset (+0000) since the log names its zone
            m = re.match(
                r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})([+-]\d{4})? (.*)", line.rstrip("\n")
            )
            if not m or not rx.search(m.group(3)):
                continue
            if m.group(2):
                t = datetime.datetime.strptime(
                    m.group(1) + m.group(2), "%Y-%m-%d %H:%M:%S.%f%z"
                ).timestamp()
            else:
                t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            if t >= zero - 0.5:
                print(f"{t - zero:+.2f}s {m.group(3)}")


def med(values):
    nums = [float(v) for v in values if v not in ("NA", "nan")]
    return statistics.median(nums) if nums else float("nan")


def table(path):
    """Results file lines: WORKLOAD ROUND SERVER key=value ...; prints one block per workload."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if len(w) < 3:
                continue
            kv = dict(x.split("=", 1) for x in w[3:] if "=" in x)
            rows.append((w[0], w[1], w[2], kv))
    workloads = []
    for r in rows:
        if r[0] not in workloads:
            workloads.append(r[0])
    cols = [
        ("qps", "q/s", "{:>10.0f}"),
        ("avg_ms", "avg ms", "{:>8.3f}"),
        ("sd_ms", "sd ms", "{:>8.3f}"),
        ("p99_ms", "p99 ms", "{:>8.3f}"),
        ("max_ms", "max ms", "{:>8.3f}"),
        ("lost", "lost", "{:>7.0f}"),
        ("rss_mib", "RSS MiB", "{:>8.1f}"),
        ("hwm_mib", "peak MiB", "{:>8.1f}"),
        ("resp_bytes", "resp B", "{:>8.0f}"),
        ("other_cpu", "other %", "{:>8.0f}"),
    ]
    present = [c for c in cols if any(c[0] in r[3] for r in rows)]
    head = f"{'workload':<12}{'round':>6}  {'server':<9}" + "".join(
        f"{c[1]:>10}" if c[0] == "qps" else f"{c[1]:>9}" for c in present
    )
    for wl in workloads:
        print(head)
        servers = []
        for r in rows:
            if r[0] == wl and r[2] not in servers:
                servers.append(r[2])
        for r in rows:
            if r[0] != wl:
                continue
            print(
                f"{wl:<12}{r[1]:>6}  {r[2]:<9}"
                + "".join(fmt_cell(c, r[3].get(c[0], "NA")) for c in present)
            )
        medians = {}
        for s in servers:
            medians[s] = {c[0]: med([r[3].get(c[0], "NA") for r in rows if r[0] == wl and r[2] == s])
                          for c in present}
            print(f"{wl:<12}{'median':>6}  {s:<9}" + "".join(fmt_cell(c, medians[s][c[0]]) for c in present))
        if len(servers) == 2:
            a, b = servers
            cells = []
            for c in present:
                if c[0] in ("lost", "resp_bytes", "other_cpu"):
                    cells.append(f"{'':>9}")
                    continue
                x, y = medians[a][c[0]], medians[b][c[0]]
                ratio = x / y if y and y == y and x == x else float("nan")
                cells.append(f"{ratio:>10.2f}" if c[0] == "qps" else f"{ratio:>9.2f}")
            print(f"{wl:<12}{'ratio':>6}  {a[:4] + '/' + b[:4]:<9}" + "".join(cells))
        print()


def fmt_cell(c, v):
    pad = "" if c[0] == "qps" else " "
    try:
        return pad + c[2].format(float(v))
    except ValueError:
        return f"{'NA':>10}" if c[0] == "qps" else f"{'NA':>9}"


def dig_blocks(path):
    blocks = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if "->>HEADER<<-" in line:
                status = line.split("status:")[1].split(",")[0].strip()
                blocks.append([status, set()])
            elif line and not line.startswith(";") and blocks:
                blocks[-1][1].add(" ".join(line.split()))
    return blocks


def compare(a, b, queries=None):
    x, y = dig_blocks(a), dig_blocks(b)
    qs = []
    if queries:
        with open(queries, encoding="ascii") as f:
            qs = [line.strip() for line in f]
    same = sum(1 for i in range(min(len(x), len(y))) if x[i] == y[i])
    differ = max(len(x), len(y)) - same
    print(f"same={same} differ={differ}")
    shown = 0
    for i in range(max(len(x), len(y))):
        if i < len(x) and i < len(y) and x[i] == y[i]:
            continue
        if shown == 5:
            break
        shown += 1
        q = qs[i] if i < len(qs) else f"query {i + 1}"
        print(f"  {q}: {x[i] if i < len(x) else 'no answer'} / {y[i] if i < len(y) else 'no answer'}")


def load_summary(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            rows.setdefault(w[0], []).append([float(x) for x in w[1:4]])
    m = {s: [statistics.median(c) for c in zip(*r)] for s, r in rows.items()}
    for s, v in m.items():
        print(f"{'median':<6} {s:<9} {v[0]:>10.2f} {v[1]:>12.1f} {v[2]:>12.1f}")
    if "Meridian" in m and "Knot" in m:
        a, b = m["Meridian"], m["Knot"]
        print(f"Meridian/Knot (medians): time to answer {a[0] / b[0]:.2f}x, RSS +5 s {a[2] / b[2]:.2f}x")


def geo_spread(path):
    count = {}
    for _, answer in dig_blocks(path):
        first = sorted(r.split()[-1] for r in answer)[:1]
        region = "no answer"
        for prefix, name in REGIONS.items():
            if first and first[0].startswith(prefix):
                region = name
        count[region] = count.get(region, 0) + 1
    print(", ".join(f"{k} {v}" for k, v in sorted(count.items())))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    a = argv[2:]
    if cmd == "zone":
        write_zone(a[0], a[1])
    elif cmd == "static-queries":
        write_static_queries(a[0])
    elif cmd == "ecs-queries":
        write_ecs_queries(a[0])
    elif cmd == "ecs-subnets":
        print("\n".join(subnets()))
    elif cmd == "bigzone":
        write_bigzone(a[0], int(a[1]), a[2], a[3])
    elif cmd == "big-queries":
        write_big_queries(a[0], int(a[1]), int(a[2]), a[3])
    elif cmd == "dnsperf":
        parse_dnsperf(a[0])
    elif cmd == "latency":
        latency(a[0], float(a[1]) if len(a) > 1 else None, float(a[2]) if len(a) > 2 else None)
    elif cmd == "geo-spread":
        geo_spread(a[0])
    elif cmd == "compare":
        compare(a[0], a[1], a[2] if len(a) > 2 else None)
    elif cmd == "load-summary":
        load_summary(a[0])
    elif cmd == "timeline":
        timeline(a[0], float(a[1]))
    elif cmd == "log-since":
        log_since(a[0], float(a[1]), a[2])
    elif cmd == "table":
        table(a[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
