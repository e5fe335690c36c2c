# Reads the regions and services of a meridian.yaml written as the shipped one is (flow lists of
# endpoints, one key per line) and prints, for scripts/clients-e2e.sh:
#   tier REGION l4|l7 ADDRESS...
#   service NAME. POLICY TIER TTL MAX_ANSWERS regions=R1,R2 ADDRESS...
# (TIER "-" when unset; TTL 30 and MAX_ANSWERS 8 when unset, the documented defaults.)
function flush() {
  if (svc != "") print "service", svc, policy, tier, ttl, max, "regions=" regions, eps
  svc = ""; policy = ""; tier = "-"; ttl = 30; max = 8; regions = ""; eps = ""
}
function flow_list(s) { # "[a, "b", c]" -> "a b c"
  sub(/^[^[]*\[/, "", s); sub(/\].*$/, "", s); gsub(/[",]/, " ", s)
  gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
  return s
}
{ sub(/[ \t]+#.*$/, "") }
/^[^ #]/ { if (section == "services") flush(); section = $1; sub(/:$/, "", section); next }
section == "regions" && /^  [^ ]/ { region = $1; sub(/:$/, "", region); next }
section == "regions" && /^    l[47]:/ {
  t = $1; sub(/:$/, "", t)
  s = $0; sub(/^.*endpoints: */, "", s)
  print "tier", region, t, flow_list(s)
  next
}
section == "services" && /^  [^ ]/ { flush(); svc = $1; sub(/:$/, ".", svc); next }
section == "services" && /^    policy:/ { policy = $2 }
section == "services" && /^    tier:/ { tier = $2 }
section == "services" && /^    ttl:/ { ttl = $2 }
section == "services" && /^    max_answers:/ { max = $2 }
section == "services" && /^    regions:/ { regions = flow_list($0); gsub(/ /, ",", regions) }
section == "services" && /^    endpoints: *\[/ { eps = flow_list($0) }
section == "services" && /^      - *\{ *address:/ {
  a = $0; sub(/^.*address: */, "", a); sub(/[,} ].*$/, "", a); gsub(/"/, "", a)
  eps = (eps == "" ? a : eps " " a)
}
END { if (section == "services") flush() }
