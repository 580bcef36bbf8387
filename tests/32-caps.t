#!/usr/bin/env bash
# Credentials and capabilities: the program runs as uid/gid 1000 of its own
# user namespace, mapped to one unprivileged host id, with every capability
# set empty, no_new_privs, a seccomp filter and locked securebits. Attacked
# from inside (setuid, setuid binaries, new user namespaces, prctl) and
# checked from the host (the jail's process as the host sees it).
source "$(dirname "$0")/lib.sh"

[ -x "$ACTJAIL" ] || skip_all "no launcher at $ACTJAIL (run make)"

MARK=932.01
if is_root; then
	host_uid=65534 host_gid=65534
else
	host_uid=$(id -u) host_gid=$(id -g)
fi
# supplementary groups the caller holds besides its primary group
extra_groups=$(id -G | tr ' ' '\n' | grep -vx "$(id -g)" | wc -l)

# ---- identity and capability sets, as the program sees them -----------------
jrun <<'PY'
import ctypes, errno, json, os, subprocess
res = {}
st = {}
for line in open("/proc/self/status"):
    k, _, v = line.partition(":")
    st[k] = v.strip()
for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Uid", "Gid",
          "Groups"):
    res[k] = st.get(k)
res["resuid"] = list(os.getresuid())
res["resgid"] = list(os.getresgid())
res["groups"] = os.getgroups()
res["uid_map"] = open("/proc/self/uid_map").read().split()
res["gid_map"] = open("/proc/self/gid_map").read().split()
res["setgroups"] = open("/proc/self/setgroups").read().strip()
# a child exec'd from the program: capabilities stay empty across execve
res["child_status"] = subprocess.run(["/usr/bin/cat", "/proc/self/status"],
                                     capture_output=True, text=True).stdout
libc = ctypes.CDLL(None, use_errno=True)
def pr(name, *a):
    ctypes.set_errno(0)
    r = libc.prctl(*[ctypes.c_ulong(x) for x in a])
    res[name] = r if r >= 0 else errno.errorcode[ctypes.get_errno()]
pr("get_securebits", 27, 0, 0, 0, 0)            # PR_GET_SECUREBITS
pr("set_securebits_0", 28, 0, 0, 0, 0)          # PR_SET_SECUREBITS: clear them all
pr("set_securebits_same", 28, res["get_securebits"] if isinstance(res["get_securebits"], int) else 0, 0, 0, 0)
pr("set_keepcaps", 8, 1, 0, 0, 0)               # PR_SET_KEEPCAPS (locked)
pr("ambient_raise", 47, 2, 21, 0, 0)            # PR_CAP_AMBIENT_RAISE CAP_SYS_ADMIN
pr("capbset_read_sys_admin", 23, 21, 0, 0, 0)   # PR_CAPBSET_READ
pr("capbset_drop", 24, 0, 0, 0, 0)              # PR_CAPBSET_DROP needs CAP_SETPCAP
pr("get_no_new_privs", 39, 0, 0, 0, 0)
pr("get_dumpable", 3, 0, 0, 0, 0)               # control: prctl itself works
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "identity run status ok"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(out "o['$c']")" 0000000000000000 "$c is empty"
	is "$(out "[l.split()[1] for l in o['child_status'].splitlines() if l.startswith('$c:')][0]")" \
		0000000000000000 "$c is empty in an exec'd child"
done
is "$(out 'o["NoNewPrivs"]')" 1 "NoNewPrivs 1"
is "$(out 'o["Seccomp"]')" 2 "Seccomp 2 (filter)"
is "$(out '[l.split()[1] for l in o["child_status"].splitlines() if l.startswith("Seccomp:")][0]')" 2 \
	"Seccomp 2 in an exec'd child"
is "$(out 'o["Uid"].split()')" '["1000", "1000", "1000", "1000"]' "Uid real/effective/saved/fs 1000"
is "$(out 'o["Gid"].split()')" '["1000", "1000", "1000", "1000"]' "Gid real/effective/saved/fs 1000"
is "$(out 'o["resuid"]')" '[1000, 1000, 1000]' "getresuid 1000"
is "$(out 'o["resgid"]')" '[1000, 1000, 1000]' "getresgid 1000"
is "$(out 'o["uid_map"]')" "[\"1000\", \"$host_uid\", \"1\"]" "uid_map: only 1000 -> host $host_uid"
is "$(out 'o["gid_map"]')" "[\"1000\", \"$host_gid\", \"1\"]" "gid_map: only 1000 -> host $host_gid"
is "$(out 'o["setgroups"]')" deny "setgroups is deny"
if is_root || [ "$extra_groups" = 0 ]; then
	is "$(out 'o["groups"]')" '[]' "no supplementary groups"
	is "$(out 'o["Groups"]')" '' "status Groups empty"
else
	# unmapped host groups show as the overflow gid, and can never be dropped
	is "$(out 'sorted(set(o["groups"]))')" '[65534]' "caller's extra groups only as overflow gid"
	skip "status Groups empty" "the caller has supplementary groups"
