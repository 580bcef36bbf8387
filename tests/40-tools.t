#!/usr/bin/env bash
# The tool bridge: call_tool/list_tools/ToolError inside, command tools and
# the relay outside, limits, records, and calls that outlive the run.
source "$(dirname "$0")/lib.sh"

RELAY="$PY $TOP/tests/tools/relay-peer.py"

# A command tool that echoes its arguments, and a few that misbehave.
cat >"$T/echo.sh" <<'SH'
#!/bin/sh
exec cat
SH
cat >"$T/badjson.sh" <<'SH'
#!/bin/sh
echo '{"half":'
SH
chmod +x "$T/echo.sh" "$T/badjson.sh"

# --- round trips of every JSON type, through a command tool and the relay
cat >"$T/types.py" <<'PY'
import json
vals = {"s": "h\u00e9llo \u2603 \U0001F600", "i": -7, "big": 2**100, "f": 1.5, "t": True,
        "f0": False, "n": None, "l": [1, [2, {"x": "y"}]], "d": {"a": {"b": []}},
        "esc": "quote\" back\\ nl\n tab\t nul\u0000"}
got = call_tool("echo", **vals)
print(json.dumps(got == vals))
PY
jrun --tool "echo=$T/echo.sh" <"$T/types.py"
is "$(field 'r["stdout"].strip()')" "true" "command tool: every JSON type round-trips (big ints, unicode, escapes)"
is "$(field 'r["tool_calls"][0]["ok"]')" "true" "the call is recorded as ok"

$RELAY "$ACTJAIL" run --json - <"$T/types.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["stdout"].strip()')" "true" "relay: every JSON type round-trips"

# --- failures become ToolError with the host's message
cat >"$T/errors.py" <<'PY'
def err(name, **kw):
    try:
        call_tool(name, **kw)
        return "no error"
    except ToolError as e:
        return str(e)
print(err("exit3"))
print(err("badjson"))
print(err("slow"))
print(err("typed", n="seven"))
print(err("typed"))
print(err("nope"))
from actjail import ToolError as T2
print(T2 is ToolError)
PY
cat >"$T/manifest.json" <<JSON
{"tools": [
  {"name": "slow", "command": ["/bin/sleep", "30"], "timeout": 0.3},
  {"name": "typed", "description": "takes an integer",
   "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
   "command": ["$T/echo.sh"]}
]}
JSON
jrun --tool "exit3=echo oops-on-stderr >&2; exit 3" --tool "badjson=$T/badjson.sh" \
	--tools "$T/manifest.json" <"$T/errors.py"
out=$(field 'r["stdout"]')
like "$out" 'tool exit3 failed \(exit status 3\): oops-on-stderr' "non-zero exit: ToolError with status and stderr excerpt"
like "$out" 'tool badjson printed no valid JSON' "bad JSON: ToolError"
like "$out" 'tool slow timed out after 0.3 s' "timeout: ToolError"
like "$out" 'invalid arguments for typed: args.n: expected integer, got string' "schema violation refused before the tool runs"
like "$out" 'missing required argument "n"' "missing required argument"
like "$out" 'unknown tool "nope"; available tools: exit3, badjson, slow, typed' "unknown tool lists the available ones"
like "$out" 'True' "ToolError is importable from actjail and is the builtin"
is "$(field 'r["status"]')" "ok" "the run itself is fine"
is "$(field 'len(r["tool_calls"])')" "6" "every call is recorded"
is "$(field '[c["ok"] for c in r["tool_calls"]].count(False)')" "6" "all six recorded as failed"

# --- list_tools
echo 'import json; print(json.dumps(list_tools()))' >"$T/list.py"
jrun --tools "$T/manifest.json" <"$T/list.py"
is "$(out '[t["name"] for t in o]')" '["slow", "typed"]' "list_tools names the tools"
is "$(out 'o[1]["parameters"]["required"]')" '["n"]' "list_tools gives the parameter schema"

