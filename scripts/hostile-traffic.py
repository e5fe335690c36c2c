#!/usr/bin/env python3
"""Hostile-traffic demonstrations against a Meridian (or any DNS server) on loopback.

  hostile-traffic.py tcp PORT   300 idle + 128 trickling TCP connections from 127.0.0.1 while
                                127.0.0.2 sends 3 pipelined queries every 0.5 s for 10 s
  hostile-traffic.py rrl PORT   a 3 s UDP flood of one name from 127.0.0.1 while 127.0.1.1
                                asks the same name 3 times a second

Every packet goes to 127.0.0.1 only. Standard library only.
"""
import random
import select
import socket
import struct
import sys
import threading
import time

SERVER = "127.0.0.1"
NAME = "www.example.org"


def query(name, qid, qtype=1):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def header(r):
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", r[:12])
    return qid, flags, an


def tcp_demo(port):
    stop = threading.Event()
    stats = {"reopened": 0}

    def attack():
        idle = []
        for _ in range(300):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            try:
                s.connect((SERVER, port))
            except OSError:
                pass
            idle.append(s)
        trick = []
        for _ in range(128):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            try:
                s.connect((SERVER, port))
            except OSError:
                pass  # refused: reopened in the loop below
            trick.append([s, 0])
        while not stop.is_set():
            for t in trick:
                try:
                    t[0].send(bytes([0 if t[1] == 0 else 0x7F if t[1] == 1 else 0x61]))
                    t[1] += 1
                except OSError:
                    t[0].close()
                    s = socket.socket()
                    s.bind(("127.0.0.1", 0))
                    try:
                        s.connect((SERVER, port))
                        stats["reopened"] += 1
                    except OSError:
                        pass
                    t[0], t[1] = s, 0
            time.sleep(0.3)

    w = socket.create_connection((SERVER, port))  # one query first: not timing a cold JVM
    w.sendall(struct.pack("!H", len(query(NAME, 1))) + query(NAME, 1))
    w.recv(65535)
    w.close()
    a = threading.Thread(target=attack, daemon=True)
    a.start()
    time.sleep(3)
    lat = []
    in_order = 0
    failed = 0
    for i in range(20):
        t0 = time.monotonic()
        ids = [1000 + i * 3 + k for k in range(3)]
        got = []
        try:
            c = socket.socket()
            c.settimeout(3)
            c.bind(("127.0.0.2", 0))
            c.connect((SERVER, port))
            names = [NAME, "mail.example.org", "ns1.example.org"]
            msgs = [query(n, q) for n, q in zip(names, ids)]
            c.sendall(b"".join(struct.pack("!H", len(m)) + m for m in msgs))
            buf = b""
            while len(got) < 3:
                chunk = c.recv(65535)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                    n = struct.unpack("!H", buf[:2])[0]
                    got.append(header(buf[2 : 2 + n])[0])
                    buf = buf[2 + n :]
            c.close()
        except OSError:
            pass
        if got == ids:
            in_order += 1
            lat.append((time.monotonic() - t0) * 1000)
        else:
            failed += 1
        time.sleep(0.5)
    stop.set()
    lat.sort()
    times = f", median {lat[len(lat) // 2]:.1f} ms, max {lat[-1]:.1f} ms" if lat else ""
    print(
        "127.0.0.2: 20 connections x 3 pipelined queries under attack:"
        f" answered in order {in_order}/20{times}, not answered {failed}/20;"
        f" attacker connections reopened after the server closed them: {stats['reopened']}"
    )


def rrl_demo(port):
    done = threading.Event()
    other = {"asked": 0, "full": 0}

    def bystander():
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.1.1", 0))
        u.settimeout(2)
        while not done.is_set():
            u.sendto(query(NAME, random.randrange(65536)), (SERVER, port))
            other["asked"] += 1
            try:
                _, flags, an = header(u.recv(4096))
                other["full"] += an > 0 and not flags & 0x0200
            except socket.timeout:
                pass
            time.sleep(0.33)

    b = threading.Thread(target=bystander, daemon=True)
    b.start()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    per_second = [[0, 0, 0] for _ in range(4)]  # sent, full, truncated
    t0 = time.monotonic()
    q = query(NAME, 7)
    while True:
        now = time.monotonic() - t0
        if now >= 4:
            break
        if now < 3:
            s.sendto(q, (SERVER, port))
            per_second[int(now)][0] += 1
        while select.select([s], [], [], 0.001)[0]:
            _, flags, an = header(s.recv(4096))
            sec = min(int(time.monotonic() - t0), 3)
            per_second[sec][2 if flags & 0x0200 else 1] += 1
    done.set()
    print("second  sent  full  truncated(TC)")
    for i, (sent, full, tc) in enumerate(per_second[:3]):
        print(f"{i:6d} {sent:5d} {full:5d} {tc:10d}")
    late = per_second[3]
    print(f"late replies after the flood: full {late[1]}, truncated {late[2]}")
    print(f"127.0.1.1, same name meanwhile: {other['full']}/{other['asked']} full answers")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("tcp", "rrl"):
        sys.exit(__doc__)
    (tcp_demo if sys.argv[1] == "tcp" else rrl_demo)(int(sys.argv[2]))
