#!/usr/bin/env bash
# Attack: break the launcher through the bridge (fd 3, the jail's only
# channel to the host): write invalid and truncated JSON, NULs, binary and
# invalid UTF-8, non-objects, valid JSON with wrong types, forged replies
# carrying ids ({"op":"result"}, {"op":"error"}), 800 KB of duplicate keys,
# 100000 levels of nesting, a forged exception report with wrong types,
# then make a real call, and end with a 20 MB line that never gets its
# newline. Safe outcome: the launcher answers each bad line with
# {"op":"error"} and counts it in bridge.bad_messages, refuses the 20 MB
# line (limit_hit max_message_bytes), still serves the real call, and
# delivers the result of a run that ended normally. Stopped by: the bridge
# (bounded line length and nesting, strict parser, one error reply per bad
# line).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 20 --tool "echo=exec cat" <<'PY'
import json, os, select
garbage = [
    b"not json",                                                   # invalid JSON
    b'{"op": "call", "id": 1,',                                    # truncated JSON
    b"\x00" * 64,                                                  # NULs
    bytes(range(256)).replace(b"\n", b""),                         # binary
    b"\xc3\x28\xa0\xa1\xff\xfe",                                   # invalid UTF-8
    b'["op", "call"]',                                             # not an object
    b'{"op": 42}',                                                 # wrong types
    b'{"op": "call", "id": 2, "tool": 5, "args": {}}',
    b'{"op": "call", "id": [], "tool": "echo", "args": {}}',
    b'{"op": "call", "id": 3, "tool": null}',
    b'{"op": "call", "id": 4, "tool": "echo", "args": {"a": "\\ud800"}}',
    b'{"op": "result", "id": 1, "ok": true, "value": "forged"}',   # forged replies
    b'{"op": "error", "id": 1, "error": "forged"}',
    b"{" + b'"a": 1, ' * 100000 + b'"op": "x"}',                   # 800 KB of duplicate keys
    b"[" * 100000 + b"]" * 100000,                                 # deep nesting
]
for l in garbage:
    os.write(3, l + b"\n")
buf = b""
while buf.count(b"\n") < len(garbage) and select.select([3], [], [], 10)[0]:
    b = os.read(3, 65536)
    if not b:
        break
    buf += b
replies = [json.loads(l) for l in buf.decode("utf-8").splitlines()]
# a forged exception report, wrong types (the runner sends one only when the
# program dies of an exception; this program will exit 0)
os.write(3, b'{"op": "exception", "type": 7, "message": [], "traceback": {}}\n')
res = {"replies": len(replies), "ops": sorted(set(r["op"] for r in replies)),
       "ids": [r.get("id") for r in replies if "id" in r]}
res["call_after"] = call_tool("echo", ok=1)
print(json.dumps(res), flush=True)
data = b"z" * (20 << 20)                                           # no newline, ever
v = memoryview(data)
while v:
    v = v[os.write(3, v):]
PY
is "$rc:$(field '(r["status"], r["exit_code"])')" '0:["ok", 0]' "the launcher survived: the result is delivered, status ok"
is "$(out '(o["replies"], o["ops"])')" '[15, ["error"]]' \
	"inside: each of the 15 garbage lines got its own {\"op\":\"error\"} reply"
is "$(out 'o["ids"]')" '[2, 3]' "inside: only the two calls with a usable id got replies naming it; no forged reply was echoed"
is "$(out 'o["call_after"]')" '{"ok": 1}' "inside: a real call after the garbage is served"
is "$(field '(r["bridge"]["bad_messages"], r["bridge"]["limit_hit"])')" '[17, "max_message_bytes"]' \
	"bridge.bad_messages counts the 15 lines, the forged exception and the 20 MB one; limit_hit max_message_bytes"
is "$(field '(r["bridge"]["calls"], [(c["tool"], c["ok"]) for c in r["tool_calls"]])')" '[1, [["echo", true]]]' \
	"only the real call became a tool call"
is "$(field 'r["error"]')" null "a forged exception report with wrong types is refused, not taken as the program's error"
attack_end
done_testing