# --- 10,000 calls in one run, and concurrency through gather (relay)
cat >"$T/many.py" <<'PY'
s = 0
for i in range(10000):
    s += call_tool("add", a=i, b=1)
print(s)
PY
$RELAY "$ACTJAIL" run --json - <"$T/many.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["stdout"].strip()')" "$((10000 * 10001 / 2))" "10,000 calls in one run"
is "$(field 'r["bridge"]["calls"]')" "10000" "the bridge counted them"

cat >"$T/gather.py" <<'PY'
import asyncio
r = await asyncio.gather(*(call_tool("barrier", n=5) for _ in range(5)))
print(r)
PY
$RELAY "$ACTJAIL" run --json --timeout 10 - <"$T/gather.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["stdout"].strip()')" "[5, 5, 5, 5, 5]" "gather keeps 5 calls in flight at once (a barrier answers only then)"

# --- limits
cat >"$T/limit.py" <<'PY'
out = []
for i in range(5):
    try:
        call_tool("echo", i=i)
        out.append("ok")
    except ToolError as e:
        out.append(str(e))
print(out)
PY
jrun --tool "echo=$T/echo.sh" --max-calls 3 <"$T/limit.py"
like "$(field 'r["stdout"]')" "'ok', 'ok', 'ok', 'tool call limit reached \\(3 calls per run\\)'" "max-calls: ToolError past the limit"
is "$(field 'r["bridge"]["limit_hit"]')" "max_calls" "max-calls: noted in the result"

cat >"$T/inflight.py" <<'PY'
import asyncio
r = await asyncio.gather(*(call_tool("slow", seconds=0.2) for _ in range(5)), return_exceptions=True)
print(sorted(str(x) for x in r))
PY
$RELAY "$ACTJAIL" run --json --max-in-flight 2 - <"$T/inflight.py" >"$T/result.json" 2>"$T/stderr"
like "$(field 'r["stdout"]')" "too many tool calls in flight \\(at most 2\\)" "max-in-flight: the extra calls fail clearly"
is "$(field 'r["stdout"].count("late")')" "2" "max-in-flight: two calls went through"

cat >"$T/bytes.py" <<'PY'
try:
    for i in range(100):
        call_tool("echo", blob="x" * 1000)
    print("no limit")
except ToolError as e:
    print(e)
PY
jrun --tool "echo=$T/echo.sh" --max-bridge-bytes 5000 <"$T/bytes.py"
like "$(field 'r["stdout"]')" "bridge byte limit reached" "max-bridge-bytes: ToolError"
is "$(field 'r["bridge"]["limit_hit"]')" "max_bridge_bytes" "max-bridge-bytes: noted"
# the limit counts both ways: small calls whose answers are 10 KB each
cat >"$T/bigreply.py" <<'PY'
n = 0
try:
    for i in range(100):
        call_tool("big")
        n += 1
    print("no limit")
except ToolError as e:
    print(n, e)
PY
jrun --tool 'big=printf "\"%s\"" "$(head -c 10000 /dev/zero | tr "\0" y)"' --max-bridge-bytes 20000 \
	<"$T/bigreply.py"
is "$(field '(r["stdout"], r["bridge"]["limit_hit"], r["bridge"]["bytes_in"] < 2000)')" \
	'["2 bridge byte limit reached (20000 bytes per run)\n", "max_bridge_bytes", true]' \
	"max-bridge-bytes: 10 KB answers to small calls count; the third call is refused"

cat >"$T/bigcall.py" <<'PY'
try:
    call_tool("echo", blob="x" * (2 << 20))
except ToolError as e:
    print("refused:", e)
print(call_tool("echo", ok=1))
PY
make_policy "$T/pol1m.json" max_message_bytes=1048576
"$ACTJAIL" run --json --policy "$T/pol1m.json" --tool "echo=$T/echo.sh" "$T/bigcall.py" >"$T/result.json" 2>"$T/stderr"
like "$(field 'r["stdout"]')" "refused: the call is 2097[0-9]+ bytes, more than the bridge's limit of 1048576" \
	"max_message_bytes: a bigger call is a ToolError inside"
