#!/usr/bin/env bash
# Per-user kernel counts: the caps the jail's init sets on its own user
# namespace (/proc/sys/user/max_*, counted per namespace and charged to the
# namespace's owner too) and RLIMIT_SIGPENDING. What the program reads
# inside, what the result's enforced.ucounts reports, that the program
# cannot raise them, that max_user_namespaces 0 refuses a new user
# namespace even when seccomp lets unshare through, and that the copy of
# /proc the caps are written through leaves no mount behind.
# inotify exhaustion while the host keeps working: security/attack-inotify-exhaust.t.
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

# the caps limits.c sets, by /proc/sys/user/max_NAME
WANT='{"inotify_instances": 8, "inotify_watches": 8192, "user_namespaces": 0, "mnt_namespaces": 0,
 "pid_namespaces": 0, "net_namespaces": 0, "ipc_namespaces": 0, "uts_namespaces": 0,
 "cgroup_namespaces": 0, "time_namespaces": 0, "fanotify_groups": 0, "fanotify_marks": 0}'

SEE_PY='
import ctypes, errno, json, os, resource, signal
res = {"user": {}}
for f in sorted(os.listdir("/proc/sys/user")):
    res["user"][f[4:] if f.startswith("max_") else f] = int(open("/proc/sys/user/" + f).read())
try:
    with open("/proc/sys/user/max_inotify_instances", "w") as f:
        f.write("1000\n")
    res["write"] = "ok"
except OSError as e:
    res["write"] = errno.errorcode[e.errno]
res["sigpending"] = list(resource.getrlimit(resource.RLIMIT_SIGPENDING))
try:
    resource.setrlimit(resource.RLIMIT_SIGPENDING, (1 << 20, 1 << 20))
    res["raise"] = "ok"
except (OSError, ValueError) as e:
    res["raise"] = type(e).__name__
# queue a blocked real-time signal to itself until the kernel refuses
libc = ctypes.CDLL(None, use_errno=True)
sig = signal.SIGRTMIN
signal.pthread_sigmask(signal.SIG_BLOCK, [sig])
n, err = 0, None
while n < 100000:
    if libc.sigqueue(os.getpid(), sig, ctypes.c_long(n)) != 0:
        err = errno.errorcode[ctypes.get_errno()]
        break
    n += 1
res["queued"] = [n, err]
res["proc_mounts"] = sorted(l.split()[4] for l in open("/proc/self/mountinfo") if l.split(" - ")[1].startswith("proc "))
res["proc_sys_ro"] = [l.split()[5].split(",")[0] for l in open("/proc/self/mountinfo") if l.split()[4] == "/proc/sys"]
print(json.dumps(res))
'

# ---- the caps, inside and in the result -------------------------------------------
jrun <<<"$SEE_PY"
is "$(field 'r["status"]')" ok "run status ok"
is "$(out 'o["user"] == dict((k, v) for k, v in '"$WANT"'.items() if k in o["user"])')" true \
	"inside: /proc/sys/user reads inotify 8 instances, 8192 watches, 0 for every namespace and fanotify"
is "$(out 'sorted(set(o["user"]) - set('"$WANT"'))')" '[]' "inside: no /proc/sys/user limit left uncapped"
is "$(field 'r["enforced"]["ucounts"] == {k: json.loads(r["stdout"])["user"].get(k) for k in '"$WANT"'}')" true \
	"enforced.ucounts: what the program reads (null for a limit this kernel lacks)"
is "$(field 'sorted(r["enforced"]["ucounts"])')" "$("$PY" -c "print(__import__('json').dumps(sorted($WANT)))")" \
	"enforced.ucounts: every capped limit named"
for k in inotify_instances user_namespaces; do
	like "$(field "r['enforced']['ucounts']['$k']")" '^(0|8)$' "enforced.ucounts.$k present on this kernel"
