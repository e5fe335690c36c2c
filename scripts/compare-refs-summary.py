#!/usr/bin/env python3
"""Groups the answers kept by scripts/compare-refs.sh (KEEP=DIR) by kind of difference.

Usage: scripts/compare-refs-summary.py DIR[,DIR...] [EXAMPLES_PER_GROUP]
AUTH_NS=strip in the environment applies the same filter as compare-refs.sh AUTH_NS=strip.
Prints the counts, the must-match groups (NSD == Knot != Meridian) by signature (rcode,
flags, record types only in the reference or only in Meridian, per section), the groups where
the references disagree (signature of NSD vs Knot, and which one Meridian follows), and the
queries where NSD and Knot agree on the rcode but Meridian has another.
"""
import re, sys, collections
def load(p):
    d = {}; cur = None
    for line in open(p, errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('## '):
            cur = line[3:].strip(); d[cur] = []
        else:
            d[cur].append(line)
    return d
n, k, m = {}, {}, {}
for K in sys.argv[1].split(','):
    n.update(load(K + '/n.txt')); k.update(load(K + '/k.txt')); m.update(load(K + '/m.txt'))
n = {q: v for q, v in n.items() if q in k and q in m}
import os
def strip(a):
    ok = any(l.startswith('HEADER') and 'status: NOERROR' in l for l in a)
    aa = any(l.startswith('FLAGS') and re.search(r' aa[ ;]', l) for l in a)
    ans = any(l.startswith('ANSWER') for l in a)
    ns = {l.split()[5].lower() for l in a if l.startswith('AUTHORITY') and l.split()[4] == 'NS'}
    out = []
    for l in a:
        f = l.split()
        if l.startswith('FLAGS'): l = re.sub(r', AUTHORITY: [0-9]+, ADDITIONAL: [0-9]+', '', l)
        if ok and aa and ans and f[0] == 'AUTHORITY' and f[4] == 'NS': continue
        if ok and aa and ans and f[0] == 'ADDITIONAL' and f[4] in ('A', 'AAAA') and f[1].lower() in ns: continue
        out.append(l)
    return out
if os.environ.get('AUTH_NS') == 'strip':
    for d in (n, k, m):
        for q in d: d[q] = strip(d[q])
def status(a):
    for l in a:
        if l.startswith('HEADER'):
            return re.search(r'opcode: (\S+), status: (\S+)', l).group(2)
    return 'NOANSWER'
def flags(a):
    for l in a:
        if l.startswith('FLAGS'):
            return re.search(r'flags:([a-z ]*);', l).group(1).split()
    return []
def secs(a):
    out = collections.defaultdict(set)
    for l in a:
        t = l.split(' ', 1)
        if t[0] in ('ANSWER', 'AUTHORITY', 'ADDITIONAL', 'QUESTION', 'OPT', 'WARN'):
            out[t[0]].add(t[1])
    return out
def sig(r, x):
    s = []
    if status(r) != status(x): s.append('rcode %s->%s' % (status(r), status(x)))
    fr, fx = set(flags(r)), set(flags(x))
    if fr - fx: s.append('flags missing ' + ','.join(sorted(fr - fx)))
    if fx - fr: s.append('flags extra ' + ','.join(sorted(fx - fr)))
    sr, sx = secs(r), secs(x)
    for sec in ('QUESTION', 'ANSWER', 'AUTHORITY', 'ADDITIONAL', 'OPT', 'WARN'):
        a, b = sr.get(sec, set()), sx.get(sec, set())
        if a != b:
            def types(z):
                return ','.join(sorted({(l.split()[3] if sec not in ('OPT', 'WARN', 'QUESTION') and len(l.split()) > 3 else l[:40]) for l in z}))
            s.append('%s ref-only[%s] mer-only[%s]' % (sec, types(a - b), types(b - a)))
    if not s and r != x: s.append('counts only')
    return '; '.join(s)
tot = len(n); same = sum(1 for q in n if n[q] == k[q] == m[q]); must = sum(1 for q in n if n[q] == k[q] != m[q])
rn = sum(1 for q in n if n[q] != k[q] and m[q] == n[q]); rk = sum(1 for q in n if n[q] != k[q] and m[q] == k[q])
print('queries %d same %d must %d refs %d (mer=nsd %d, mer=knot %d, neither %d)' % (tot, same, must, tot - same - must, rn, rk, tot - same - must - rn - rk))
groups = collections.defaultdict(list)
refs = collections.defaultdict(list)
for q in n:
    if n[q] == k[q]:
        if n[q] != m[q]:
            groups[sig(n[q], m[q])].append(q)
    else:
        who = 'nsd' if n[q] == m[q] else 'knot' if k[q] == m[q] else 'none'
        refs[(who, sig(n[q], k[q]))].append(q)
print("=== MUST groups (signature: reference vs Meridian)")
for g, qs in sorted(groups.items(), key=lambda x: -len(x[1])):
    print('%4d  %s' % (len(qs), g))
    for q in qs[:int(sys.argv[2]) if len(sys.argv) > 2 else 4]: print('        ' + q)
print('=== REFS groups (mer=, nsd-vs-knot signature)')
for g, qs in sorted(refs.items(), key=lambda x: -len(x[1])):
    print('%4d  mer=%s  %s' % (len(qs), g[0], g[1]))
    for q in qs[:int(sys.argv[2]) if len(sys.argv) > 2 else 4]: print('        ' + q)
print('=== REFS where NSD and Knot agree on rcode but Meridian has another rcode')
c = collections.defaultdict(list)
for q in n:
    if n[q] != k[q] and status(n[q]) == status(k[q]) and status(m[q]) != status(n[q]):
        c['%s->%s' % (status(n[q]), status(m[q]))].append(q)
for g, qs in sorted(c.items(), key=lambda x: -len(x[1])):
    print('%4d  %s' % (len(qs), g))
    for q in qs[:6]: print('        ' + q)
