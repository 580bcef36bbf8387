#!/usr/bin/env bash
# 35-timeout.t - deadlines and the end of a run: the wall-clock and CPU
# limits, daemons that try to outlive the jail, a killed or stopped launcher,
# a program that kills itself. Every "nothing left" is checked from outside
# with a unique marker in the process list (sleep 987.6x).
source "$(dirname "$0")/lib.sh"

for m in 65 66 64 67 68 69 63; do on_exit "kill_marker '^sleep 987\\.$m'"; done

# --- wall clock ----------------------------------------------------------------
jrun --timeout 0.5 <<<'while True: pass'
is "$rc" 124 "busy loop, --timeout 0.5: exit 124"
is "$(field '(r["status"], r["exit_code"], r["signal"], r["limits"]["timeout"])')" \
	'["timeout", 124, null, 0.5]' "busy loop: status timeout, exit_code 124, no signal"
d=$(field 'r["duration_ms"]')
if [ "$d" -ge 500 ] && [ "$d" -le 3000 ]; then ok 0 "busy loop: duration_ms $d in 500..3000"; else
	ok 1 "busy loop: duration_ms $d in 500..3000"
fi
# docs/result.md: cpu_ms is the CPU time of every process of the jail; the
# loop spun for about half a second before the deadline.
c=$(field 'r["cpu_ms"]')
if [ "$c" -ge 100 ]; then ok 0 "busy loop: cpu_ms $c counts the loop's CPU (>= 100)"; else
	ok 1 "busy loop: cpu_ms $c counts the loop's CPU (>= 100)"
fi

# A double-forked setsid daemon that ignores SIGTERM, seen from outside while
# it runs, must die at the deadline: nothing left once actjail has returned.
cat >"$T/daemon.py" <<'EOF'
import os, signal, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.execv("/bin/sleep", ["sleep", "987.65"])
    os._exit(0)
os.wait()
for _ in range(200):
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    for p in pids:
        try:
            if open("/proc/%s/cmdline" % p, "rb").read() == b"sleep\x00987.65\x00":
                ign = int([l for l in open("/proc/%s/status" % p) if l.startswith("SigIgn")][0].split()[1], 16)
                print("daemon up, ppid", open("/proc/%s/stat" % p).read().split()[3],
                      "ignores TERM", bool(ign & (1 << 14)), flush=True)
                break
        except OSError:
            pass
    else:
        time.sleep(0.01)
        continue
    break
time.sleep(100)
EOF
"$ACTJAIL" run --json --timeout 2 "$T/daemon.py" >"$T/result.json" 2>"$T/stderr" &
lp=$!
wait_seen '^sleep 987\.65$'
ok $? "daemon: seen running on the host"
wait "$lp"
rc=$?
left=$(pgrep -f '^sleep 987\.65$')
is "$left" "" "daemon: gone as soon as actjail returned"
is "$rc" 124 "daemon: exit 124"
is "$(field '(r["status"], r["stdout"])')" '["timeout", "daemon up, ppid 1 ignores TERM True\n"]' \
	"daemon: status timeout; it was reparented to the jail's init and ignored SIGTERM"

