#!/usr/bin/env bash
# Attack: outlive the run as a classic daemon: fork, setsid, fork again,
# ignore SIGHUP and SIGTERM, close every descriptor, chdir /, and keep
# sleeping after the program has ended; the daemon also execs a
# `sleep 1000 MARK` grandchild. Safe outcome: the run ends when the program
# ends (status ok, not at the timeout), and once actjail has returned no
# process of the jail is left, the marked sleep included. Stopped by: pid
# namespace (the launcher reaps the jail's init; the kernel then kills every
# process of the namespace).
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="7$$$RANDOM"   # sleep 1000 MARK: a unique, numeric marker
on_exit "kill_marker '^sleep 1000 $MARK\$'"
attack_begin
jattack --timeout 20 --env "MARK=$MARK" <<'PY'
import json, os, signal, time
res = {}
r, w = os.pipe()
first = os.fork()
if first == 0:
    os.setsid()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    if os.fork() == 0:
        # the daemon
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.chdir("/")
        os.umask(0)
        sleeper = os.fork()
        if sleeper == 0:
            os.closerange(0, 1024)
            os.execv("/usr/bin/sleep", ["sleep", "1000", os.environ["MARK"]])
        os.write(w, b"%d %d\n" % (os.getpid(), sleeper))
        os.closerange(0, 1024)           # stdio, the bridge, the pipe: all gone
        fd = os.open("/dev/null", os.O_RDWR)
        for n in (0, 1, 2):
            os.dup2(fd, n)
        while True:
            time.sleep(1)
    os._exit(0)
os.close(w)
res["first_exit"] = os.waitpid(first, 0)[1]
msg = b""
while True:                               # EOF: the daemon and the sleeper closed it
    b = os.read(r, 64)
    if not b:
        break
    msg += b
daemon, sleeper = map(int, msg.split())
def stat(pid):
    s = open("/proc/%d/stat" % pid).read()
    f = s[s.rindex(")") + 2:].split()
    return {"state": f[0], "ppid": int(f[1]), "sid": int(f[3])}
def sigign(pid):
    line = [l for l in open("/proc/%d/status" % pid) if l.startswith("SigIgn:")][0]
    return int(line.split()[1], 16)
def fds(pid):
    return sorted(int(f) for f in os.listdir("/proc/%d/fd" % pid))
for _ in range(500):                      # the sleeper sleeps, the daemon is set up
    if open("/proc/%d/cmdline" % sleeper, "rb").read().startswith(b"sleep\0") \
            and stat(sleeper)["state"] == "S" and fds(daemon) == [0, 1, 2]:
        break
    time.sleep(0.01)
res["daemon"] = stat(daemon)
res["daemon_ignores_hup_term"] = [bool(sigign(daemon) & (1 << (signal.SIGHUP - 1))),
                                  bool(sigign(daemon) & (1 << (signal.SIGTERM - 1)))]
res["daemon_fds"] = fds(daemon)
res["sleeper"] = stat(sleeper)
res["sleeper_cmdline"] = open("/proc/%d/cmdline" % sleeper, "rb").read().decode().split("\0")[:3]
res["my_sid"] = os.getsid(0)
print(json.dumps(res))
PY
is "$rc:$(field '(r["status"], r["reason"])')" '0:["ok", null]' \
	"the run ends with the program (status ok, not at the 20 s timeout)"
left=$(pgrep -f -- "^sleep 1000 $MARK\$")
is "$left" "" "outside: the daemon's marked sleep is gone as soon as actjail returned"
is "$(out 'o["first_exit"]')" 0 "inside: the first child exited, orphaning the daemon"
is "$(out '(o["daemon"]["ppid"], o["daemon"]["sid"] == o["my_sid"])')" '[1, false]' \
	"inside: the daemon was reparented to the jail's init, in a session of its own"
is "$(out 'o["daemon_ignores_hup_term"]')" '[true, true]' "inside: the daemon ignores SIGHUP and SIGTERM"
is "$(out 'o["daemon_fds"]')" '[0, 1, 2]' "inside: the daemon closed every descriptor (stdio on /dev/null)"
is "$(out '(o["sleeper"]["state"], o["sleeper_cmdline"][0])')" '["S", "sleep"]' \
	"inside: the daemon's grandchild sleep was running"
attack_end
done_testing