like "$(field 'r["stdout"]')" "\\{'ok': 1\\}" "max_message_bytes: the next call still works"
echo 'import os; os.write(3, b"x" * 2000000 + b"\n"); print("done")' >"$T/bigline.py"
"$ACTJAIL" run --json --policy "$T/pol1m.json" "$T/bigline.py" >"$T/result.json" 2>"$T/stderr"
is "$(field '(r["status"], r["bridge"]["limit_hit"], r["bridge"]["bad_messages"])')" '["ok", "max_message_bytes", 1]' \
	"max_message_bytes: an oversized raw line is refused and noted in the result"

# --- transcript
echo 'call_tool("echo", q=[1, "two"])' >"$T/tr.py"
jrun --tool "echo=$T/echo.sh" --transcript <"$T/tr.py"
is "$(field 'r["tool_calls"][0]["args"]')" '{"q": [1, "two"]}' "--transcript records the arguments"
is "$(field 'r["tool_calls"][0]["value"]')" '{"q": [1, "two"]}' "--transcript records the result"
jrun --tool "echo=$T/echo.sh" <"$T/tr.py"
is "$(field '"args" in r["tool_calls"][0]')" "false" "without --transcript no arguments are kept"

# --- a tool that outlives the run's deadline is killed with it
cat >"$T/hang.py" <<'PY'
call_tool("hang")
PY
jrun --timeout 1 --tool "hang=exec sleep 987.71" <"$T/hang.py"
is "$(field 'r["status"]')" "timeout" "a hung tool: the run times out"
is "$(field 'r["tool_calls"][0]["error"]')" "the run ended before the tool answered" "the hung call is recorded"
check "the hung tool process is gone" wait_gone 'sleep 987.71'

# --- garbage on the bridge, then a proper call still works
cat >"$T/garbage.py" <<'PY'
import os
os.write(3, b"not json\n{\"op\":\"call\"}\n[1,2]\n{\"op\":\"call\",\"id\":{},\"tool\":\"x\"}\n")
print(call_tool("echo", ok=1))
PY
jrun --tool "echo=$T/echo.sh" <"$T/garbage.py"
is "$(field 'r["stdout"].strip()')" "{'ok': 1}" "after garbage on the bridge a call still works"
is "$(field 'r["bridge"]["bad_messages"]')" "4" "the garbage lines are counted"

# --- blocking and awaited calls together (relay): in coroutines, helpers and
# comprehensions, threads while awaited calls are in flight, a forked child,
# a reply of several MiB; each with the answer it would get alone
cat >"$T/mix.py" <<'PY'
import asyncio, concurrent.futures, json, os
out = {}
# sync calls in async code: a comprehension at the top level, a plain helper
out["sync"] = [call_tool("add", a=i, b=1) for i in range(3)]
def plain(i):
    return call_tool("add", a=i, b=2)
out["helper"] = [plain(i) for i in range(3)]
# awaited: directly, in an async comprehension, through gather, in coroutines
out["awaited"] = [await call_tool("add", a=i, b=3) for i in range(3)]
out["gather"] = await asyncio.gather(*(call_tool("add", a=i, b=4) for i in range(5)))
async def one(i):
    return await call_tool("add", a=i, b=5)
out["coro"] = await asyncio.gather(*(one(i) for i in range(3)))
# the same coroutine, many times: a blocking call and an awaited one
async def both(i):
    return [call_tool("add", a=i, b=100), await call_tool("add", a=i, b=200)]
out["both"] = [await both(i) for i in range(50)] == [[i + 100, i + 200] for i in range(50)]
# a blocking call while an awaited one is in flight; its answer comes first
async def later():
    return await call_tool("slow", seconds=0.3)
