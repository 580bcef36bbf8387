#!/usr/bin/env bash
# Attack: reach services on the host's loopback (databases, metadata
# proxies, the agent's own API): the canary's port on 127.0.0.1, ::1 and
# 127.x aliases, then a scan of the first 1024 ports and the canary's
# neighbourhood. Safe outcome: 127.0.0.1 inside the jail is the jail's own
# empty lo, so every connect is refused (ECONNREFUSED), nothing is
# reported as a network violation (loopback is the jail's own), and the
# host's canary accepts nothing. Stopped by: network namespace.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 30 <<'PY'
import json, os, socket
port = int(os.environ["CANARY_PORT"])
res = {}
for host in ("127.0.0.1", "127.0.0.2", "127.1.2.3", "::1", "::ffff:127.0.0.1", "0.0.0.0", "localhost"):
    try:
        socket.create_connection((host, port), timeout=2).close()
        res[host] = "connected"
    except OSError as e:
        res[host] = e.errno
seen = set()
for p in list(range(1, 1025)) + list(range(port - 20, port + 21)):
    with socket.socket() as s:
        s.settimeout(1)
        seen.add(s.connect_ex(("127.0.0.1", p)))
res["scan"] = sorted(seen)
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out 'sorted(set(o[h] for h in ("127.0.0.1", "127.0.0.2", "127.1.2.3", "::1", "::ffff:127.0.0.1", "0.0.0.0", "localhost")))')" \
	'[111]' "inside: every loopback form of the canary's port is refused"
is "$(out 'o["scan"]')" '[111]' "inside: a scan of 1064 ports finds nothing open"
is "$(field '[v for v in r["violations"] if v["kind"] == "network"]')" '[]' \
	"outside: loopback connects are the jail's own, not reported"
attack_end
done_testing
