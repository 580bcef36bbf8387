#!/usr/bin/env bash
# Attack: signal host processes: SIGKILL every pid from 1 to 65535 but its
# own, kill(-1, SIGKILL), and SIGKILL/SIGSTOP/tgkill/sigqueue/pidfd_open on
# the host pids it was told about (a sleeping host process the test
# started, the loopback canary, the test shell and its process group).
# Safe outcome: only the jail's own processes are reached (its init ignores
# the signal, its own child dies); every host pid is ESRCH; the host sleep
# and the canary are still alive afterwards. As root the host sleep runs as
# uid 65534, the jail's host uid, so only the namespace stands in the way.
# Stopped by: pid namespace (host pids do not exist in the jail; Landlock
# signal scoping on ABI 6+ as a second wall).
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="0.$$$RANDOM"
on_exit "kill_marker '^sleep 60 ${MARK//./\\.}\$'"
if is_root; then
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 60 "$MARK" </dev/null >/dev/null 2>&1 &
else
	sleep 60 "$MARK" >/dev/null 2>&1 &
fi
VICTIM=$!
disown "$VICTIM"   # killed at exit: no job report
attack_begin
wait_seen "^sleep 60 ${MARK//./\\.}\$"
ok $? "the host victim (sleep 60 $MARK, pid $VICTIM) is running"
jattack --timeout 20 --env "VICTIM=$VICTIM" --env "CANARYPID=$CANARY_PID" --env "HOSTPID=$$" \
	--env "HOSTPGID=$(ps -o pgid= -p $$ | tr -d ' ')" <<'PY'
import ctypes, errno, json, os, signal, struct, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
res = {}
me = os.getpid()
def start_control():
    p = subprocess.Popen(["/usr/bin/sleep", "1000"])
    for _ in range(500):
        if open("/proc/%d/cmdline" % p.pid, "rb").read().startswith(b"/usr/bin/sleep\0"):
            break
        time.sleep(0.01)
    return p
# 1. every pid up to 65535
ctl = start_control()
hit, errs = [], {}
for pid in range(1, 65536):
    if pid == me:
        continue
    try:
        os.kill(pid, signal.SIGKILL)
        hit.append(pid)
    except OSError as e:
        name = errno.errorcode[e.errno]
        errs[name] = errs.get(name, 0) + 1
res["sweep_hit"] = [("init" if p == 1 else "control" if p == ctl.pid else p) for p in hit]
res["sweep_errs"] = errs
res["control_1"] = ctl.wait()
# 2. kill(-1): everything the caller may signal
ctl = start_control()
try:
    os.kill(-1, signal.SIGKILL)
    res["kill_minus_1"] = 0
except OSError as e:
    res["kill_minus_1"] = errno.errorcode[e.errno]
res["control_2"] = ctl.wait()
try:
    os.kill(1, 0)
    res["init_alive"] = True
except OSError:
    res["init_alive"] = False
# 3. the host pids it was told about, every way there is
def call(f, *a):
    try:
        f(*a)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
def sys_(nr, *a):
    r = libc.syscall(nr, *a)
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
siginfo = ctypes.create_string_buffer(struct.pack("iii", signal.SIGKILL, 0, -1), 128)  # SI_QUEUE
for name in ("VICTIM", "CANARYPID", "HOSTPID"):
    pid = int(os.environ[name])
    if pid in (1, me):
        res[name] = "collision"
        continue
    res[name] = {"SIGKILL": call(os.kill, pid, signal.SIGKILL),
                 "SIGSTOP": call(os.kill, pid, signal.SIGSTOP),
                 "probe": call(os.kill, pid, 0),
                 "tgkill": sys_(234, pid, pid, signal.SIGKILL),
                 "sigqueue": sys_(129, pid, signal.SIGKILL, siginfo),
                 "pidfd_open": sys_(434, pid, 0)}
res["killpg_host"] = call(os.killpg, int(os.environ["HOSTPGID"]), signal.SIGKILL)
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out 'o["sweep_hit"]')" '["init", "control"]' \
	"inside: the sweep of pids 1-65535 reached only the jail's init and the program's own child"
is "$(out 'o["sweep_errs"]')" '{"ESRCH": 65532}' "inside: every other pid is ESRCH"
is "$(out '[o["control_1"], o["control_2"]]')" '[-9, -9]' \
	"inside: control: the sweep and kill(-1) did kill the program's own child"
is "$(out '[o["kill_minus_1"], o["init_alive"]]')" '[0, true]' \
	"inside: kill(-1, SIGKILL) is allowed, and the jail's init survives it"
for p in VICTIM CANARYPID HOSTPID; do
	is "$(out "sorted(set(o['$p'].values()))")" '["ESRCH"]' \
		"inside: kill/SIGSTOP/kill 0/tgkill/sigqueue/pidfd_open of the host's $p: ESRCH"
done
is "$(out 'o["killpg_host"]')" ESRCH "inside: killpg of the test shell's process group: ESRCH"
kill -0 "$VICTIM" 2>/dev/null
ok $? "outside: the host sleep (pid $VICTIM) is still alive"
is "$(awk '{print $3}' "/proc/$VICTIM/stat" 2>/dev/null)" S "outside: and sleeping, not stopped"
kill -0 "$CANARY_PID" 2>/dev/null
ok $? "outside: the loopback canary process is still alive"
attack_end
done_testing
