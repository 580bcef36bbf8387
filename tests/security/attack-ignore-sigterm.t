#!/usr/bin/env bash
# Attack: refuse to be stopped: ignore and block every catchable signal
# (SIGTERM, SIGINT, SIGHUP, SIGXCPU, the real-time ones...), in the program
# and in a forked child that sits in its own session, then spin and sleep
# forever. Safe outcome: at --timeout 2 the run ends with status "timeout",
# reason "wall_time" and exit 124; the result (with what the program printed
# before) is delivered, and no process of the jail is left. Stopped by: pid
# namespace (SIGKILL, which cannot be caught, to the jail's init at the
# deadline; the kernel kills the rest of the namespace).
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="8$$$RANDOM"
on_exit "kill_marker '^sleep 1000 $MARK\$'"
attack_begin
jattack --timeout 2 --env "MARK=$MARK" <<'PY'
import json, os, signal, time
def deafen():
    ignored = []
    for s in range(1, signal.NSIG):
        if s in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(s, signal.SIG_IGN)
            ignored.append(s)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_BLOCK, range(1, signal.NSIG))
    return ignored
def mask(pid, name):
    line = [l for l in open("/proc/%d/status" % pid) if l.startswith(name + ":")][0]
    return int(line.split()[1], 16)
res = {}
res["ignored"] = deafen()
child = os.fork()
if child == 0:
    os.setsid()
    # the mask and the ignored dispositions survive exec
    os.execv("/usr/bin/sleep", ["sleep", "1000", os.environ["MARK"]])
for _ in range(500):
    if open("/proc/%d/cmdline" % child, "rb").read().startswith(b"sleep\0"):
        break
    time.sleep(0.01)
TERM, INT, HUP, XCPU = (1 << (s - 1) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU))
want = TERM | INT | HUP | XCPU
res["self_ign"] = mask(os.getpid(), "SigIgn") & want == want
res["self_blk"] = mask(os.getpid(), "SigBlk") & want == want
res["child_ign"] = mask(child, "SigIgn") & want == want
res["child_blk"] = mask(child, "SigBlk") & want == want
# a signal to ourselves is ignored: we are still here
os.kill(os.getpid(), signal.SIGTERM)
os.kill(child, signal.SIGTERM)
time.sleep(0.05)
res["child_alive_after_term"] = os.waitpid(child, os.WNOHANG) == (0, 0)
print(json.dumps(res), flush=True)
n = 0
while True:                               # spin, and sleep, never exit
    n += 1
    if n % 1000000 == 0:
        time.sleep(0.01)
PY
is "$rc" 124 "exit 124 at the deadline"
is "$(field '(r["status"], r["reason"], r["exit_code"])')" '["timeout", "wall_time", 124]' \
	"status timeout, reason wall_time"
is "$(field 'r["limits"]["timeout"]')" 2.0 "the result reports the 2 s timeout"
left=$(pgrep -f -- "^sleep 1000 $MARK\$")
is "$left" "" "outside: the deaf child's marked sleep is gone"
is "$(out 'sorted(set(range(1, 65)) - set(o["ignored"]))')" '[9, 19, 32, 33]' \
	"inside: every signal but KILL, STOP (and the two libc keeps) was set to SIG_IGN"
is "$(out '[o["self_ign"], o["self_blk"]]')" '[true, true]' \
	"inside: TERM, INT, HUP and XCPU ignored and blocked in the program"
is "$(out '[o["child_ign"], o["child_blk"]]')" '[true, true]' \
	"inside: and in its exec'd child, in a session of its own"
is "$(out 'o["child_alive_after_term"]')" true "inside: SIGTERM left the child running (control)"
attack_end
done_testing
