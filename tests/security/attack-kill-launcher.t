#!/usr/bin/env bash
# Attack: get rid of the launcher, or outlive it: look for the parent
# (getppid, /proc/1/status), kill(0, ...), SIGKILL/SIGTERM/SIGINT and a
# pidfd signal to pid 1, then leave a deaf setsid daemon (a marked
# `sleep 1000 MARK`) and linger. The program is run twice: once to its end,
# for what it saw; once in the background, where the test SIGKILLs the
# launcher (which cannot clean up) while the program sleeps. Safe outcome:
# the launcher is out of reach (init's parent is 0, pid 1 ignores every
# signal, kill(0) reaches only the program's own process group), and when
# the launcher dies every process of the jail dies with it, the daemon
# included. Stopped by: pid namespace (init is immune to signals from
# inside), parent-death signal SIGKILL on the jail's init (re-armed after
# the uid change), then the kernel kills the rest of the pid namespace.
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="9$$$RANDOM"
on_exit "kill_marker '^sleep 1000 $MARK\$'"
attack_begin
cat >"$T/attack.py" <<'PY'
import ctypes, errno, json, os, signal, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
res = {}
def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
def wait_exec(pid, prog=b"sleep\0"):
    for _ in range(500):
        if open("/proc/%d/cmdline" % pid, "rb").read().startswith(prog):
            return
        time.sleep(0.01)
# where is the parent?
res["getppid"] = os.getppid()
res["init_ppid"] = [l.split()[1] for l in open("/proc/1/status") if l.startswith("PPid:")][0]
res["init_cmdline"] = open("/proc/1/cmdline", "rb").read().decode().strip("\0")
# kill(0, ...): the program's own process group only
signal.signal(signal.SIGHUP, signal.SIG_IGN)
same = subprocess.Popen(["/usr/bin/sleep", "1000"], preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
other = subprocess.Popen(["/usr/bin/sleep", "1000"], start_new_session=True)
wait_exec(same.pid, b"/usr/bin/sleep\0")
wait_exec(other.pid, b"/usr/bin/sleep\0")
os.kill(0, signal.SIGHUP)
res["kill0_same_group"] = same.wait()
res["kill0_other_group_alive"] = other.poll() is None
other.kill()
other.wait()
# pid 1, every way
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGKILL):
    os.kill(1, s)
fd = libc.syscall(434, 1, 0)                                  # pidfd_open(1)
res["pidfd_send_signal"] = libc.syscall(424, fd, signal.SIGKILL, None, 0) if fd >= 0 \
    else errno.errorcode[ctypes.get_errno()]
time.sleep(0.1)
res["init_alive"] = alive(1)
# outlive: a deaf daemon in a session of its own
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for s in range(1, signal.NSIG):
            try:
                signal.signal(s, signal.SIG_IGN)
            except (OSError, ValueError):
                pass
        os.write(w, b"%d" % os.getpid())
        os.closerange(0, 1024)
        os.execv("/usr/bin/sleep", ["sleep", "1000", os.environ["MARK"]])
    os._exit(0)
os.wait()
os.close(w)
daemon = int(os.read(r, 32))
wait_exec(daemon)
res["daemon_up"] = open("/proc/%d/cmdline" % daemon, "rb").read().decode().split("\0")[:3]
print(json.dumps(res), flush=True)
time.sleep(float(os.environ.get("LINGER", "0")))
PY

# 1. to its end: what the program saw
jattack --timeout 20 --env "MARK=$MARK" <"$T/attack.py"
is "$(field 'r["status"]')" ok "run to its end: status ok"
is "$(out '[o["getppid"], o["init_ppid"], o["init_cmdline"]]')" '[1, "0", ""]' \
	"inside: the parent is the jail's init, whose parent (the launcher) is pid 0, its argv wiped"
is "$(out '[o["kill0_same_group"], o["kill0_other_group_alive"]]')" '[-1, true]' \
	"inside: kill(0, SIGHUP) reached the program's own group only"
is "$(out '[o["pidfd_send_signal"], o["init_alive"]]')" '[0, true]' \
	"inside: SIGTERM/INT/HUP/QUIT/KILL and a pidfd SIGKILL to pid 1: accepted, and init lives on"
is "$(out 'o["daemon_up"]')" "[\"sleep\", \"1000\", \"$MARK\"]" "inside: the deaf daemon was running"
is "$(pgrep -f -- "^sleep 1000 $MARK\$")" "" "outside: the daemon is gone with the run"

# 2. the launcher SIGKILLed while the program lingers (jattack's options, in
#    the background: $! is the launcher itself)
"$ACTJAIL" run --json --env HOST_DIR="$HOST_DIR" --env HOST_SECRET="$HOST_SECRET" \
	--env CANARY_PORT="$CANARY_PORT" --timeout 20 --env "MARK=$MARK" --env LINGER=60 \
	"$T/attack.py" >"$T/killed.json" 2>"$T/killed.err" &
launcher=$!
wait_seen "^sleep 1000 $MARK\$"
ok $? "outside: the lingering run's daemon is up (sleep 1000 $MARK)"
jail_ns=$(readlink "/proc/$(pgrep -f -- "^sleep 1000 $MARK\$" | head -1)/ns/pid")
in_jail_ns() { # the pids of processes in the killed launcher's jail
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$jail_ns" ] && printf '%s ' "${p#/proc/}"
	done
}
like "$jail_ns" '^pid:\[[0-9]+\]$' "outside: the jail's pid namespace ($jail_ns)"
{
	kill -9 "$launcher"
	wait "$launcher"
	st=$?
} 2>/dev/null
is "$st" 137 "outside: the launcher died of SIGKILL"
wait_gone "^sleep 1000 $MARK\$"
ok $? "outside: the daemon died with the launcher"
for _ in $(seq 1 60); do # the kernel takes the rest of the namespace down
	[ -z "$(in_jail_ns)" ] && break
	sleep 0.05
done
is "$(in_jail_ns)" "" "outside: every process of the killed launcher's jail (its init too) is gone"
is "$(wc -c <"$T/killed.json")" 0 "outside: the killed launcher printed no result (it could not)"
attack_end
# as root, the killed launcher's (empty) cgroup is left behind until the next
# run sweeps it (50-cgroup.t): run one, so that no other test finds it
echo pass | "$ACTJAIL" run --json --quiet - >/dev/null 2>&1
done_testing
