#!/usr/bin/env bash
# 60-longrun.t - a long run after each event. For every event source the
# launcher's loop watches (jail/supervise.c, jail/calls.c), a program
# triggers the event and then keeps running past its deadline. The run must
# still end at the deadline (status timeout, exit 124), with what the program
# printed before it, the event on record, and nothing of the jail left (a
# unique marker in the process list: sleep 987.3NN, NN the case).
#
# Why: the loop once slept in SECCOMP_IOCTL_NOTIF_RECV after the first
# seccomp notification (fixed in 35d137f). The deadline, streaming, tool
# calls and SIGTERM all stopped, and no test ran long enough to notice.
#
# The loop's event sources (jail/supervise.c) and the cases for them:
#   T_NOTIFY  seccomp notifications: a refused syscall (01-03), network
#             checks refused and continued (04), the nscd probe (05-07)
#   T_CALL    a command tool's pidfd, pipes and timer (08-11)
#   T_RELAY   the relay peer (12, 28)     T_BRIDGE  garbage on fd 3 (13-14)
#   T_STDOUT, T_STDERR  floods beyond the limits (15-17)
#   T_IN, T_INPIPE      a terminal (18), a file (19), a pipe (20) on stdin
#   T_STATUS, T_PIDFD   processes exiting inside the jail (21-22)
#   T_SIGNAL  SIGTERM ends the run (25-26), SIGWINCH does not (27)
#   all together (23); a notification, then a tool call (24, 28)
# and T_TIMER, the deadline, in every case.
#
# tests/74-serve-suite.t runs this file again through `actjail serve`, warm
# and cold (tests/tools/actjail-via-serve): every `run --json` it can put
# in a request goes to a server's jail, the rest to the launcher.
#
# The cases run in the background, four at a time, each into its own files
# ($T/NN.*); the checks then read them in a fixed order. A watchdog SIGKILLs
# a run that overshoots its deadline by far, so a regression fails here
# rather than hanging. The time bounds are correctness bounds (at the
# deadline, not 30 s later), not speed measurements.
source "$(dirname "$0")/lib.sh"

DL=2                       # every case's --timeout, in seconds
DL_MS=2000
BOUND_MS=$((DL_MS + 3000)) # "at the deadline": before this
WATCHDOG=15                # SIGKILL to a run still going after this (s)
SIG_TIMEOUT=10             # --timeout of the signal cases (the signal ends them)
RELAY=$TOP/tests/tools/relay-peer.py
TAG="actjail-longrun-$$"   # on the relay case's command line, to clean up after it

on_exit "kill_marker '$TAG'"

# ---- running the cases ----------------------------------------------------------

# program NN [sleep|busy|none] < CODE: case NN's Python program in $T/NN.py,
# with @N@ replaced by NN and then the common tail: start the marker process,
# print the marker, and keep running past the deadline in time.sleep(30)
# (sleep), in a busy loop (busy), or CODE has its own ending (none).
program() {
	local n=$1 how=${2:-sleep}
	{
		cat
		if [ "$how" != none ]; then
			printf '%s\n' 'import subprocess, time' \
				'subprocess.Popen(["sleep", "987.3@N@"])' \
				'print("marker @N@", flush=True)'
			if [ "$how" = busy ]; then echo 'while True: pass'; else echo 'time.sleep(30)'; fi
		fi
	} | sed "s/@N@/$n/g" >"$T/$n.py"
	on_exit "kill_marker '^sleep 987\\.3$n\$'"
}

# marker NN: the case's marker process runs a shell command, not a program
marker() { on_exit "kill_marker '^sleep 987\\.3$1\$'"; }

# variant NN OLD: case NN runs case OLD's program (another mode)
variant() {
	sed "s/987\\.3$2/987.3$1/; s/marker $2/marker $1/" "$T/$2.py" >"$T/$1.py"
	marker "$1"
}

# finish NN RC START_NS: record case NN's exit status, its wall time and
# the marker's processes still there the moment the run returned.
finish() {
	echo "$2" >"$T/$1.rc"
	echo $((($(date +%s%N) - $3) / 1000000)) >"$T/$1.ms"
	pgrep -f -- "^sleep 987\\.3$1\$" >"$T/$1.left"
}

