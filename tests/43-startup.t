#!/usr/bin/env bash
# Start-up: the result's timings, the per-step times of --verbose, the jail's
# init joining its v1 cgroups itself, and the cache of compiled seccomp
# filters (policy/bpfcache.h): used when it can be trusted, ignored when a
# file is not what its name says or could have been written by someone
# else, and in every case the jail still refuses what its policy refuses.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

# --- timings ------------------------------------------------------------------------
echo 'print("hi")' >"$T/hi.py"
"$ACTJAIL" run --json "$T/hi.py" >"$T/result.json" 2>"$T/stderr"
is "$(field 'sorted(r["timings"])')" '["capture_ms", "launcher_cpu_ms", "run_ms", "setup_ms"]' "timings: the four fields"
is "$(field 'all(type(r["timings"][k]) is float and r["timings"][k] > 0 for k in ("setup_ms", "run_ms", "launcher_cpu_ms"))')" true "timings: setup, run and launcher CPU measured, in ms with a fraction"
is "$(field 'r["timings"]["setup_ms"] + r["timings"]["run_ms"] <= r["duration_ms"] + 1')" true "timings: setup and run fit in the duration"
# a setup error: no exec, so no setup_ms or run_ms
"$ACTJAIL" run --json --audit-log "$T" "$T/hi.py" >"$T/result.json" 2>/dev/null
is "$(field '(r["status"], r["timings"]["setup_ms"], r["timings"]["run_ms"])')" '["setup_error", null, null]' "timings: null where the program never started"

"$ACTJAIL" run --verbose "$T/hi.py" >/dev/null 2>"$T/verbose"
like "$(cat "$T/verbose")" "time +[0-9.]+ ms \(\+ *[0-9.]+\) jail: mounts and pivot_root" "--verbose: the jail's own steps, timed by the jail"
like "$(cat "$T/verbose")" "time +[0-9.]+ ms \(\+ *[0-9.]+\) jail: exec of the program" "--verbose: up to the exec of the program"
like "$(cat "$T/verbose")" "time +[0-9.]+ ms \(\+ *[0-9.]+\) policy parsed" "--verbose: the launcher's steps"
"$PY" - "$T/verbose" <<'PY' >"$T/order"
import re, sys
ts = [float(m.group(1)) for m in re.finditer(r"time +([0-9.]+) ms", open(sys.argv[1]).read())]
print("sorted" if ts == sorted(ts) and len(ts) > 20 else "not sorted: %r" % ts)
PY
is "$(cat "$T/order")" sorted "--verbose: launcher and jail steps on one clock, in order"

# --- cgroup v1: the init moves itself in ---------------------------------------------
if ! is_root || ! grep -q ' /sys/fs/cgroup/memory cgroup ' /proc/mounts; then
	for _ in 1 2 3; do skip "the jail's v1 cgroups" "needs root and a cgroup v1 memory hierarchy"; done
else
	echo 'import time; open("/tmp/x", "w"); time.sleep(3)' >"$T/sleep.py"
	"$ACTJAIL" run --verbose "$T/sleep.py" >/dev/null 2>"$T/cg.err" &
	pid=$!
	for _ in $(seq 100); do grep -q "cgroup v1" "$T/cg.err" && break; sleep 0.05; done
	sleep 1 # the program sleeps for 3 s from its start, within ms of that line
	dir=$(sed -n 's/^actjail: cgroup v1 //p' "$T/cg.err" | head -1)
	name=$(basename "$dir")
	procs=""
	for h in memory pids cpu cpuacct; do
		d=$(find /sys/fs/cgroup/$h -maxdepth 4 -type d -name "$name" 2>/dev/null | head -1)
		procs="$procs $h:$(wc -l <"$d/cgroup.procs" 2>/dev/null || echo none)"
	done
	is "$procs" " memory:2 pids:2 cpu:2 cpuacct:2" "v1: the jail's init and program are in the jail's cgroup of every hierarchy"
	own=$(grep -c . "/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)/cgroup.procs")
	jailpids=$(cat "$dir/cgroup.procs" 2>/dev/null | tr '\n' ' ')
	inhost=0
	for p in $jailpids; do grep -qx "$p" "/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)/cgroup.procs" && inhost=1; done
	is "$inhost" 0 "v1: none of them is left in the launcher's cgroup ($own there)"
	wait $pid
	is "$?" 0 "v1: the run ends ok"
fi

# --- the seccomp filter cache -----------------------------------------------------------
# A policy of this test's own (an errno no other test uses), so its cache
# entry is this test's; and a permissive one to try to smuggle in.
"$PY" - "$TOP/policy/default.json" "$T/strict.json" "$T/loose.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["name"] = "startup-test"
p["seccomp"]["default_action"] = "errno:33"   # EDOM
json.dump(p, open(sys.argv[2], "w"))
p["seccomp"]["default_action"] = "allow"
json.dump(p, open(sys.argv[3], "w"))
PY
chmod 644 "$T/strict.json" "$T/loose.json"
# keyctl is outside every allow list: refused with the policy's errno
cat >"$T/refused.py" <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(250, 0, 0, 0, 0, 0)   # keyctl(KEYCTL_GET_KEYRING_ID, 0, 0)
print(r, os.strerror(ctypes.get_errno()))
PY
vrun() { # vrun POLICY: --verbose run of refused.py; the filter lines in $T/filter, result in $T/result.json
	"$ACTJAIL" run --json --verbose --policy "$1" "$T/refused.py" >"$T/result.json" 2>"$T/v.err"
	grep 'seccomp filter' "$T/v.err" | grep -v ' time ' >"$T/filter"
}
vrun "$T/strict.json"
cache=$(grep -o '/[^ ]*\.bpf' "$T/filter" | head -1)
if [ -z "$cache" ]; then
	for _ in $(seq 16); do skip "filter cache" "no cache line: $(head -c 300 "$T/filter")"; done
