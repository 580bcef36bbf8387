#!/usr/bin/env bash
# Attack: leave processes behind that are hard to end: a child stopped with
# SIGSTOP (and one stopped in a session of its own), a zombie child never
# reaped, a child blocked opening a FIFO nobody will write, a child blocked
# reading a pipe whose writer also stays, a child blocked in a flock() held
# by a sibling; then exit without waiting for any of them. Safe outcome: the
# run ends normally with the program (status ok, not the timeout), and once
# actjail has returned no process of the jail is left, stopped, zombie or
# blocked. Stopped by: pid namespace (the kernel kills and reaps every
# process of the namespace when its init ends; SIGKILL ends stopped and
# blocked processes alike).
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="6$$$RANDOM"
on_exit "kill_marker '^sleep 1000 $MARK\$'"
attack_begin
jattack --timeout 20 --env "MARK=$MARK" <<'PY'
import fcntl, json, os, signal, time
MARK = os.environ["MARK"]
def state(pid):
    s = open("/proc/%d/stat" % pid).read()
    return s[s.rindex(")") + 2]
def settle(pid, want):
    for _ in range(500):
        if state(pid) in want:
            break
        time.sleep(0.01)
    return state(pid)
def child(fn):
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        finally:
            os._exit(0)
    return pid
def sleeper():
    os.execv("/usr/bin/sleep", ["sleep", "1000", MARK])
res = {}
kids = {}
kids["stopped"] = child(sleeper)
def stopped_own_session():
    os.setsid()
    sleeper()
kids["stopped_session"] = child(stopped_own_session)
kids["zombie"] = child(lambda: None)
os.mkfifo("/tmp/fifo")
kids["fifo_open"] = child(lambda: open("/tmp/fifo", "rb").read())
r, w = os.pipe()
kids["pipe_read"] = child(lambda: os.read(r, 1))
lock = open("/tmp/lock", "w")
fcntl.flock(lock, fcntl.LOCK_EX)                     # held by the program
def locker():
    fcntl.flock(open("/tmp/lock", "w"), fcntl.LOCK_EX)
kids["flock"] = child(locker)
time.sleep(0.1)
for k in ("stopped", "stopped_session"):
    settle(kids[k], "S")
    os.kill(kids[k], signal.SIGSTOP)
res["states"] = {k: settle(pid, "TZ" if k in ("stopped", "stopped_session", "zombie") else "S")
                 for k, pid in kids.items()}
res["fifo_opened"] = [os.readlink("/proc/%d/fd/%s" % (kids["fifo_open"], fd))
                      for fd in os.listdir("/proc/%d/fd" % kids["fifo_open"])].count("/tmp/fifo")
print(json.dumps(res))
# and exit: nothing waited for, nothing reaped, the pipe and lock still held
PY
is "$rc:$(field '(r["status"], r["reason"])')" '0:["ok", null]' \
	"the run ends with the program (status ok, not at the 20 s timeout)"
is "$(out 'o["states"]')" \
	'{"stopped": "T", "stopped_session": "T", "zombie": "Z", "fifo_open": "S", "pipe_read": "S", "flock": "S"}' \
	"inside: two stopped children, a zombie and three blocked children were left behind"
is "$(out 'o["fifo_opened"]')" 0 "inside: the FIFO child is still blocked in open(), waiting for a writer"
is "$(pgrep -f -- "^sleep 1000 $MARK\$")" "" "outside: the stopped sleeps are gone once actjail returned"
attack_end
done_testing