# lr NN CMD...: case NN: CMD under the watchdog with stdin from $LR_IN
# (default /dev/null; through a pipe when LR_PIPE=1), stdout in $T/NN.out,
# stderr in $T/NN.err; then finish.
lr() {
	local n=$1 s rc
	shift
	s=$(date +%s%N)
	if [ "${LR_PIPE:-0}" = 1 ]; then
		# a pipe, not the file itself: the loop polls a pipe and reads a file
		# without polling, two different paths
		# shellcheck disable=SC2002
		cat "${LR_IN:-/dev/null}" | timeout -s KILL "$WATCHDOG" "$@" >"$T/$n.out" 2>"$T/$n.err"
	else
		timeout -s KILL "$WATCHDOG" "$@" <"${LR_IN:-/dev/null}" >"$T/$n.out" 2>"$T/$n.err"
	fi
	rc=$?
	finish "$n" "$rc" "$s"
}

# lr_signal NN SIGNAL CMD...: like lr, but once the marker process runs,
# send SIGNAL to the launcher; $T/NN.ms is then the time from the signal to
# the end of the run.
lr_signal() {
	local n=$1 sig=$2 tp lp s rc
	shift 2
	timeout -s KILL "$WATCHDOG" "$@" </dev/null >"$T/$n.out" 2>"$T/$n.err" &
	tp=$!
	wait_seen "^sleep 987\\.3$n\$"
	echo $? >"$T/$n.seen"
	lp=$(pgrep -P "$tp")
	s=$(date +%s%N)
	kill -"$sig" "$lp"
	wait "$tp"
	rc=$?
	finish "$n" "$rc" "$s"
}

# pool FUNCTION ARGS...: in the background, at most four at a time. The
# job's own stderr (bash's "Killed" when the watchdog fires) goes to a file:
# the checks say what happened.
pool() {
	while [ "$(jobs -rp | wc -l)" -ge 4 ]; do wait -n; done
	"$@" 2>>"$T/jobs.err" &
}

# ---- the checks -------------------------------------------------------------------

# fld NN EXPR: a Python expression over case NN's JSON result `r`
fld() {
	"$PY" -c '
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit("(no JSON result)")
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$T/$1.out" "$2" 2>&1
}

# watchdog NN: a diagnostic when the watchdog ended case NN
watchdog() {
	[ "$(cat "$T/$1.rc")" = 137 ] && echo "#   case $1 was still running after ${WATCHDOG} s: the watchdog killed it"
	return 0
}

# within VALUE LOW HIGH NAME: ok when LOW <= VALUE < HIGH (VALUE an integer)
within() {
	case $1 in '' | *[!0-9]*)
		ok 1 "$4"
		return
		;;
	esac
	[ "$1" -ge "$2" ] && [ "$1" -lt "$3" ]
	ok $? "$4"
}

# at_deadline NN WHAT: a --json run ended by its deadline, at its deadline
at_deadline() {
	local d
	watchdog "$1"
	is "$(cat "$T/$1.rc"):$(fld "$1" '(r["status"], r["exit_code"])')" '124:["timeout", 124]' \
		"$2: status timeout, exit 124"
	d=$(fld "$1" 'r["duration_ms"]')
	within "$d" "$DL_MS" "$BOUND_MS" "$2: ended at the deadline (duration_ms $d, deadline $DL_MS)"
}

# at_deadline_plain NN WHAT: a run without --json: exit 124, at the deadline
at_deadline_plain() {
	local ms
	watchdog "$1"
	ms=$(cat "$T/$1.ms")
	is "$(cat "$T/$1.rc")" 124 "$2: exit 124"
	within "$ms" "$DL_MS" "$BOUND_MS" "$2: returned at the deadline (${ms} ms, deadline $DL_MS)"
}

# gone NN WHAT: nothing of the jail was left when the run returned
gone() { is "$(cat "$T/$1.left")" "" "$2: nothing of the jail left"; }

# ---- the programs, and their runs ---------------------------------------------------

# The tool `echo` is `cat` (it answers its arguments); the floods run
# with a stdout and stderr limit of 64 KiB.
make_policy "$T/small.json" stdout_bytes=65536 stderr_bytes=65536 ||
	skip_all "policy/default.json not found"