fi
is "$(out 'o["get_securebits"]')" 239 \
	"securebits: NOROOT, NO_SETUID_FIXUP, KEEP_CAPS_LOCKED, NO_CAP_AMBIENT_RAISE, all locked (0xef)"
is "$(out 'o["set_securebits_0"]')" EPERM "PR_SET_SECUREBITS 0: EPERM"
is "$(out 'o["set_securebits_same"]')" EPERM "PR_SET_SECUREBITS to the same value: EPERM"
is "$(out 'o["set_keepcaps"]')" EPERM "PR_SET_KEEPCAPS: EPERM (locked)"
is "$(out 'o["ambient_raise"]')" EPERM "PR_CAP_AMBIENT_RAISE: EPERM"
is "$(out 'o["capbset_read_sys_admin"]')" 0 "CAP_SYS_ADMIN not in the bounding set"
is "$(out 'o["capbset_drop"]')" EPERM "PR_CAPBSET_DROP: EPERM"
is "$(out 'o["get_no_new_privs"]')" 1 "PR_GET_NO_NEW_PRIVS 1"
is "$(out 'o["get_dumpable"]')" 1 "control: prctl works (PR_GET_DUMPABLE 1)"

# ---- attempts to become someone else ---------------------------------------
jrun <<'PY'
import ctypes, errno, json, os
res = {}
def attempt(name, f, *a):
    try:
        f(*a)
        res[name] = "ok"
    except OSError as e:
        res[name] = errno.errorcode[e.errno]
attempt("setuid_1000", os.setuid, 1000)                    # control: to itself
attempt("setuid_0", os.setuid, 0)
attempt("seteuid_0", os.seteuid, 0)
attempt("setresuid_0", os.setresuid, 0, 0, 0)
attempt("setgid_0", os.setgid, 0)
attempt("setgroups_0", os.setgroups, [0])
attempt("setgroups_empty", os.setgroups, [])
attempt("setuid_65534", os.setuid, 65534)
res["after"] = [list(os.getresuid()), list(os.getresgid())]
libc = ctypes.CDLL(None, use_errno=True)
for name, flags in (("unshare_user", 0x10000000), ("unshare_user_ns", 0x10020000)):
    ctypes.set_errno(0)
    r = libc.unshare(flags)
    res[name] = "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
if hasattr(os, "unshare"):
    attempt("os_unshare_user", os.unshare, os.CLONE_NEWUSER)
else:
    res["os_unshare_user"] = "EPERM"   # Python < 3.12: the ctypes calls above cover it
import subprocess
p = subprocess.run(["/usr/bin/unshare", "-U", "-r", "/usr/bin/id", "-u"], capture_output=True, text=True)
res["unshare_cmd"] = [p.returncode, p.stdout.strip()]
res["max_user_namespaces"] = open("/proc/sys/user/max_user_namespaces").read().strip()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "setuid run status ok"
is "$(out 'o["setuid_1000"]')" ok "control: setuid(1000) to itself works"
like "$(out 'o["setuid_0"]')" '^(EPERM|EINVAL)$' "setuid(0) fails"
like "$(out 'o["seteuid_0"]')" '^(EPERM|EINVAL)$' "seteuid(0) fails"
like "$(out 'o["setresuid_0"]')" '^(EPERM|EINVAL)$' "setresuid(0,0,0) fails"
like "$(out 'o["setgid_0"]')" '^(EPERM|EINVAL)$' "setgid(0) fails"
like "$(out 'o["setgroups_0"]')" '^(EPERM|EINVAL)$' "setgroups([0]) fails"
is "$(out 'o["setgroups_empty"]')" EPERM "setgroups([]) fails (setgroups denied)"
like "$(out 'o["setuid_65534"]')" '^(EPERM|EINVAL)$' "setuid(65534) fails"
is "$(out 'o["after"]')" '[[1000, 1000, 1000], [1000, 1000, 1000]]' "still uid/gid 1000 afterwards"
is "$(out 'o["unshare_user"]')" EPERM "unshare(CLONE_NEWUSER) refused"
is "$(out 'o["unshare_user_ns"]')" EPERM "unshare(CLONE_NEWUSER|CLONE_NEWNS) refused"
is "$(out 'o["os_unshare_user"]')" EPERM "os.unshare(CLONE_NEWUSER) refused"
like "$(out 'o["unshare_cmd"][0]')" '^[1-9]' "unshare -U -r fails"
unlike "$(out 'o["unshare_cmd"][1]')" '^0$' "unshare -U -r never prints uid 0"

# ---- setuid-root binaries run without privileges -----------------------------
# The binary is held blocked on a full stdout pipe while the program reads
# its credentials from /proc: a setuid exec would show euid/saved uid 0
# (65534 inside, the overflow id, as 0 is unmapped) and a full CapEff.
suid=
for b in /usr/bin/mount /usr/bin/su /usr/bin/passwd /usr/bin/chfn; do
	if [ -u "$b" ] && [ "$(stat -c %u "$b")" = 0 ]; then
		suid=$b
		break
	fi