t = asyncio.ensure_future(later())
await asyncio.sleep(0.05)
out["during"] = call_tool("add", a=1, b=2)
out["late"] = await t
# errors both ways
try:
    call_tool("fail")
except ToolError as e:
    out["sync_error"] = str(e)
try:
    await call_tool("fail")
except ToolError as e:
    out["await_error"] = str(e)
# threads making blocking calls at once (the loop waits for them)
def worker(k):
    return [call_tool("add", a=k, b=j) for j in range(50)]
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    out["threads"] = list(ex.map(worker, range(4))) == [[k + j for j in range(50)] for k in range(4)]
# threads making blocking calls while awaited calls are in flight
# (the blocking callers read the bridge and route the futures' replies)
n = 0
for _ in range(10):
    res = await asyncio.gather(*(asyncio.to_thread(worker, k) for k in range(3)),
                               *(call_tool("add", a=i, b=7) for i in range(20)))
    n += res == [[k + j for j in range(50)] for k in range(3)] + [i + 7 for i in range(20)]
out["threads_and_awaits"] = n
# a forked child has no bridge; the parent's next call still works
pid = os.fork()
if pid == 0:
    try:
        call_tool("add", a=1, b=1)
        os._exit(1)
    except ToolError:
        os._exit(7)
out["child"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
out["after_fork"] = await call_tool("add", a=2, b=2)
# a reply of several MiB, read in many pieces, then the next call
big = call_tool("echo", blob="x" * (3 << 20) + "\u00e9", n=1)
out["big"] = [len(big["blob"]), big["blob"][-1], call_tool("add", a=1, b=1)]
print(json.dumps(out, sort_keys=True))
PY
timeout -s KILL 60 $RELAY "$ACTJAIL" run --json --timeout 30 - <"$T/mix.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["status"]')" "ok" "blocking and awaited calls together: the run is ok"
is "$(out '[o[k] for k in ("sync", "helper", "awaited", "gather", "coro", "both")]')" \
	'[[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6, 7, 8], [5, 6, 7], true]' \
	"blocking calls in async code return values; awaited ones, alone or gathered, too"
is "$(out '[o["during"], o["late"], o["sync_error"], o["await_error"]]')" '[3, "late", "relay says no", "relay says no"]' \
	"a blocking call while an awaited one is in flight; ToolError both ways"
is "$(out '[o["threads"], o["threads_and_awaits"]]')" '[true, 10]' \
	"threads calling at once, also while awaited calls are in flight"
is "$(out '[o["child"], o["after_fork"], o["big"]]')" '[7, 4, [3145729, "\u00e9", 2]]' \
	"a forked child gets a ToolError, the parent goes on; a 3 MiB reply, then the next call"
is "$(field '(r["bridge"]["calls"], r["bridge"]["bad_messages"], all(c["ok"] != (c["tool"] == "fail") for c in r["tool_calls"]))')" \
	'[2024, 0, true]' "every call recorded, no bad message"

# --- garbage on the bridge, then relay calls, blocking and awaited
cat >"$T/garbage-relay.py" <<'PY'
import asyncio, os
os.write(3, b"not json\n{\"op\":\"call\"}\n[1,2]\n{\"op\":\"call\",\"id\":{},\"tool\":\"x\"}\n")
print(call_tool("add", a=1, b=2), await asyncio.gather(call_tool("add", a=2, b=2), call_tool("echo", k=1)))
PY
$RELAY "$ACTJAIL" run --json --timeout 10 - <"$T/garbage-relay.py" >"$T/result.json" 2>"$T/stderr"
is "$(field '(r["stdout"].strip(), r["bridge"]["bad_messages"])')" "[\"3 [4, {'k': 1}]\", 4]" \
	"after garbage on the bridge relay calls still work, blocking and awaited"

# --- the relay closing fails calls cleanly
cat >"$T/closing-peer.py" <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen(sys.argv[1:3] + ["--relay-fd", str(b.fileno())] + sys.argv[3:], pass_fds=[b.fileno()])
b.close()
a.recv(65536)
a.close()
sys.exit(p.wait())
PY
echo 'try:
    call_tool("anything")
except ToolError as e:
    print(e)' | "$PY" "$T/closing-peer.py" "$ACTJAIL" run --json - >"$T/result.json" 2>"$T/stderr"
rc=$?
like "$(field 'r["stdout"]')" "the tool relay closed its connection" "relay gone: ToolError"
# once, on a fresh machine, this run left no JSON: say what it did leave
if ! "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/result.json" 2>/dev/null; then
	echo "# relay gone: exit status $rc; stdout: $(head -c 300 "$T/result.json"); stderr: $(head -c 600 "$T/stderr")"
fi

# --- tools describe
desc=$("$ACTJAIL" tools describe --tools "$TOP/examples/codeact/tools.json")
like "$desc" 'call_tool\("get_orders", user_id=<int>\)' "describe: a signature from the schema"
like "$desc" '/output' "describe: says where to write artifacts"
like "$desc" 'await call_tool' "describe: explains async calls"
"$ACTJAIL" tools describe --json --tools "$TOP/examples/codeact/tools.json" >"$T/result.json"
is "$(field '[t["name"] for t in r["tools"]]')" '["get_users", "get_orders"]' "describe --json lists the tools"

# --- the demo
mkdir "$T/out"
"$ACTJAIL" run --json --tools "$TOP/examples/codeact/tools.json" --output "$T/out" \
	"$TOP/examples/codeact/totals.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["status"]')" "ok" "the CodeAct demo runs"
is "$(head -2 "$T/out/totals.csv" | tail -1 | tr -d '\r')" "Ada Lovelace,2,1265.0" "the demo wrote totals.csv"
is "$(field 'len(r["tool_calls"])')" "5" "the demo made 5 tool calls"

# --- relay tools declared in a manifest (no command): checked, listed, relayed
cat >"$T/relay-tools.json" <<'JSON'
{"tools": [
 {"name": "add", "description": "Add two integers",
  "parameters": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                 "required": ["a", "b"], "additionalProperties": false}},
 {"name": "echo", "description": "Echo"}
]}
JSON
cat >"$T/declared.py" <<'PY'
print(sorted(t["name"] for t in list_tools()))
print(call_tool("add", a=2, b=3))
try:
    call_tool("add", a="2", b=3)