RUN=("$ACTJAIL" run --timeout "$DL")
RUNJ=("$ACTJAIL" run --json --timeout "$DL")
EXECJ=("$ACTJAIL" exec --json --timeout "$DL")

# (1) a syscall the default action refuses: syslog(2) (103 on x86_64, like
# the numbers in security/violations.t) is not in policy/default.json's
# allowlist; notification kind "syscall".
program 01 <<'PY'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("syslog", libc.syscall(103, 3, 0, 0), ctypes.get_errno())
PY
LR_IN=$T/01.py pool lr 01 "${RUNJ[@]}" -
variant 02 01
LR_IN=$T/02.py pool lr 02 "${RUN[@]}" -
program 03 busy <<'PY'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("syslog", libc.syscall(103, 3, 0, 0), ctypes.get_errno())
PY
pool lr 03 "${EXECJ[@]}" -- /usr/bin/python3 -c "$(cat "$T/03.py")"

# (2) network notifications: a connect and a sendto to documentation
# addresses (refused, recorded), and a connect on the jail's own loopback
# (it continues, and connects).
program 04 <<'PY'
import socket
try:
    socket.create_connection(("192.0.2.10", 443), timeout=5)
    print("outside connected")
except OSError as e:
    print("outside", e.errno)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"x", ("192.0.2.11", 53))
    print("outside sent")
except OSError as e:
    print("outside", e.errno)
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
c = socket.create_connection(l.getsockname(), timeout=5)
a, _ = l.accept()
c.sendall(b"ping")
print("loopback", a.recv(4).decode())
PY
LR_IN=$T/04.py pool lr 04 "${RUNJ[@]}" -

# (3) glibc's nscd probe: getpwuid connects to /var/run/nscd/socket, a
# notification that continues (the original reproduction).
program 05 <<'PY'
import pwd
print("pw", pwd.getpwuid(0).pw_name)
PY
LR_IN=$T/05.py pool lr 05 "${RUNJ[@]}" -
variant 06 05
LR_IN=$T/06.py pool lr 06 "${RUN[@]}" -
marker 07
pool lr 07 "${EXECJ[@]}" -- /bin/sh -c 'id; echo marker 07; exec sleep 987.307'

# (4) a tool call (a command tool); and one that fails on stderr and one
# that times out (the call's own pipes and timer).
program 08 <<'PY'
print("tool", call_tool("echo", x=1))
PY
LR_IN=$T/08.py pool lr 08 "${RUNJ[@]}" --tool 'echo=cat' -
variant 09 08
LR_IN=$T/09.py pool lr 09 "${RUN[@]}" --tool 'echo=cat' -
marker 10
pool lr 10 "${EXECJ[@]}" --tool 'echo=cat' -- /bin/sh -c '
echo "{\"op\":\"call\",\"id\":1,\"tool\":\"echo\",\"args\":{\"x\":1}}" >&3
read -r reply <&3
echo "reply $reply"; echo marker 10; exec sleep 987.310'
cat >"$T/manifest.json" <<JSON
{"tools": [{"name": "slow", "command": ["/bin/sh", "-c", "exec sleep 987.311"], "timeout": 0.3}]}
JSON
program 11 <<'PY'
for name in ("loud", "slow"):
    try:
        call_tool(name)
    except ToolError as e:
        print(e)
PY
LR_IN=$T/11.py pool lr 11 "${RUNJ[@]}" --tool 'loud=echo oops >&2; exit 3' --tools "$T/manifest.json" -

# (5) a relay message: the call goes to the peer on --relay-fd; alone, and
# after a notification
program 12 <<'PY'
print("relay", call_tool("echo", x=1))
PY
LR_IN=$T/12.py pool lr 12 "$PY" "$RELAY" "$ACTJAIL" run --json --timeout "$DL" --env "LONGRUN_TAG=$TAG" -
program 28 <<'PY'
import pwd
print("pw", pwd.getpwuid(0).pw_name)
print("relay", call_tool("echo", x=1))
PY
LR_IN=$T/28.py pool lr 28 "$PY" "$RELAY" "$ACTJAIL" run --json --timeout "$DL" --env "LONGRUN_TAG=$TAG" -

