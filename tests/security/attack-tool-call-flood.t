#!/usr/bin/env bash
# Attack: exhaust the host through its tools: send a raw 2 MiB call line
# and ask call_tool() for 2 MiB and 64 MiB arguments (past the bridge's
# message limit, 1 MiB here), gather 40 calls at once to a slow tool under
# --max-in-flight 4, then call a tool 40000 times in a tight loop under
# --max-calls 30. Safe outcome: the oversized calls are refused (ToolError
# inside, an error reply to the raw line), the calls past the in-flight and
# per-run limits fail with ToolError, bridge.limit_hit is set, and on the
# host at most 30 tool processes ever start, at most 4 at once; none is
# left; the launcher's memory and the result stay bounded. Stopped by: the
# bridge's limits (max_message_bytes, max_in_flight, max_calls), enforced by
# the launcher before any tool process starts.
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="4$$$RANDOM"
on_exit "kill_marker 'sleep 0\\.3$MARK'"
make_policy "$T/policy.json" max_message_bytes=1048576
ok $? "a policy with a 1 MiB bridge message limit"
attack_begin
# jattack, measured (mem_run samples the launcher's peak memory); each tool
# process logs itself on the host: their count and their overlap
mem_run "$T/mem" "$ACTJAIL" run --json --env HOST_DIR="$HOST_DIR" --env HOST_SECRET="$HOST_SECRET" \
	--env CANARY_PORT="$CANARY_PORT" --policy "$T/policy.json" --timeout 30 --max-calls 30 --max-in-flight 4 \
	--tool "echo=echo call >>'$T/tools.log'; exec cat" \
	--tool "slow=echo start >>'$T/tools.log'; sleep 0.3$MARK; echo end >>'$T/tools.log'; echo '\"late\"'" - >"$T/result.json" 2>"$T/stderr" <<'PY'
import asyncio, json, os, select
res = {}
# 1. a raw call line past the message limit, past the runner
line = b'{"op": "call", "id": "big", "tool": "echo", "args": {"blob": "' + b"x" * (2 << 20) + b'"}}\n'
v = memoryview(line)
while v:
    v = v[os.write(3, v):]
buf = b""
while not buf.endswith(b"\n") and select.select([3], [], [], 10)[0]:
    buf += os.read(3, 65536)
res["raw_huge"] = json.loads(buf)
# 2. huge arguments through call_tool
res["huge"] = []
for size in (2 << 20, 64 << 20):
    try:
        call_tool("echo", blob="x" * size)
        res["huge"].append("ok")
    except ToolError as e:
        res["huge"].append(str(e))
# 3. 40 calls at once to a slow tool
r = await asyncio.gather(*(call_tool("slow") for _ in range(40)), return_exceptions=True)
res["gather_ok"] = sum(1 for x in r if x == "late")
res["gather_errs"] = sorted(set(str(x) for x in r if isinstance(x, ToolError)))
# 4. a tight loop past --max-calls
n, errs = 0, set()
for i in range(40000):
    try:
        call_tool("echo", i=i)
        n += 1
    except ToolError as e:
        errs.add(str(e))
res["loop_ok"], res["loop_errs"] = n, sorted(errs)
print(json.dumps(res))
PY
read -r hwm _ <"$T/mem"
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out '(o["raw_huge"]["op"], o["raw_huge"]["error"])')" '["error", "message longer than 1048576 bytes refused"]' \
	"inside: a raw 2 MiB call line is refused unread"
like "$(out '" | ".join(o["huge"])')" \
	"^the call is 2097[0-9]+ bytes, more than the bridge's limit of 1048576 \\| the call is 6710[0-9]+ bytes, more than the bridge's limit of 1048576\$" \
	"inside: call_tool with 2 MiB and 64 MiB arguments: ToolError"
is "$(out '(o["gather_ok"], o["gather_errs"])')" '[4, ["too many tool calls in flight (at most 4)"]]' \
	"inside: of 40 calls at once, 4 ran and 36 got ToolError (too many in flight)"
is "$(out '(o["loop_ok"], o["loop_errs"])')" '[26, ["tool call limit reached (30 calls per run)"]]' \
	"inside: the tight loop got 26 calls (30 in all), then ToolError for the other 39974"
is "$(field '(r["bridge"]["calls"], r["bridge"]["limit_hit"])')" '[30, "max_message_bytes"]' \
	"bridge: 30 calls started; limit_hit names the first limit hit"
is "$(grep -c -e call -e start "$T/tools.log")" 30 "outside: 30 tool processes started on the host, no more"
is "$(awk '$1 == "start" { n++; if (n > m) m = n } $1 == "end" { n-- } END { print m + 0 }' "$T/tools.log")" 4 \
	"outside: at most 4 slow tool processes ran at once"
is "$(pgrep -f -- "sleep 0\\.3$MARK")" "" "outside: no tool process is left"
# refused calls get a tool_calls entry up to 1000; the rest are counted
size=$(wc -c <"$T/result.json")
ok "$([ "$size" -lt $((1 << 20)) ]; echo $?)" "outside: the result stays bounded ($size bytes)"
is "$(field '(len(r["tool_calls"]), sum(1 for c in r["tool_calls"] if c["ok"]), r["bridge"]["unrecorded_refusals"])')" \
	'[1030, 30, 39010]' "outside: 30 calls and the first 1000 of 40010 refusals recorded, the other 39010 counted"
if [ -n "${ACTJAIL_SANITIZED:-}${ACTJAIL_VIA:-}" ]; then
	skip "launcher peak RSS" "$SANITIZED_WHY"
else
	ok "$([ "$hwm" -gt 0 ] && [ "$hwm" -lt 8192 ]; echo $?)" \
		"outside: the launcher's peak RSS stayed small (${hwm} KiB < 8 MiB)"
fi
attack_end
done_testing
