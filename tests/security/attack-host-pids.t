#!/usr/bin/env bash
# Attack: map the host's processes: list /proc, read status, cmdline and
# comm of every pid visible, probe every pid up to pid_max with kill(pid, 0),
# look up the pid of a host process the test started (sleep 60 MARK) in
# /proc and with kill, and read its own NSpid for its host pid. Safe
# outcome: only the jail's own processes exist (init, pid 1, whose parent is
# 0, and the program, pid 2); the host's sleep and its marker are nowhere;
# no host pid number shows. Stopped by: pid namespace, and a /proc mounted
# for it.
source "$(dirname "$(dirname "$0")")/lib.sh"
MARK="0.$$$RANDOM"
on_exit "kill_marker '^sleep 60 ${MARK//./\\.}\$'"
sleep 60 "$MARK" >/dev/null 2>&1 &
VICTIM=$!
disown "$VICTIM"   # killed at exit: no job report
attack_begin
wait_seen "^sleep 60 ${MARK//./\\.}\$"
ok $? "outside: control: the host sees its sleep 60 $MARK (pid $VICTIM)"
jattack --env "VICTIM=$VICTIM" --env "MARK=$MARK" <<'PY'
import errno, json, os
res = {}
def read(p):
    try:
        return open(p, "rb").read().decode("utf-8", "replace")
    except OSError as e:
        return "ERR " + errno.errorcode[e.errno]
procs = {}
for p in sorted(os.listdir("/proc"), key=lambda x: (len(x), x)):
    if not p.isdigit():
        continue
    st = dict(l.split(":\t", 1) for l in read("/proc/%s/status" % p).splitlines() if ":\t" in l)
    procs[p] = {"name": st.get("Name"), "ppid": st.get("PPid"), "nspid": st.get("NSpid"),
                "cmdline": read("/proc/%s/cmdline" % p).replace("\0", " ").strip()}
res["procs"] = procs
res["marker_seen"] = [p for p, v in procs.items() if os.environ["MARK"] in json.dumps(v)]
pid_max = int(open("/proc/sys/kernel/pid_max").read())
alive = []
for pid in range(1, min(pid_max, 1 << 17) + 1):
    try:
        os.kill(pid, 0)
        alive.append(pid)
    except OSError:
        pass
res["kill0_alive"] = alive
victim = int(os.environ["VICTIM"])
res["victim_proc"] = read("/proc/%d/status" % victim)[:40] if victim > 2 else "collision"
try:
    os.kill(victim, 0)
    res["victim_kill0"] = "ok"
except OSError as e:
    res["victim_kill0"] = errno.errorcode[e.errno]
res["self"] = [os.readlink("/proc/self"), os.getpid()]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran to its end"
is "$(out 'sorted(o["procs"], key=int)')" '["1", "2"]' "inside: /proc lists two processes, 1 and 2"
is "$(out '(o["procs"]["1"]["ppid"], o["procs"]["1"]["nspid"], o["procs"]["1"]["cmdline"])')" '["0", "1", ""]' \
	"inside: pid 1 is the jail's init: parent 0, no other pid, argv wiped"
is "$(out '(o["procs"]["2"]["ppid"], o["procs"]["2"]["nspid"], o["self"])')" '["1", "2", ["2", 2]]' \
	"inside: the program is pid 2, a child of init; NSpid shows no host pid"
is "$(out 'o["kill0_alive"]')" '[1, 2]' "inside: kill(pid, 0) finds only pids 1 and 2 up to pid_max"
is "$(out '(o["victim_proc"], o["victim_kill0"])')" '["ERR ENOENT", "ESRCH"]' \
	"inside: the host sleep's pid: no /proc entry, ESRCH"
is "$(out 'o["marker_seen"]')" '[]' "inside: the host sleep's marker is in no status or cmdline"
unlike "$(field 'r["stdout"]')" "$MARK|\"sleep\"" "inside: no host process name or marker anywhere the program looked"
kill -0 "$VICTIM" 2>/dev/null
ok $? "outside: the host sleep is still there"
attack_end
done_testing