# (6) bridge garbage: raw non-JSON bytes on fd 3
program 13 <<'PY'
import os
os.write(3, b"\xff\xfe not json\n[1, 2]\n")
print("garbage sent")
PY
LR_IN=$T/13.py pool lr 13 "${RUNJ[@]}" -
marker 14
pool lr 14 "${EXECJ[@]}" -- /bin/sh -c 'echo "not json" >&3; echo marker 14; exec sleep 987.314'

# (7) an output flood beyond the stdout and stderr limits (64 KiB), going
# on until the deadline
program 15 none <<'PY'
import os, subprocess
subprocess.Popen(["sleep", "987.3@N@"])
os.write(1, b"marker @N@\n")
line = b"y" * 4095 + b"\n"
while True:
    os.write(1, line)
    os.write(2, line)
PY
LR_IN=$T/15.py pool lr 15 "${RUNJ[@]}" --policy "$T/small.json" -
variant 16 15
LR_IN=$T/16.py pool lr 16 "${RUN[@]}" --policy "$T/small.json" -
marker 17
pool lr 17 "${EXECJ[@]}" --policy "$T/small.json" -- /bin/sh -c 'echo marker 17; sleep 987.317 & yes'

# (8) terminal input: exec under a pseudo-terminal, a line typed into it,
# then a long sleep. pty_run gives up (and kills the launcher) after 20 s.
pty_case() {
	local s rc
	s=$(date +%s%N)
	pty_run ready $'hello\n' "$ACTJAIL" exec --timeout "$DL" -- \
		/bin/sh -c 'echo ready; read x; echo "got $x"; id; echo marker 18; exec sleep 987.318' \
		>"$T/18.out" 2>&1
	rc=$?
	finish 18 "$rc" "$s"
}
marker 18
pool pty_case

# stdin that is not a terminal: a regular file (read without polling) and a pipe
echo hello >"$T/hello"
marker 19
LR_IN=$T/hello pool lr 19 "${EXECJ[@]}" -- /bin/sh -c 'read x; echo "got $x"; id; echo marker 19; exec sleep 987.319'
marker 20
LR_IN=$T/hello LR_PIPE=1 pool lr 20 "${EXECJ[@]}" -- /bin/sh -c 'read x; echo "got $x"; id; echo marker 20; exec sleep 987.320'

# (9) processes exiting inside the jail: a child the program waits for, and
# an orphan that the jail's init reaps
program 21 <<'PY'
import os
pid = os.fork()
if pid == 0:
    os._exit(3)
