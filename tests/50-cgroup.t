#!/usr/bin/env bash
# Resource limits under attack, with a cgroup per jail (as root) or the
# rlimit fallback (rootless): memory, fork and CPU bombs, the accounting and
# the reasons, per-jail uids, and cgroups removed afterwards (also after a
# crash). Checked from outside: the host's cgroup tree, processes, canaries.
source "$(dirname "$0")/lib.sh"

HOSTCG=/sys/fs/cgroup
cgroup_mode=none
if is_root && grep -q ' - cgroup .*memory' /proc/self/mountinfo && grep -q ' - cgroup .*pids' /proc/self/mountinfo; then
	cgroup_mode=v1
elif is_root && [ -n "$(grep -s memory /sys/fs/cgroup/cgroup.controllers)" ]; then
	cgroup_mode=v2
fi
echo "# cgroups: $cgroup_mode"

# the jail's cgroup dir (memory controller) of a process, from the host
jail_cgroup_dir() { # PID CONTROLLER
	local line path
	line=$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$1/cgroup") || return 1
	path=${line#*:*:}
	if [ "$cgroup_mode" = v1 ]; then echo "$HOSTCG/$2$path"; else echo "$HOSTCG$path"; fi
}
list_actjail_cgroups() {
	find "$HOSTCG" -maxdepth 6 -type d -name 'actjail-*' 2>/dev/null | sort
}
before=$(list_actjail_cgroups)

# --- limits as seen from the host, while the jail runs ---------------------------
"$ACTJAIL" exec --json --memory 96 --pids 20 --cpus 0.5 --timeout 20 -- sleep 987.81 >"$T/result.json" 2>"$T/stderr" &
launcher=$!
if wait_seen '^sleep 987.81'; then
	pid=$(pgrep -f '^sleep 987.81' | head -1)
	if [ "$cgroup_mode" = v1 ]; then
		mdir=$(jail_cgroup_dir "$pid" memory)
		like "$mdir" '/actjail-[0-9]+-[0-9]+-[0-9]+$' "the jail runs in a cgroup of its own (actjail-PIDNS-PID-N)"
		is "$(cat "$mdir/memory.limit_in_bytes")" $((96 << 20)) "memory.limit_in_bytes is --memory"
		if [ -e "$mdir/memory.memsw.limit_in_bytes" ]; then
			is "$(cat "$mdir/memory.memsw.limit_in_bytes")" $((96 << 20)) "memory+swap at the same limit: no swap"
		else
			skip "no swap" "no swap accounting on this host"
		fi
		is "$(cat "$(jail_cgroup_dir "$pid" pids)/pids.max")" 20 "pids.max is --pids"
		is "$(cat "$(jail_cgroup_dir "$pid" cpu)/cpu.cfs_quota_us")" 50000 "cpu quota is --cpus 0.5"
		is "$(grep -c . "$mdir/cgroup.procs")" 2 "the jail's init and program are in it"
	elif [ "$cgroup_mode" = v2 ]; then
		dir=$(jail_cgroup_dir "$pid" "")
		is "$(cat "$dir/memory.max")" $((96 << 20)) "memory.max is --memory"
		is "$(cat "$dir/pids.max")" 20 "pids.max is --pids"
		is "$(cat "$dir/cpu.max")" "50000 100000" "cpu.max is --cpus 0.5"
	else
		skip "cgroup checks" "not root, or no cgroup hierarchy with memory and pids"
	fi
	kill_marker '^sleep 987.81'
else
	ok 1 "the jail started (marker never seen: $(head -c 300 "$T/stderr"))"
fi
wait "$launcher" 2>/dev/null
if [ "$cgroup_mode" != none ]; then
	is "$(field 'r["limits"]["enforced_by"]["memory_mib"] + " " + r["limits"]["enforced_by"]["pids"] + " " + r["limits"]["enforced_by"]["cpus"]')" \
		"cgroup+rlimit cgroup+rlimit cgroup" "enforced_by names the cgroup"
	is "$(field 'r["limits"]["cgroup"]')" "${cgroup_mode#v}" "limits.cgroup is the version"
else
	is "$(field 'r["limits"]["enforced_by"]["memory_mib"] + " " + r["limits"]["enforced_by"]["pids"] + " " + r["limits"]["enforced_by"]["cpus"]')" \
		"rlimit rlimit none" "without cgroups: rlimits, and cpus best-effort (none)"
	is "$(field 'r["limits"]["cgroup"]')" "null" "limits.cgroup is null"
fi
# this launcher's own cgroups only: other jails may run beside the test
ok "$(! list_actjail_cgroups | grep -q -- "-$launcher-"; echo $?)" "the jail's cgroups are removed afterwards"

# --- memory bombs -----------------------------------------------------------------
jrun --memory 64 <<'PY'
chunks = []
while True:
    chunks.append(bytearray(8 << 20))
PY
is "$(field '(r["status"], r["reason"], r["error"]["type"])')" '["oom", "memory", "MemoryError"]' \
	"a growing bytearray: MemoryError, status oom, reason memory"
cat >"$T/anon.py" <<'PY'
import mmap
maps = []
for i in range(64):                     # numpy-style growth in 8 MiB anonymous maps
    m = mmap.mmap(-1, 8 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for off in range(0, 8 << 20, 4096):
        m[off] = 1
    maps.append(m)
print("survived")
PY
jrun --memory 64 <"$T/anon.py"
is "$(field '(r["status"], r["reason"], "survived" in r["stdout"])')" '["oom", "memory", false]' \
	"growth in anonymous mappings: status oom, reason memory"
like "$(field 'r["memory_peak_kib"]')" '^[0-9]+$' "memory_peak_kib reported"
[ "$(field 'r["memory_peak_kib"] < 100 * 1024')" = true ]
ok $? "memory peak stays near the limit ($(field 'r["memory_peak_kib"]') KiB)"

# --- fork bombs: contained, a second jail unharmed, nothing left ---------------------
cat >"$T/forkbomb.py" <<'PY'
import os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", "987.82"])
        n += 1
except OSError as e:
    print("refused after", n, e.errno)
    raise SystemExit(3)
PY
"$ACTJAIL" run --json --pids 32 --timeout 20 "$T/forkbomb.py" >"$T/bomb.json" 2>/dev/null &
bomb=$!
wait_seen '^sleep 987.82' >/dev/null
echo 'print(sum(range(10)))' | "$ACTJAIL" run --json - >"$T/second.json" 2>/dev/null
is "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["stdout"].strip())' "$T/second.json")" \
	"ok 45" "a second jail runs normally during a fork bomb"
wait "$bomb"
is "$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["stdout"].split()[0:1], r["stdout"].split()[-1])' "$T/bomb.json")" \
	"error ['refused'] 11" "fork bomb: refused with EAGAIN inside, the program's error"
if [ "$cgroup_mode" != none ]; then
	is "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["reason"])' "$T/bomb.json")" pids \
		"fork bomb: reason pids (the cgroup counted the refusals)"
else
	is "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["reason"])' "$T/bomb.json")" exit \
		"fork bomb: reason exit (rlimits do not count refusals)"
fi
check "fork bomb: nothing left" wait_gone '^sleep 987.82'

jrun --pids 16 <<'PY'
import threading, time
ts = []
try:
    while True:
        t = threading.Thread(target=time.sleep, args=(30,), daemon=True)
        t.start()
        ts.append(t)
except RuntimeError as e:
    print("threads", len(ts))
    raise SystemExit(4)
PY
is "$(field '(r["status"], r["exit_code"])')" '["error", 4]' "thread bomb: refused inside"
like "$(field 'r["stdout"]')" '^threads 1[0-5]$' "thread bomb: stopped below --pids 16"

jrun --pids 16 --timeout 20 <<'PY'
import subprocess
procs = []
try:
    while True:
        procs.append(subprocess.Popen(["/bin/sleep", "987.83"]))
except OSError as e:
    print("subprocesses", len(procs), e.errno)
PY
like "$(field 'r["stdout"]')" '^subprocesses 1[0-5] 11$' "subprocess bomb: EAGAIN below --pids"
check "subprocess bomb: nothing left" wait_gone '^sleep 987.83'

# --- CPU: spinning threads past --cpu-time -----------------------------------------
jrun --cpu-time 1 --timeout 20 <<'PY'
import threading
def spin():
    while True:
        pass
for _ in range(3):
    threading.Thread(target=spin, daemon=True).start()
spin()
PY
is "$(field '(r["status"], r["reason"], r["exit_code"])')" '["timeout", "cpu_time", 124]' \
	"threads spinning past --cpu-time: timeout, reason cpu_time"
[ "$(field 'r["cpu_ms"] >= 900')" = true ]
ok $? "cpu_ms counts the spin ($(field 'r["cpu_ms"]') ms)"
jrun --timeout 0.5 <<<'while True: pass'
is "$(field '(r["status"], r["reason"])')" '["timeout", "wall_time"]' "wall clock: reason wall_time"

# --- output limit: the reason when the run fails after truncation ------------------------
jrun <<'PY'
import sys
sys.stdout.write("x" * (3 << 20))
sys.stdout.flush()
raise SystemExit(5)
PY
is "$(field '(r["status"], r["reason"], r["stdout_truncated"])')" '["error", "output_limit", true]' \
	"truncated output of a failed run: reason output_limit"

# --- a crash leaves no cgroup; a killed launcher's cgroup is swept later ----------
# Only this test's own cgroups are looked at (named by the launcher's pid):
# other jails may run beside the test and have theirs.
jrun --verbose <<<'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'
is "$(field '(r["status"], r["signal"], r["reason"])')" '["killed", 11, "signal"]' "a crashing program: killed, reason signal"
own=$(sed -n 's/.*actjail: cgroup v[12] \([^ ]*\).*/\1/p' "$T/stderr")
if [ -n "$own" ]; then
	ok "$([ ! -e "$own" ]; echo $?)" "no cgroup left after the crash ($own)"
else
	is "$(list_actjail_cgroups)" "$before" "no cgroup left after the crash"
fi
if [ "$cgroup_mode" != none ]; then
	"$ACTJAIL" exec --timeout 20 -- sleep 987.84 >/dev/null 2>&1 &
	wait_seen '^sleep 987.84' >/dev/null
	victim=$(pgrep -f 'actjail exec --timeout 20 -- sleep 987.84' | head -1)
	kill -9 "$victim"
	wait_gone '^sleep 987.84'
	ok "$(list_actjail_cgroups | grep -q -- "-$victim-"; echo $?)" "a launcher killed with SIGKILL leaves its (empty) cgroup behind"
	echo 'pass' | "$ACTJAIL" run - >/dev/null 2>&1
	ok "$(! list_actjail_cgroups | grep -q -- "-$victim-"; echo $?)" "the next run removes it"
	# a cgroup named for another pid namespace: its pid means nothing here,
	# so it is left alone (it may be a live launcher's, about to be joined)
	# until it is a minute old
	if [ "$cgroup_mode" = v1 ]; then
		foreign="$(jail_cgroup_dir $$ pids)/actjail-1-999999-0"
	else
		foreign="$(jail_cgroup_dir $$ '')/actjail/actjail-1-999999-0"
	fi
	if mkdir "$foreign" 2>/dev/null; then
		on_exit "rmdir '$foreign' 2>/dev/null"
		echo 'pass' | "$ACTJAIL" run - >/dev/null 2>&1
		ok "$([ -d "$foreign" ]; echo $?)" "a fresh cgroup of another pid namespace's launcher is kept"
		touch -d '2 minutes ago' "$foreign"
		echo 'pass' | "$ACTJAIL" run - >/dev/null 2>&1
		ok "$([ ! -d "$foreign" ]; echo $?)" "once a minute old and empty, it is removed"
	else
		skip "foreign cgroup sweep" "cannot create $foreign"
		skip "foreign cgroup sweep" "cannot create $foreign"
	fi
else
	skip "stale cgroup sweep" "no cgroups (not root)"
	skip "stale cgroup sweep" "no cgroups (not root)"
	skip "foreign cgroup sweep" "no cgroups (not root)"
	skip "foreign cgroup sweep" "no cgroups (not root)"
fi

# --- --cgroup-parent and --uid-range (root) -------------------------------------------
if [ "$cgroup_mode" = v1 ]; then
	parent="/actjail-test-$$"
	# a missing delegated parent is refused, and nothing is created for it
	echo 'pass' | "$ACTJAIL" run --json --cgroup-parent "$parent" - >"$T/result.json" 2>"$T/stderr"
	is "$(field '(r["status"], r["setup_error"]["step"])')" '["setup_error", "cgroup"]' "--cgroup-parent missing: a setup error"
	like "$(cat "$T/stderr")" "delegated parent $parent does not exist" "--cgroup-parent missing: the message says so"
	n=0
	for c in memory pids cpu cpuacct; do [ -e "$HOSTCG/$c$parent" ] && n=$((n + 1)); done
	is "$n" 0 "--cgroup-parent missing: not created in any hierarchy"
	# v1 cgroups are made while the jail's init builds the jail: the init
	# existed when the creation failed, and must be gone (killed and reaped)
	"$PY" - "$ACTJAIL" "$parent" <<'PY' >"$T/left"
import ctypes, os, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
r = subprocess.run([sys.argv[1], "run", "--cgroup-parent", sys.argv[2], "-"], input=b"pass",
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.3)
with open("/proc/self/task/%d/children" % os.getpid()) as f:
    print(r.returncode, len(f.read().split()))
PY
	is "$(cat "$T/left")" "125 0" "--cgroup-parent missing: exit 125, and no process of the jail is left (not even a zombie)"
	for c in memory pids cpu cpuacct; do [ -d "$HOSTCG/$c" ] && mkdir "$HOSTCG/$c$parent"; done
	echo 'pass' | "$ACTJAIL" run --json --verbose --cgroup-parent "$parent" - >"$T/result.json" 2>"$T/stderr"
	is "$(field 'r["status"]')" ok "--cgroup-parent: the run works"
	like "$(cat "$T/stderr")" "cgroup v1 $HOSTCG/[a-z]+$parent/actjail-[0-9]+-[0-9]+-0" "--cgroup-parent: the jail's cgroup was under it"
	is "$(find "$HOSTCG/memory$parent" -mindepth 1 -type d | wc -l)" 0 "--cgroup-parent: and it is gone"
	ok "$([ -d "$HOSTCG/memory$parent" ]; echo $?)" "--cgroup-parent: the delegated parent itself is left as it was"
	for c in memory pids cpu cpuacct; do rmdir "$HOSTCG/$c$parent" 2>/dev/null; done
else
	for _ in 1 2 3 4 5 6; do skip "--cgroup-parent" "cgroup v1 as root only in this test"; done
fi
if is_root; then
	for i in 1 2; do
		"$ACTJAIL" exec --uid-range 200000:4 --timeout 20 -- sh -c 'cat /proc/self/uid_map; exec sleep 987.85' >"$T/uid$i" 2>&1 &
	done
	wait_seen '^sleep 987.85' >/dev/null
	for _ in $(seq 1 40); do [ "$(pgrep -fc '^sleep 987.85')" -ge 2 ] && break; sleep 0.05; done
	u1=$(awk '{print $2}' "$T/uid1")
	u2=$(awk '{print $2}' "$T/uid2")
	like "$u1 $u2" '^20000[0-3] 20000[0-3]$' "--uid-range: host ids from the range"
	[ "$u1" != "$u2" ]
	ok $? "--uid-range: two jails at once get different host uids ($u1, $u2)"
	kill_marker '^sleep 987.85'
	wait
else
	skip "--uid-range" "root only"
	skip "--uid-range" "root only"
fi

# --- fail closed: a CPU quota nothing can enforce -------------------------------------
make_policy "$T/strict.json" cpus=2 && "$PY" - "$T/strict.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p.pop("best_effort", None); json.dump(p, open(sys.argv[1], "w"))
PY
echo 'pass' | "$ACTJAIL" run --policy "$T/strict.json" - >/dev/null 2>"$T/stderr"
rc=$?
if [ "$cgroup_mode" = none ]; then
	is "$rc" 125 "cpus without cgroups and not best_effort: setup error"
	like "$(cat "$T/stderr")" 'CPU quota \(cpus\) needs cgroups' "the error says why"
else
	is "$rc" 0 "cpus with cgroups: enforced"
	skip "fail-closed message" "cgroups present"
fi

done_testing