except ToolError as e:
    print("refused:", e)
print(call_tool("echo", x=1))
PY
$RELAY "$ACTJAIL" run --json --tools "$T/relay-tools.json" - <"$T/declared.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'r["stdout"]')" "['add', 'echo']
5
refused: invalid arguments for add: args.a: expected integer, got string
{'x': 1}" "declared relay tools: listed, relayed, and checked against their schema before the relay sees them"
is "$(field '[c["ok"] for c in r["tool_calls"]]')" "[true, false, true]" "... the refused call is recorded, not sent"
"$ACTJAIL" tools describe --tools "$T/relay-tools.json" >"$T/describe" 2>&1
like "$(cat "$T/describe")" 'call_tool\("add", a=<int>, b=<int>\)' "tools describe lists a relay tool with its signature"
"$ACTJAIL" run --tools "$T/relay-tools.json" - </dev/null >/dev/null 2>"$T/stderr"
is "$?" 2 "a relay tool without --relay-fd: a usage error (exit 2)"
like "$(cat "$T/stderr")" "tool add has no command: the relay serves it, and there is no --relay-fd" "... that says so"
printf '{"tools":[{"name":"x","timeout":3}]}' >"$T/bad-tools.json"
"$ACTJAIL" tools describe --tools "$T/bad-tools.json" >/dev/null 2>"$T/stderr"
like "$(cat "$T/stderr")" "timeout and max_output are for command tools" "a relay tool with a timeout is refused"

done_testing
