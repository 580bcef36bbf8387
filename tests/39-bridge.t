#!/usr/bin/env bash
# 39-bridge.t - the jail writes garbage on the bridge (fd 3): invalid JSON,
# non-objects, unknown ops, partial lines, oversized lines, deep nesting,
# floods it never reads. The launcher answers {"op":"error"} lines, never
# crashes or hangs, keeps its deadline and its memory bounded, and the run's
# result is decided by how the program ended.
source "$(dirname "$0")/lib.sh"

# --- garbage in, one error reply per line out ----------------------------------
cat >"$T/garbage.py" <<'EOF'
import json, os, select
lines = [b"not json", b"[1, 2]", b'"a string"', b"42", b"null", b'{"op": "frob"}',
         b'{"no_op": 1}', b'{"op": 7}', b'{"op": "x"} trailing', b'{"op": "x", "op": "y"}',
         b"\xff\xfe{}", b"[" * 100 + b"]" * 100, b'{"op": "exception", "type": ',
         b"", b"\r"]
for l in lines:
    os.write(3, l + b"\n")
os.write(3, b'{"op": "call", "id": 1, "tool": "x", "args": {}}\n')
buf = b""
while buf.count(b"\n") < len(lines) + 1 and select.select([3], [], [], 5)[0]:
    b = os.read(3, 65536)
    if not b:
        break
    buf += b
replies = [json.loads(l) for l in buf.decode("utf-8").splitlines()]
errors = replies[:len(lines)]
print(json.dumps({"n": len(replies), "all_errors": all(set(r) == {"op", "error"} and r["op"] == "error"
                  and isinstance(r["error"], str) and r["error"] for r in errors),
                  "errors": [r.get("error") for r in errors], "last": replies[-1]}))
EOF
jrun --timeout 20 <"$T/garbage.py"
is "$rc:$(field '(r["status"], r["error"])')" '0:["ok", null]' "garbage lines: the run is ok, no error recorded"
is "$(out 'o["n"]')" 16 "garbage lines: one reply per line"
is "$(out 'o["all_errors"]')" true 'every reply to garbage is {"op":"error","error":"..."}'
like "$(out 'o["errors"][0]')" '^invalid JSON' "reply to 'not json': invalid JSON"
is "$(out 'o["errors"][1]')" "a message must be a JSON object" "reply to an array"
like "$(out 'o["errors"][5]')" 'unknown op "frob"' "reply to an unknown op names it"
like "$(out 'o["errors"][6]')" 'op' "reply to a message without op"
like "$(out 'o["errors"][9]')" 'duplicate key' "reply to duplicate keys"
like "$(out 'o["errors"][11]')" '^invalid JSON' "reply to 100 levels of nesting"
is "$(out '(o["last"]["op"], o["last"]["id"], o["last"]["ok"])')" '["result", 1, false]' \
	"a call after the garbage still gets its result (unknown tool)"
is "$(field '(r["bridge"]["bad_messages"], len(r["tool_calls"]), r["bridge"]["limit_hit"])')" '[15, 1, null]' \
	"the result counts 15 bad messages and the one call"

# --- a partial line, then exit ---------------------------------------------------
jrun --timeout 20 <<<'import os; os.write(3, b"{\"op\": \"exception\", \"type\": \"Fake\""); print("done")'
is "$rc:$(field '(r["status"], r["stdout"], r["error"])')" '0:["ok", "done\n", null]' \
	"a partial line then exit: ok, the fragment is ignored"
jrun --timeout 20 <<<'import os; os.write(3, b"{\"op\":\"frob\"}\n" * 3 + b"[[[["); os.close(3); raise SystemExit(4)'
is "$rc:$(field '(r["status"], r["exit_code"], r["error"])')" '4:["error", 4, null]' \
	"garbage, a fragment, fd 3 closed, exit 4: the program's own exit decides"

# --- oversized lines -------------------------------------------------------------
cat >"$T/huge.py" <<'EOF'
import os, time
data = b"x" * (20 << 20)
v = memoryview(data)
while v:
    v = v[os.write(3, v):]
del data, v
time.sleep(0.3)  # the sampler sees the launcher after all of it went through
print("sent")
EOF
mem_run "$T/mem" "$ACTJAIL" run --json --timeout 20 "$T/huge.py" >"$T/result.json" 2>"$T/stderr"
rc=$?
read -r hwm maxrss <"$T/mem"
is "$rc:$(field '(r["status"], r["stdout"])')" '0:["ok", "sent\n"]' "20 MB line without newline, then exit: ok"
if [ -n "${ACTJAIL_SANITIZED:-}" ]; then
	skip "20 MB line: memory bounded" "$SANITIZED_WHY"
elif [ "$hwm" -gt 0 ] && [ "$hwm" -lt 65536 ] && [ "$maxrss" -lt 65536 ]; then
	ok 0 "20 MB line: memory bounded (launcher ${hwm} KiB, largest process ${maxrss} KiB < 64 MiB)"
else
	ok 1 "20 MB line: memory bounded (launcher ${hwm} KiB, largest process ${maxrss} KiB < 64 MiB)"
