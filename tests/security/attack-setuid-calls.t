#!/usr/bin/env bash
# Attack: change identity with the set*id calls, through libc (os.*) and
# as raw syscalls: setuid(0), seteuid(0), setreuid(0, 0),
# setresuid(0, 0, 0), setgid(0), setregid(0, 0), setresgid(0, 0, 0),
# setgroups([0]) and setgroups([]), setfsuid(0), setfsgid(0), and to other
# users (65534, 1001). Safe outcome: each fails (EINVAL for ids the user
# namespace does not map, EPERM for setgroups, which the namespace denies;
# setfsuid/setfsgid silently keep the old id); afterwards real, effective,
# saved and filesystem ids are all still 1000, no supplementary groups, in
# the program and in an exec'd child. Stopped by: the user namespace
# (only 1000 is mapped, setgroups denied) and the empty capability sets
# (no CAP_SETUID/CAP_SETGID).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {"libc": {}, "raw": {}}
def attempt(name, f, *a):
    try:
        f(*a)
        res["libc"][name] = "ok"
    except OSError as e:
        res["libc"][name] = errno.errorcode[e.errno]
attempt("setuid 1000", os.setuid, 1000)            # control: to itself
attempt("setuid 0", os.setuid, 0)
attempt("seteuid 0", os.seteuid, 0)
attempt("setreuid 0 0", os.setreuid, 0, 0)
attempt("setresuid 0 0 0", os.setresuid, 0, 0, 0)
attempt("setuid 65534", os.setuid, 65534)
attempt("setuid 1001", os.setuid, 1001)
attempt("setgid 0", os.setgid, 0)
attempt("setregid 0 0", os.setregid, 0, 0)
attempt("setresgid 0 0 0", os.setresgid, 0, 0, 0)
attempt("setgroups [0]", os.setgroups, [0])
attempt("setgroups []", os.setgroups, [])
NEG = ctypes.c_long(-1)
def raw(name, nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a])
    res["raw"][name] = r if r >= 0 else errno.errorcode[ctypes.get_errno()]
raw("setuid 0", 105, 0)
raw("setgid 0", 106, 0)
raw("setreuid 0 0", 113, 0, 0)
raw("setregid 0 0", 114, 0, 0)
raw("setresuid 0 0 0", 117, 0, 0, 0)
raw("setresuid -1 0 -1", 117, -1, 0, -1)
raw("setresgid 0 0 0", 119, 0, 0, 0)
gid0 = (ctypes.c_uint32 * 1)(0)
ctypes.set_errno(0)
r = libc.syscall(ctypes.c_long(116), ctypes.c_long(1), gid0)             # setgroups(1, [0])
res["raw"]["setgroups [0]"] = r if r >= 0 else errno.errorcode[ctypes.get_errno()]
# setfsuid/setfsgid return the previous id and never fail: ask again to see
raw("setfsuid 0", 122, 0)
raw("setfsuid query", 122, -1)
raw("setfsgid 0", 123, 0)
raw("setfsgid query", 123, -1)
res["after"] = [list(os.getresuid()), list(os.getresgid()), os.getgroups()]
st = dict(l.rstrip("\n").split(":\t", 1) for l in open("/proc/self/status"))
res["status"] = [st["Uid"].split(), st["Gid"].split(), st["Groups"].split()]
res["id"] = subprocess.run(["/usr/bin/id"], capture_output=True, text=True).stdout.strip()
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["libc"]["setuid 1000"]')" ok "control: setuid(1000) to itself works"
is "$(out '{k: v for k, v in o["libc"].items() if k != "setuid 1000"}')" \
	'{"setuid 0": "EINVAL", "seteuid 0": "EINVAL", "setreuid 0 0": "EINVAL", "setresuid 0 0 0": "EINVAL", "setuid 65534": "EINVAL", "setuid 1001": "EINVAL", "setgid 0": "EINVAL", "setregid 0 0": "EINVAL", "setresgid 0 0 0": "EINVAL", "setgroups [0]": "EPERM", "setgroups []": "EPERM"}' \
	"inside (libc): set*id to 0, 65534, 1001: EINVAL (unmapped); setgroups: EPERM"
is "$(out 'o["raw"]')" \
	'{"setuid 0": "EINVAL", "setgid 0": "EINVAL", "setreuid 0 0": "EINVAL", "setregid 0 0": "EINVAL", "setresuid 0 0 0": "EINVAL", "setresuid -1 0 -1": "EINVAL", "setresgid 0 0 0": "EINVAL", "setgroups [0]": "EPERM", "setfsuid 0": 1000, "setfsuid query": 1000, "setfsgid 0": 1000, "setfsgid query": 1000}' \
	"inside (raw syscalls): the same; setfsuid(0)/setfsgid(0) leave the fs ids at 1000"
is "$(out 'o["after"]')" '[[1000, 1000, 1000], [1000, 1000, 1000], []]' \
	"inside: still uid 1000, gid 1000 (real, effective, saved), no groups"
is "$(out 'o["status"]')" '[["1000", "1000", "1000", "1000"], ["1000", "1000", "1000", "1000"], []]' \
	"inside: /proc/self/status agrees, fs ids included"
is "$(out 'o["id"]')" "uid=1000(sandbox) gid=1000(sandbox) groups=1000(sandbox)" "inside: an exec'd id(1) says sandbox"
attack_end
done_testing
