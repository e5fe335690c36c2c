# Prints every record of an RFC 1035 master file as one line: "OWNER TTL TYPE RDATA", with owner
# and the domain names inside NS, CNAME, PTR, MX, SRV and SOA data made absolute, and the
# whitespace between fields collapsed. Handles $ORIGIN, $TTL, comments, parentheses, a blank owner
# (the previous one) and "@". Enough for the zones this project ships; it is an independent reading
# of the file, so that scripts/clients-e2e.sh does not take its expectations from the server.
# Usage: awk -v origin=example.com. -f scripts/zone-records.awk FILE
function abs(n) {
  if (n == "@") return origin
  if (n ~ /\.$/) return n
  return n "." origin
}
function strip_comment(s,    out, q, i, c) {
  out = ""; q = 0
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\"") q = !q
    if (c == ";" && !q) break
    out = out c
  }
  return out
}
function next_token(    t) { # removes and returns the first token of rest
  sub(/^[ \t]+/, "", rest)
  if (match(rest, /^[^ \t]+/) == 0) return ""
  t = substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
  return t
}
{
  line = strip_comment($0)
  if (open) {
    buf = buf " " line
    if (index(line, ")") == 0) next
    open = 0; line = buf
  } else if (index(line, "(") && !index(line, ")")) {
    open = 1; buf = line; next
  }
  gsub(/[()]/, " ", line)
  if (line ~ /^[ \t]*$/) next
  if (line ~ /^\$ORIGIN/) { split(line, a, /[ \t]+/); origin = a[2]; next }
  if (line ~ /^\$TTL/) { split(line, a, /[ \t]+/); default_ttl = a[2]; next }
  rest = line
  if (line ~ /^[ \t]/) owner = prev; else owner = abs(next_token())
  prev = owner
  ttl = default_ttl
  for (;;) {
    t = next_token()
    if (t ~ /^[0-9]+$/) ttl = t
    else if (t != "IN") break
  }
  type = t
  sub(/^[ \t]+/, "", rest); sub(/[ \t]+$/, "", rest)
  n = split(rest, f, /[ \t]+/)
  if (type == "NS" || type == "CNAME" || type == "PTR") rdata = abs(f[1])
  else if (type == "MX") rdata = f[1] " " abs(f[2])
  else if (type == "SRV") rdata = f[1] " " f[2] " " f[3] " " abs(f[4])
  else if (type == "SOA") rdata = abs(f[1]) " " abs(f[2]) " " f[3] " " f[4] " " f[5] " " f[6] " " f[7]
  else if (type == "TXT") rdata = rest
  else { rdata = f[1]; for (i = 2; i <= n; i++) rdata = rdata " " f[i] }
  print owner, ttl, type, rdata
}