else
	cdir=$(dirname "$cache")
	rm -f "$cache"
	vrun "$T/strict.json"
	like "$(cat "$T/filter")" "instructions compiled, cached in $cache" "cache: a miss compiles and stores"
	is "$(stat -c '%U %a' "$cdir" "$cache" | tr '\n' ' ')" "$(id -un) 700 $(id -un) 600 " "cache: the directory 0700 and the file 0600, the caller's own"
	vrun "$T/strict.json"
	like "$(cat "$T/filter")" "instructions from the cache, $cache" "cache: the next run reads it"
	is "$(field 'r["stdout"].strip()')" "-1 Numerical argument out of domain" "cache: the cached filter refuses with the policy's errno"

	# a loose filter's file under the strict policy's name: its header names another key
	vrun "$T/loose.json"
	loose=$(grep -o '/[^ ]*\.bpf' "$T/filter" | head -1)
	like "$(field 'r["stdout"].strip()')" "^(-1 Invalid argument|[0-9]+ Success)$" "cache: the loose policy lets keyctl through to the kernel (the control)"
	cp "$loose" "$cache"
	vrun "$T/strict.json"
	like "$(cat "$T/filter")" "$cache: Bad message; ignored" "cache: a file whose header names another key is ignored"
	is "$(field 'r["stdout"].strip()')" "-1 Numerical argument out of domain" "cache: ... and the jail still refuses"
	vrun "$T/strict.json"
	like "$(cat "$T/filter")" "from the cache" "cache: ... and it was replaced by the right one"

	# truncated
	head -c 100 "$loose" >"$cache"
	vrun "$T/strict.json"
	like "$(cat "$T/filter")" "Bad message; ignored" "cache: a truncated file is ignored"
	# the right key in the header, with the loose instructions: trusted only
	# if the caller's own and not writable by others
	"$PY" - "$loose" "$cache" <<'PY'
import binascii, os, sys
d = bytearray(open(sys.argv[1], "rb").read())
d[16:48] = binascii.unhexlify(os.path.basename(sys.argv[2])[:64])
open(sys.argv[2], "wb").write(d)
PY
	chmod 666 "$cache"
	vrun "$T/strict.json"
	like "$(cat "$T/filter")" "$cache: Operation not permitted; ignored" "cache: a file others may write is ignored"
	is "$(field 'r["stdout"].strip()')" "-1 Numerical argument out of domain" "cache: ... and the jail still refuses"
	if is_root; then
		chmod 600 "$cache"
		chown 65534 "$cache"
		vrun "$T/strict.json"
		like "$(cat "$T/filter")" "$cache: Operation not permitted; ignored" "cache: a file of another user is ignored"
		is "$(field 'r["stdout"].strip()')" "-1 Numerical argument out of domain" "cache: ... and the jail still refuses"
	else
		skip "cache: a file of another user" "needs root to chown"
		skip "cache: ... and the jail still refuses" "needs root to chown"
	fi
	rm -f "$cache"
	# a directory others may enter is not used at all
	chmod 755 "$cdir"
	vrun "$T/strict.json"
	chmod 700 "$cdir"
	like "$(cat "$T/filter")" "cache $cdir: Operation not permitted; not used" "cache: a directory that is not 0700 is not used"
	is "$(field 'r["stdout"].strip()')" "-1 Numerical argument out of domain" "cache: ... the filter is compiled and refuses"
	ACTJAIL_FILTER_CACHE=off "$ACTJAIL" run --verbose --policy "$T/strict.json" "$T/refused.py" >"$T/out" 2>"$T/v.err"
	is "$(grep -c 'cache' "$T/v.err")" 0 "cache: ACTJAIL_FILTER_CACHE=off: not looked at"
	is "$(cat "$T/out")" "-1 Numerical argument out of domain" "cache: off: the filter refuses"
fi
# rootless callers with an XDG_RUNTIME_DIR of their own keep the cache there
if ! is_root; then
	mkdir -m 700 "$T/xdg"
	XDG_RUNTIME_DIR=$T/xdg "$ACTJAIL" run --verbose "$T/hi.py" >/dev/null 2>"$T/v.err"
	like "$(grep 'seccomp filter:' "$T/v.err")" "$T/xdg/actjail-bpf/" "cache: rootless, in \$XDG_RUNTIME_DIR"
else
	skip "cache: rootless, in \$XDG_RUNTIME_DIR" "run as an unprivileged user (make check does)"
fi
done_testing
