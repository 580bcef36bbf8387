#!/usr/bin/env bash
# Denial feedback: syscalls the seccomp policy refuses are reported in the
# result's "violations" (through seccomp user notification: the launcher
# answers with the policy's errno and records the call), while the program
# still just sees EPERM.
source "$(dirname "$(dirname "$0")")/lib.sh"

jrun <<'PY'
import ctypes, json, socket
libc = ctypes.CDLL(None, use_errno=True)
res = {}
for name, nr, args in (("ptrace", 101, (0, 0, 0, 0)), ("ptrace", 101, (16, 1, 0, 0)),
                       ("unshare", 272, (0x10000000,)), ("bpf", 321, (0, 0, 0)),
                       ("keyctl", 250, (0, 0, 0, 0, 0))):
    rc = libc.syscall(nr, *args)
    res.setdefault(name, []).append([rc, ctypes.get_errno()])
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)      # NETLINK_AUDIT
except OSError as e:
    res["netlink"] = e.errno
res["getpid works"] = libc.syscall(39) > 0
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program runs on after its refusals"
is "$(out 'o["ptrace"]')" '[[-1, 1], [-1, 1]]' "inside: ptrace just fails with EPERM"
is "$(out '(o["unshare"], o["bpf"], o["keyctl"], o["netlink"], o["getpid works"])')" \
	'[[[-1, 1]], [[-1, 1]], [[-1, 1]], 1, true]' "inside: EPERM for each, and getpid still works"
is "$(field '[(v["syscall"], v["count"], v["action"]) for v in r["violations"]]')" \
	'[["ptrace", 2, "errno"], ["unshare", 1, "errno"], ["bpf", 1, "errno"], ["keyctl", 1, "errno"], ["socket", 1, "errno"]]' \
	"outside: every refused syscall with its count, in order"
is "$(field '[v["first_args"][0] for v in r["violations"] if v["syscall"] in ("unshare", "socket")]')" \
	"[$((0x10000000)), 16]" "first_args: CLONE_NEWUSER for unshare, AF_NETLINK for socket"

echo 'print("clean")' | "$ACTJAIL" run --json - >"$T/result.json" 2>/dev/null
is "$(field 'r["violations"]')" "[]" "a well-behaved program has no violations"

echo 'import ctypes; ctypes.CDLL(None).syscall(101, 0, 0, 0, 0)' >"$T/v.py"
"$ACTJAIL" run --audit-log "$T/audit.log" "$T/v.py" >/dev/null 2>&1
is "$("$PY" -c 'import json,sys; print([(v["syscall"], v["count"]) for v in json.loads(open(sys.argv[1]).read())["violations"]])' "$T/audit.log")" \
	"[('ptrace', 1)]" "the audit log carries the violations"
done_testing
