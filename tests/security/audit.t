#!/usr/bin/env bash
# --audit-log: one JSON line per run, appended safely by concurrent
# launchers, with the program's digest, policy, limits, tool calls, status
# and reason.
source "$(dirname "$(dirname "$0")")/lib.sh"

LOG="$T/audit.log"
pids=()
for i in $(seq 1 20); do
	printf 'print("run %d")\n' "$i" >"$T/p$i.py"
	"$ACTJAIL" run --audit-log "$LOG" "$T/p$i.py" >/dev/null 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
is "$(wc -l <"$LOG")" 20 "20 concurrent runs: 20 lines"
is "$("$PY" - "$LOG" "$T" <<'PY'
import hashlib, json, sys
lines = open(sys.argv[1]).read().splitlines()
want = {hashlib.sha256(open("%s/p%d.py" % (sys.argv[2], i), "rb").read()).hexdigest() for i in range(1, 21)}
got = set()
for l in lines:
    r = json.loads(l)        # every line is one whole JSON object
    assert r["status"] == "ok" and r["reason"] is None and r["mode"] == "run"
    got.add(r["code_sha256"])
print("ok" if got == want else "digests differ: %d of 20" % len(got & want))
PY
)" ok "each line is whole, ok, and carries its program's sha256"

printf 'call_tool("t")\n1/0\n' >"$T/fail.py"
"$ACTJAIL" run --audit-log "$LOG" --tool t=true --timeout 5 "$T/fail.py" >/dev/null 2>&1
is "$(tail -1 "$LOG" | "$PY" -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r["status"], r["reason"], r["exit_code"], r["tool_calls"][0]["tool"], r["policy"]["name"], r["limits"]["memory_mib"], r["violations"])')" \
	"error exit 1 t default 512 []" "a failing run: status, reason, tool calls, policy and limits logged"
is "$(stat -c %a "$LOG")" 600 "the log is created private (0600)"
ln -s "$T/elsewhere" "$T/link.log"
"$ACTJAIL" run --audit-log "$T/link.log" "$T/p1.py" >/dev/null 2>"$T/stderr"
like "$(cat "$T/stderr")" 'audit log: .*link.log' "a symlinked log path is refused, not followed"
[ ! -e "$T/elsewhere" ]
ok $? "nothing was written through the link"
done_testing