done
is "$(out 'o["write"]')" EROFS "inside: writing max_inotify_instances fails (read-only /proc/sys)"
is "$(out 'o["sigpending"]')" "[128, 128]" "inside: RLIMIT_SIGPENDING 128"
like "$(out 'o["raise"]')" '^(OSError|ValueError|PermissionError)$' "inside: RLIMIT_SIGPENDING cannot be raised"
is "$(out 'o["queued"]')" '[128, "EAGAIN"]' "inside: 128 queued real-time signals, then EAGAIN"
is "$(out 'o["proc_mounts"]')" '["/proc", "/proc/sys"]' \
	"inside: procfs mounted at /proc and /proc/sys only (the copy the caps went through is gone)"
is "$(out 'o["proc_sys_ro"]')" '["ro"]' "inside: /proc/sys still read-only"

# ---- exec mode and without cgroups: the same caps ------------------------------------
jexec -- /bin/cat /proc/sys/user/max_user_namespaces /proc/sys/user/max_inotify_instances
is "$(field '(r["status"], r["stdout"])')" '["ok", "0\n8\n"]' "exec: max_user_namespaces 0, max_inotify_instances 8"
if is_root; then
	jrun --no-cgroup <<<'print(open("/proc/sys/user/max_user_namespaces").read().strip())'
	is "$(field '(r["stdout"].strip(), r["enforced"]["ucounts"]["user_namespaces"])')" '["0", 0]' \
		"--no-cgroup: max_user_namespaces 0, reported"
else
	skip "--no-cgroup run" "rootless runs have no cgroup anyway"
fi

# ---- max_user_namespaces 0: a wall of its own -----------------------------------------
# a child process (single-threaded, as unshare(CLONE_NEWUSER) requires) tries
# new namespaces; with the default policy seccomp refuses first, with a policy
# that allows unshare the namespace's count does.
UNSHARE_PY='
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
FLAGS = {"NEWUSER": 0x10000000, "NEWUSER|NEWNS|NEWNET": 0x50020000, "NEWNS": 0x00020000, "NEWNET": 0x40000000}
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    res = {}
    for name, f in FLAGS.items():
        res[name] = "ok" if libc.unshare(f) == 0 else errno.errorcode[ctypes.get_errno()]
    os.write(w, json.dumps(res).encode())
    os._exit(0)
os.close(w)
res = json.loads(os.read(r, 65536))
os.waitpid(pid, 0)
res["user_ns_same"] = os.readlink("/proc/self/ns/user")
print(json.dumps(res))
'
jrun <<<"$UNSHARE_PY"
is "$(out '[o[k] for k in ("NEWUSER", "NEWUSER|NEWNS|NEWNET", "NEWNS", "NEWNET")]')" \
	'["EPERM", "EPERM", "EPERM", "EPERM"]' "default policy: unshare refused by seccomp (EPERM)"
if "$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["name"] = "allow-unshare"
p["seccomp"]["allow"].append("unshare")
json.dump(p, open(sys.argv[2], "w"))' "$TOP/policy/default.json" "$T/unshare.json"; then
	jrun --policy "$T/unshare.json" <<<"$UNSHARE_PY"
	is "$(field 'r["status"]')" ok "policy allowing unshare: the program ran"
	is "$(out 'o["NEWUSER"]')" ENOSPC "seccomp letting unshare through: CLONE_NEWUSER fails with ENOSPC (max_user_namespaces 0)"
	is "$(out 'o["NEWUSER|NEWNS|NEWNET"]')" ENOSPC "NEWUSER with NEWNS and NEWNET: ENOSPC as well (the user namespace comes first)"
	is "$(out '[o["NEWNS"], o["NEWNET"]]')" '["EPERM", "EPERM"]' "NEWNS or NEWNET alone: EPERM (no capabilities)"
	is "$(field 'r["enforced"]["ucounts"]["user_namespaces"]')" 0 "enforced.ucounts.user_namespaces 0 under that policy"
else
	skip "unshare allowed by policy" "no policy/default.json to derive it from"
fi

done_testing