fi

cat >"$T/huge2.py" <<'EOF'
import json, os, select
data = b"y" * (20 << 20) + b"\n" + b'{"op": "after"}\n'
v = memoryview(data)
while v:
    v = v[os.write(3, v):]
buf = b""
while buf.count(b"\n") < 2 and select.select([3], [], [], 5)[0]:
    b = os.read(3, 65536)
    if not b:
        break
    buf += b
print(json.dumps([json.loads(l) for l in buf.decode().splitlines()]))
EOF
jrun --timeout 20 <"$T/huge2.py"
is "$rc:$(field 'r["status"]')" "0:ok" "20 MB line with newline, then a short one: ok"
is "$(out 'o')" '[{"op": "error", "error": "message longer than 16777216 bytes refused"}, {"op": "error", "error": "unknown op \"after\""}]' \
	"20 MB line: refused once; the next line is read normally"

# --- floods the jail never reads ---------------------------------------------------
cat >"$T/flood.py" <<'EOF'
import os
chunk = b"".join(b"garbage %d\n" % i for i in range(1000))
for _ in range(100):
    v = memoryview(chunk)
    while v:
        v = v[os.write(3, v):]
print("flooded")
EOF
mem_run "$T/mem" "$ACTJAIL" run --json --timeout 20 "$T/flood.py" >"$T/result.json" 2>"$T/stderr"
rc=$?
read -r hwm maxrss <"$T/mem"
is "$rc:$(field '(r["status"], r["stdout"])')" '0:["ok", "flooded\n"]' \
	"100k garbage lines, replies never read: ok, no hang"
is "$(field '(r["bridge"]["bad_messages"], r["bridge"]["bytes_in"], r["bridge"]["dropped_replies"] > 0)')" \
	"[100000, $("$PY" -c 'print(100 * sum(len(b"garbage %d\n" % i) for i in range(1000)) + len(b"{\"op\":\"exit\",\"status\":0}\n"))'), true]" \
	"100k garbage lines: all counted as bad, every byte counted (with the runner's exit message), unread replies dropped"
if [ -n "${ACTJAIL_SANITIZED:-}" ]; then
	skip "100k garbage lines: memory bounded" "$SANITIZED_WHY"
elif [ "$hwm" -gt 0 ] && [ "$hwm" -lt 65536 ] && [ "$maxrss" -lt 65536 ]; then
	ok 0 "100k garbage lines: memory bounded (launcher ${hwm} KiB, largest process ${maxrss} KiB < 64 MiB)"
else
	ok 1 "100k garbage lines: memory bounded (launcher ${hwm} KiB, largest process ${maxrss} KiB < 64 MiB)"
fi

cat >"$T/flood2.py" <<'EOF'
import json, os, select, time
for i in range(100000):
    os.write(3, b"[%d]\n" % i)
time.sleep(0.2)
buf = b""
while select.select([3], [], [], 1)[0]:
    b = os.read(3, 1 << 20)
    if not b:
        break
    buf += b
lines = buf.split(b"\n")[:-1]
print(json.dumps({"n": len(lines), "ok": all(json.loads(l)["op"] == "error" for l in lines)}))
EOF
jrun --timeout 20 <"$T/flood2.py"
is "$rc:$(field 'r["status"]')" "0:ok" "100k garbage lines, then reading the replies: ok"
is "$(out '(o["n"] > 0, o["ok"])')" "[true, true]" "the replies that were kept are whole error lines"

# --- parsing cost: a big (but allowed) message must not stall the launcher ---------
cat >"$T/wide.py" <<'EOF'
import os, select
line = b'{"op": "wide", "a": [' + b"0," * 100000 + b'0]}\n'
v = memoryview(line)
while v:
    v = v[os.write(3, v):]
if select.select([3], [], [], 10)[0]:
    print(os.read(3, 4096).decode().strip())
EOF
start=$(date +%s%N)
jrun --timeout 2 <"$T/wide.py"
elapsed=$((($(date +%s%N) - start) / 1000000))
is "$(field '(r["status"], r["stdout"])')" '["ok", "{\"op\":\"error\",\"error\":\"unknown op \\\"wide\\\"\"}\n"]' \
	"a 200 KB line of 100k array items is answered in time (status ok)"
if [ "$elapsed" -lt 6000 ]; then ok 0 "--timeout 2 holds while the launcher parses (${elapsed} ms)"; else
	ok 1 "--timeout 2 holds while the launcher parses (${elapsed} ms)"
fi

# --- exec mode has the bridge too ---------------------------------------------------
out=$(timeout -s KILL 20 "$ACTJAIL" exec --timeout 10 -- /bin/sh -c 'printf "junk\n{\"op\":1}\n" >&3; head -n 2 <&3; echo end' </dev/null 2>/dev/null)
rc=$?
is "$rc" 0 "exec: garbage on fd 3 from a shell: exit 0"
like "$out" '^\{"op":"error","error":"invalid JSON[^\n]*\}
\{"op":"error","error":"a message needs a string \\"op\\""\}
end$' "exec: the shell reads the two error replies"

done_testing