done
if [ -z "$suid" ]; then
	for n in 1 2 3 4 5; do skip "setuid binary $n" "no setuid-root mount/su/passwd/chfn on this host"; done
else
	jrun --env "SUID=$suid" <<'PY'
import fcntl, json, os, subprocess, time
res = {}
path = os.environ["SUID"]
res["mode_suid"] = bool(os.stat(path).st_mode & 0o4000)
r, w = os.pipe()
os.set_blocking(w, False)
try:
    while True:
        os.write(w, b"x" * 4096)
except BlockingIOError:
    pass
os.set_blocking(w, True)
# mount with no arguments lists the mount table; su/passwd/chfn block reading stdin
args = [path] if path.endswith("/mount") else [path, "--help"]
p = subprocess.Popen(args, stdout=w, stderr=subprocess.STDOUT, stdin=subprocess.PIPE)
seen = {}
deadline = time.time() + 5
while time.time() < deadline and p.poll() is None:
    try:
        st = {l.split(":")[0]: l.split(":", 1)[1].split() for l in open("/proc/%d/status" % p.pid)}
    except OSError:
        break
    if st["Name"][0] != "python3":      # past the exec
        seen = {"name": st["Name"][0], "Uid": st["Uid"], "CapEff": st["CapEff"][0],
                "CapPrm": st["CapPrm"][0]}
        break
    time.sleep(0.01)
os.set_blocking(r, False)
while True:
    try:
        if not os.read(r, 65536):
            break
    except BlockingIOError:
        if p.poll() is not None:
            break
        time.sleep(0.01)
os.close(w)
p.stdin.close()
p.wait()
res["seen"] = seen
print(json.dumps(res))
PY
	is "$(field 'r["status"]')" ok "setuid binary run ($suid) status ok"
	is "$(out 'o["mode_suid"]')" true "control: $suid has its setuid bit inside too"
	is "$(out 'o["seen"].get("name")')" "$(basename "$suid")" "control: $suid was caught running"
	is "$(out 'o["seen"].get("Uid")')" '["1000", "1000", "1000", "1000"]' \
		"$suid runs as uid 1000 (no setuid to 0)"
	is "$(out 'o["seen"].get("CapEff")')" 0000000000000000 "$suid has no effective capabilities"
	is "$(out 'o["seen"].get("CapPrm")')" 0000000000000000 "$suid has no permitted capabilities"
fi

# ---- the jail's processes as the host sees them ------------------------------
"$ACTJAIL" exec --json --timeout 10 -- /usr/bin/sleep "$MARK" </dev/null >"$T/bg.json" 2>/dev/null &
bg=$!
pid=
for _ in $(seq 1 100); do
	pid=$(pgrep -f -x "/usr/bin/sleep $MARK" | head -n1)
	[ -n "$pid" ] && break
	sleep 0.05
done
if [ -n "$pid" ]; then
	hs=$(cat "/proc/$pid/status" 2>/dev/null)
	hget() { printf '%s\n' "$hs" | awk -F'\t' -v k="$1:" '$1 == k { $1 = ""; print substr($0, 2) }'; }
	is "$(hget Uid | tr -s '\t ' ' ')" "$host_uid $host_uid $host_uid $host_uid" \
		"host view: the jail's process runs as host uid $host_uid"
	is "$(hget Gid | tr -s '\t ' ' ')" "$host_gid $host_gid $host_gid $host_gid" \
		"host view: host gid $host_gid"
	if is_root; then
		is "$(hget Groups | tr -d ' ')" "" "host view: no supplementary groups (not root's)"
	else
		skip "host view: no supplementary groups" "not root"
	fi
	is "$(hget CapEff)" 0000000000000000 "host view: CapEff empty"
	is "$(hget CapBnd)" 0000000000000000 "host view: CapBnd empty"
	is "$(hget NoNewPrivs)" 1 "host view: NoNewPrivs 1"
	is "$(hget Seccomp)" 2 "host view: Seccomp 2"
	is "$(awk '{print $1, $2}' "/proc/$pid/uid_map" 2>/dev/null)" "1000 $host_uid" \
		"host view: uid_map of the jail"
	same=
	for ns in user mnt pid net ipc uts cgroup; do
		a=$(readlink "/proc/$pid/ns/$ns" 2>&1)
		b=$(readlink "/proc/self/ns/$ns" 2>&1)
		case $a in "$ns:["*) ;; *) same="$same $ns(unreadable: $a)" ;; esac
		[ "$a" = "$b" ] && same="$same $ns"
	done
	is "${same# }" "" "host view: user, mnt, pid, net, ipc, uts and cgroup namespaces all new"
else
	for n in 1 2 3 4 5 6 7 8 9; do ok 1 "host view $n: the jail's sleep $MARK never appeared"; done
fi
kill "$bg" 2>/dev/null
wait "$bg"
is "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$T/bg.json" 2>&1)" \
	killed "launcher stopped by SIGTERM reports killed"
check "no process left behind (sleep $MARK)" wait_gone "sleep $MARK"

done_testing