print("child exited", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
if os.fork() == 0:
    if os.fork() == 0:
        os._exit(0)
    os._exit(0)
os.wait()
PY
LR_IN=$T/21.py pool lr 21 "${RUNJ[@]}" -
marker 22
pool lr 22 "${EXECJ[@]}" -- /bin/sh -c '(exit 3); echo "child exited $?"; /bin/sh -c "true &"; echo marker 22; exec sleep 987.322'

# (10) everything in one run: refused syscall, refused connect, the nscd
# probe, a tool call, then a flood beyond the limit until the deadline
program 23 none <<'PY'
import ctypes, os, pwd, socket, subprocess
ctypes.CDLL(None).syscall(103, 3, 0, 0)
try:
    socket.create_connection(("192.0.2.10", 80), timeout=5)
except OSError as e:
    print("net", e.errno)
print("pw", pwd.getpwuid(0).pw_name)
print("tool", call_tool("echo", x=1))
subprocess.Popen(["sleep", "987.3@N@"])
print("marker @N@", flush=True)
line = b"z" * 4095 + b"\n"
while True:
    os.write(1, line)
PY
LR_IN=$T/23.py pool lr 23 "${RUNJ[@]}" --policy "$T/small.json" --tool 'echo=cat' -

# The second original reproduction: a nscd probe, then a tool call, which
# must get its answer (the run ends by itself, well before its deadline).
cat >"$T/24.py" <<'PY'
import pwd
print(pwd.getpwuid(1000).pw_name)
print(call_tool("echo", x=1))
PY
LR_IN=$T/24.py pool lr 24 "$ACTJAIL" run --json --timeout 3 --tool 'echo=cat' -

# Signals to the launcher after a notification: SIGTERM ends the run at
# once (status killed); SIGWINCH does not end it, and the deadline still does.
program 25 <<'PY'
import ctypes, pwd
ctypes.CDLL(None).syscall(103, 3, 0, 0)
print("pw", pwd.getpwuid(0).pw_name)
PY
# (Through the server, tests/74, this one case runs the launcher itself: a
# client ends a request with "cancel", whose outcome tests/71 checks; a
# signal to the client is not a signal to any launcher.)
pool lr_signal 25 TERM "${ACTJAIL_REAL:-$ACTJAIL}" run --json --timeout "$SIG_TIMEOUT" "$T/25.py"
marker 26
pool lr_signal 26 TERM "$ACTJAIL" exec --json --timeout "$SIG_TIMEOUT" -- /bin/sh -c 'id; echo marker 26; exec sleep 987.326'
marker 27
pool lr_signal 27 WINCH "${EXECJ[@]}" -- /bin/sh -c 'id; echo marker 27; exec sleep 987.327'

wait

# ---- the results, in order ------------------------------------------------------------

syslog='"syslog -1 1"'
violation_syslog='[["syscall", "syslog", 1, "EPERM"]]'
vs='[(v["kind"], v["syscall"], v["count"], v["errno"]) for v in r["violations"]]'

# (1) a refused syscall
at_deadline 01 "run, refused syscall"
is "$(fld 01 'r["stdout"].splitlines()')" "[$syslog, \"marker 01\"]" \
	"run, refused syscall: the output before the deadline is in the result"
is "$(fld 01 "$vs")" "$violation_syslog" "run, refused syscall: recorded in violations"
gone 01 "run, refused syscall"
at_deadline_plain 02 "run without --json, refused syscall"
is "$(cat "$T/02.out")" "$(printf 'syslog -1 1\nmarker 02')" \
	"run without --json, refused syscall: the output reached the caller's stdout"
gone 02 "run without --json, refused syscall"
at_deadline 03 "exec python3, refused syscall, busy loop"
is "$(fld 03 'r["stdout"].splitlines()')" "[$syslog, \"marker 03\"]" \
	"exec python3, refused syscall, busy loop: the output is in the result"
is "$(fld 03 "$vs")" "$violation_syslog" "exec python3, refused syscall: recorded in violations"
gone 03 "exec python3, refused syscall, busy loop"

# (2) network
at_deadline 04 "run, network notifications"
is "$(fld 04 'r["stdout"].splitlines()')" '["outside 101", "outside 101", "loopback ping", "marker 04"]' \
	"run, network: ENETUNREACH outside, the loopback connect went through, then the marker"
is "$(fld 04 '[(v["kind"], v["syscall"], v["address"]) for v in r["violations"]]')" \
	'[["network", "connect", "192.0.2.10:443"], ["network", "sendto", "192.0.2.11:53"]]' \
	"run, network: the connect and the sendto are recorded, the loopback connect is not"
gone 04 "run, network notifications"

# (3) the nscd probe
at_deadline 05 "run, getpwuid(0) (nscd probe)"
is "$(fld 05 '(r["stdout"], r["violations"])')" '["pw root\nmarker 05\n", []]' \
	"run, getpwuid(0): answered from /etc/passwd, the output is in the result, no violation"
gone 05 "run, getpwuid(0)"
at_deadline_plain 06 "run without --json, getpwuid(0)"
is "$(cat "$T/06.out")" "$(printf 'pw root\nmarker 06')" \
	"run without --json, getpwuid(0): the output reached the caller's stdout"
gone 06 "run without --json, getpwuid(0)"
at_deadline 07 "exec sh (id: nscd probes)"
is "$(fld 07 '[l[:17] for l in r["stdout"].splitlines()]')" '["uid=1000(sandbox)", "marker 07"]' \
	"exec sh (id): id's output and the marker are in the result"
gone 07 "exec sh (id)"

# (4) tool calls
at_deadline 08 "run, tool call"
is "$(fld 08 '(r["stdout"], [(c["tool"], c["ok"]) for c in r["tool_calls"]])')" \
	"[\"tool {'x': 1}\\nmarker 08\\n\", [[\"echo\", true]]]" \
	"run, tool call: answered, recorded, the output is in the result"
gone 08 "run, tool call"
at_deadline_plain 09 "run without --json, tool call"
is "$(cat "$T/09.out")" "$(printf "tool {'x': 1}\\nmarker 09")" \
	"run without --json, tool call: the output reached the caller's stdout"
gone 09 "run without --json, tool call"
at_deadline 10 "exec sh, a call written to fd 3"
is "$(fld 10 '(r["stdout"], [(c["tool"], c["ok"]) for c in r["tool_calls"]])')" \
	'["reply {\"op\":\"result\",\"id\":1,\"ok\":true,\"value\":{\"x\":1}}\nmarker 10\n", [["echo", true]]]' \
	"exec sh, a call on fd 3: answered, recorded, the output is in the result"
gone 10 "exec sh, a call on fd 3"
at_deadline 11 "run, failing tool calls (stderr, tool timeout)"
is "$(fld 11 'r["stdout"].splitlines()')" \
	'["tool loud failed (exit status 3): oops", "tool slow timed out after 0.3 s", "marker 11"]' \
	"run, failing tool calls: both ToolErrors, then the marker"
is "$(fld 11 '[(c["tool"], c["ok"]) for c in r["tool_calls"]]')" '[["loud", false], ["slow", false]]' \
	"run, failing tool calls: both recorded"
gone 11 "run, failing tool calls (the timed-out tool's sleep too)"

# (5) the relay
at_deadline 12 "run, relay call"
is "$(fld 12 '(r["stdout"], [(c["tool"], c["ok"]) for c in r["tool_calls"]], r["bridge"]["calls"])')" \
	"[\"relay {'x': 1}\\nmarker 12\\n\", [[\"echo\", true]], 1]" \
	"run, relay call: the peer answered, recorded, the output is in the result"
gone 12 "run, relay call"
at_deadline 28 "run, getpwuid(0) then a relay call"
is "$(fld 28 '(r["stdout"], [(c["tool"], c["ok"]) for c in r["tool_calls"]])')" \
	"[\"pw root\\nrelay {'x': 1}\\nmarker 28\\n\", [[\"echo\", true]]]" \
	"run, getpwuid(0) then a relay call: the peer answered after the notification"
gone 28 "run, getpwuid(0) then a relay call"

# (6) bridge garbage
at_deadline 13 "run, garbage on fd 3"
is "$(fld 13 '(r["stdout"], r["bridge"]["bad_messages"])')" '["garbage sent\nmarker 13\n", 2]' \
	"run, garbage on fd 3: two bad messages counted, the output is in the result"
gone 13 "run, garbage on fd 3"
at_deadline 14 "exec sh, garbage on fd 3"
is "$(fld 14 '(r["stdout"], r["bridge"]["bad_messages"])')" '["marker 14\n", 1]' \
	"exec sh, garbage on fd 3: counted, the output is in the result"
gone 14 "exec sh, garbage on fd 3"

# (7) output floods
at_deadline 15 "run, stdout and stderr flood"
is "$(fld 15 '(len(r["stdout"]), r["stdout"][:10], r["stdout_truncated"], len(r["stderr"]), r["stderr_truncated"])')" \
	'[65536, "marker 15\n", true, 65536, true]' \
	"run, flood: the first 64 KiB of each stream kept (marker first), both truncated"
gone 15 "run, flood"
at_deadline_plain 16 "run without --json, flood"
is "$(stat -c %s "$T/16.out"):$(head -n1 "$T/16.out")" "65536:marker 16" \
	"run without --json, flood: the caller's stdout got the first 64 KiB, marker first"
gone 16 "run without --json, flood"
at_deadline 17 "exec sh, flood (yes)"
is "$(fld 17 '(len(r["stdout"]), r["stdout"][:10], r["stdout_truncated"])')" '[65536, "marker 17\n", true]' \
	"exec sh, flood: the first 64 KiB kept, marker first, truncated"
gone 17 "exec sh, flood"

# (8) input
# pty_run's own status when it gives up after 20 s is 124 too: tell them apart
ms=$(cat "$T/18.ms")
[ "$(cat "$T/18.rc")" = 124 ] && [ "$ms" -lt 20000 ]
ok $? "exec under a terminal, a typed line: exit 124 (not pty_run giving up after 20 s)"
within "$ms" "$DL_MS" "$BOUND_MS" "exec under a terminal, a typed line: returned at the deadline (${ms} ms, deadline $DL_MS)"
out=$(tr -d '\r' <"$T/18.out")
is "$(grep -cE '^(got hello|uid=1000\(sandbox\) .*|marker 18)$' <<<"$out")" 3 \
	"exec under a terminal: the typed line reached the program, its output the terminal"
read -r _ lflag_before lflag_after <"$T/pty.info"
is "$lflag_after" "$lflag_before" "exec under a terminal: the caller's terminal modes are restored after the timeout"
gone 18 "exec under a terminal"
at_deadline 19 "exec, stdin from a file"
is "$(fld 19 '[l[:17] for l in r["stdout"].splitlines()]')" '["got hello", "uid=1000(sandbox)", "marker 19"]' \
	"exec, stdin from a file: read, the output is in the result"
gone 19 "exec, stdin from a file"
at_deadline 20 "exec, stdin from a pipe"
is "$(fld 20 '[l[:17] for l in r["stdout"].splitlines()]')" '["got hello", "uid=1000(sandbox)", "marker 20"]' \
	"exec, stdin from a pipe: read, the output is in the result"
gone 20 "exec, stdin from a pipe"

# (9) processes exiting
at_deadline 21 "run, children exiting"
is "$(fld 21 'r["stdout"]')" "$(printf 'child exited 3\nmarker 21')" \
	"run, children exiting: the child's status, then the marker"
gone 21 "run, children exiting"
at_deadline 22 "exec sh, children exiting"
is "$(fld 22 'r["stdout"]')" "$(printf 'child exited 3\nmarker 22')" \
	"exec sh, children exiting: the subshell's status, then the marker"
gone 22 "exec sh, children exiting"

# (10) the combination
at_deadline 23 "run, notification + tool call + flood"
is "$(fld 23 'r["stdout"].splitlines()[:4]')" "[\"net 101\", \"pw root\", \"tool {'x': 1}\", \"marker 23\"]" \
	"run, combination: every step's output, in order, before the flood"
is "$(fld 23 '(len(r["stdout"]), r["stdout_truncated"], [c["ok"] for c in r["tool_calls"]])')" \
	'[65536, true, [true]]' "run, combination: the flood was cut at 64 KiB, the tool call recorded"
is "$(fld 23 '[(v["kind"], v["syscall"]) for v in r["violations"]]')" \
	'[["syscall", "syslog"], ["network", "connect"]]' "run, combination: the refused syscall and connect recorded"
gone 23 "run, combination"

# the second reproduction: getpwuid(1000), then a tool call
watchdog 24
is "$(cat "$T/24.rc"):$(fld 24 '(r["status"], r["stdout"])')" "0:[\"ok\", \"sandbox\\n{'x': 1}\\n\"]" \
	"getpwuid(1000) then call_tool: the tool's answer comes back, the run ends ok"
d=$(fld 24 'r["duration_ms"]')
within "$d" 0 3000 "getpwuid(1000) then call_tool: well before the 3 s deadline (duration_ms $d)"

# signals
for n in 25 26; do
	if [ "$n" = 25 ]; then set -- run; else set -- exec sh; fi
	watchdog "$n"
	is "$(cat "$T/$n.seen")" 0 "$*, SIGTERM after a notification: the program was running"
	is "$(cat "$T/$n.rc"):$(fld "$n" '(r["status"], r["exit_code"], r["signal"])')" '143:["killed", 143, 15]' \
		"$*, SIGTERM after a notification: status killed, exit 143, signal 15"
	ms=$(cat "$T/$n.ms")
	within "$ms" 0 3000 "$*, SIGTERM after a notification: the run ended at the signal (${ms} ms after it)"
	like "$(fld "$n" 'r["stdout"]')" "marker $n" "$*, SIGTERM: the output is in the result"
	gone "$n" "$*, SIGTERM"
done
is "$(fld 25 "$vs")" "$violation_syslog" "run, SIGTERM: the refused syscall recorded"
is "$(cat "$T/27.seen")" 0 "exec sh, SIGWINCH after a notification: the program was running"
at_deadline 27 "exec sh, SIGWINCH after a notification"
like "$(fld 27 'r["stdout"]')" 'marker 27' "exec sh, SIGWINCH: the output is in the result"
gone 27 "exec sh, SIGWINCH"

done_testing