# --- the program ends while a background child still runs ---------------------
cat >"$T/bg.py" <<'EOF'
import subprocess
subprocess.Popen(["sleep", "987.67"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.Popen(["sleep", "987.68"])  # keeps the program's stdout and stderr open
print("bye")
EOF
start=$(date +%s%N)
jrun --timeout 20 <"$T/bg.py"
elapsed=$((($(date +%s%N) - start) / 1000000))
left=$(pgrep -f '^sleep 987\.6[78]$')
is "$rc:$(field '(r["status"], r["stdout"])')" '0:["ok", "bye\n"]' \
	"background children: the run ends with the program (status ok, not timeout)"
if [ "$elapsed" -lt 10000 ]; then ok 0 "background children: actjail returned promptly (${elapsed} ms)"; else
	ok 1 "background children: actjail returned promptly (${elapsed} ms)"
fi
is "$left" "" "background children: none left"

"$ACTJAIL" exec --timeout 20 -- /bin/sh -c 'sleep 987.69 & echo started' </dev/null >"$T/stdout" 2>"$T/stderr"
rc=$?
left=$(pgrep -f '^sleep 987\.69$')
is "$rc:$(cat "$T/stdout"):$left" "0:started:" "exec: shell exits, its background sleep is gone"

# --- the launcher is killed or told to stop -------------------------------------
"$ACTJAIL" exec -- sleep 987.66 </dev/null >/dev/null 2>&1 &
lp=$!
wait_seen '^sleep 987\.66$'
ok $? "SIGKILL to the launcher: the jail's program is running"
{
	kill -9 "$lp"
	wait "$lp"
} 2>/dev/null
wait_gone '^sleep 987\.66$'
ok $? "SIGKILL to the launcher: the jail dies with it (nothing left)"
kill_marker '^sleep 987\.66$'

"$ACTJAIL" exec --json -- sleep 987.64 </dev/null >"$T/result.json" 2>"$T/stderr" &
lp=$!
wait_seen '^sleep 987\.64$'
ok $? "SIGTERM to the launcher: the jail's program is running"
kill -TERM "$lp"
wait "$lp"
rc=$?
left=$(pgrep -f '^sleep 987\.64$')
is "$rc" 143 "SIGTERM to the launcher: exit 143"
is "$(field '(r["status"], r["exit_code"], r["signal"])')" '["killed", 143, 15]' \
	"SIGTERM to the launcher: status killed, signal 15"
is "$left" "" "SIGTERM to the launcher: nothing left"

# (tests/74 runs this file through the server too: this case still runs the
# launcher itself, since a signal to a client is not one to any launcher)
"${ACTJAIL_REAL:-$ACTJAIL}" run --json "$T/daemon.py" >"$T/result.json" 2>"$T/stderr" &
lp=$!
wait_seen '^sleep 987\.65$'
kill -INT "$lp"
wait "$lp"
rc=$?
left=$(pgrep -f '^sleep 987\.65$')
is "$rc:$(field '(r["status"], r["signal"])')" '130:["killed", 2]' "SIGINT to the launcher: exit 130, status killed"
is "$left" "" "SIGINT to the launcher: the daemon is gone too"

# --- the program kills itself -----------------------------------------------------
jrun <<<'import os, signal; print("dying", flush=True); os.kill(os.getpid(), signal.SIGKILL)'
is "$rc" 137 "SIGKILL to itself: exit 137"
is "$(field '(r["status"], r["exit_code"], r["signal"], r["stdout"])')" '["killed", 137, 9, "dying\n"]' \
	"SIGKILL to itself: status killed, signal 9, output kept"
jrun <<<'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'
is "$rc:$(field '(r["status"], r["signal"])')" '139:["killed", 11]' "SIGSEGV: exit 139, status killed"

# --- CPU time --------------------------------------------------------------------
jrun --cpu-time 1 --timeout 20 <<<'while True: pass'
is "$rc" 124 "--cpu-time 1, busy loop: exit 124"
is "$(field '(r["status"], r["exit_code"], r["limits"]["cpu_time"])')" '["timeout", 124, 1.0]' \
	"--cpu-time 1: status timeout"
c=$(field 'r["cpu_ms"]')
d=$(field 'r["duration_ms"]')
if [ "$c" -ge 900 ] && [ "$d" -lt 10000 ]; then ok 0 "--cpu-time 1: stopped on CPU (cpu_ms $c, duration_ms $d)"; else
	ok 1 "--cpu-time 1: stopped on CPU (cpu_ms $c, duration_ms $d)"
fi
jrun --cpu-time 1 --timeout 20 <<<'import time; time.sleep(1.5); print("slept")'
is "$rc:$(field '(r["status"], r["stdout"])')" '0:["ok", "slept\n"]' \
	"--cpu-time 1: sleeping 1.5 s of wall time is not CPU time"
cat >"$T/forkspin.py" <<'EOF'
import os
for _ in range(2):
    if os.fork() == 0:
        while True:
            pass
while True:
    pass
EOF
start=$(date +%s%N)
jrun --cpu-time 1 --timeout 20 <"$T/forkspin.py"
elapsed=$((($(date +%s%N) - start) / 1000000))
is "$rc:$(field 'r["status"]')" "124:timeout" "--cpu-time with forked spinners: timeout"
if [ "$elapsed" -lt 15000 ]; then ok 0 "--cpu-time with forked spinners: ends in ${elapsed} ms"; else
	ok 1 "--cpu-time with forked spinners: ends in ${elapsed} ms"
fi

# --- signals the caller ignored ----------------------------------------------------
# SIG_IGN survives execve: nohup, a background job of sh or a Python parent
# that execs the launcher pass ignored signals on. The jail's program and the
# host's tools must start with every signal at SIG_DFL, and a caller that
# ignores SIGCHLD must not have the kernel reap the launcher's children.
ignoring() { (trap '' HUP INT QUIT USR1 USR2 ALRM XFSZ CHLD && exec "$@"); }
ignoring grep SigIgn /proc/self/status >"$T/ign.caller"
like "$(cat "$T/ign.caller")" 'SigIgn:.*[1-9a-f]' "the caller of the next runs ignores signals"
ignoring "$ACTJAIL" exec --json -- /usr/bin/grep SigIgn /proc/self/status \
	</dev/null >"$T/result.json" 2>"$T/stderr"
rc=$?
is "$rc:$(field '(r["status"], r["stdout"])')" '0:["ok", "SigIgn:\t0000000000000000\n"]' \
	"exec under a caller ignoring signals: the program ignores none"
is "$(cat "$T/stderr")" "" "exec under a caller ignoring SIGCHLD: the launcher reaps its jail (no error)"
ignoring "$ACTJAIL" run --json \
	--tool 'sig=printf "\"%s\"" "$(grep SigIgn /proc/self/status | tr "\t" " ")"' - >"$T/result.json" \
	2>"$T/stderr" <<'PY'
import subprocess
print(subprocess.run(["grep", "SigIgn", "/proc/self/status"], capture_output=True,
                     text=True).stdout.strip())
print(call_tool("sig"))
PY
rc=$?
is "$rc:$(field '(r["status"], r["stdout"])')" '0:["ok", "SigIgn:\t0000000000000000\nSigIgn: 0000000000000000\n"]' \
	"run under a caller ignoring signals: the program's child and the host's tool ignore none"
is "$(cat "$T/stderr")" "" "run under a caller ignoring SIGCHLD: the launcher reaps its jail and tool (no error)"
ignoring "$ACTJAIL" exec --json -- /usr/bin/dd if=/dev/zero of=/tmp/big bs=1M seek=64 count=1 \
	</dev/null >"$T/result.json" 2>"$T/stderr"
rc=$?
is "$rc:$(field '(r["status"], r["signal"])')" '153:["killed", 25]' \
	"dd past the file-size limit under a caller ignoring SIGXFSZ: killed by SIGXFSZ, as under any caller"

done_testing
