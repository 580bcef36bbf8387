#!/usr/bin/env bash
# Attack: give itself capabilities. capset (v1 and v3 headers) raising
# every capability in all three sets, and even to the empty set it already
# has; prctl PR_CAP_AMBIENT_RAISE for every capability, PR_SET_SECUREBITS
# (clear, or rewrite the locked bits), PR_SET_KEEPCAPS, PR_CAPBSET_DROP;
# a security.capability xattr on its own file in /tmp; executing any
# /usr binary that carries file capabilities. Reads /proc/self/status Cap*
# (its own and an exec'd child's), capget of itself and of init, and
# PR_CAPBSET_READ for every capability. Safe outcome: capset is EPERM and
# listed in violations; every prctl is EPERM; the xattr is EPERM; all five
# sets are zero everywhere, the bounding set is empty, securebits stay
# 0xef (locked). Stopped by: seccomp (capset is not allowed at all), the
# empty capability sets and locked securebits (caps_drop in the jail's
# setup), no_new_privs and nosuid (file capabilities ignored on exec).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {"capset": {}, "ambient_raise": {}, "bset": {}, "prctl": {}}
last = int(open("/proc/sys/kernel/cap_last_cap").read())
res["last_cap"] = last
class Hdr(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
class Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]
def capset(name, version, value):
    h = Hdr(version, 0)
    d = (Data * 2)(Data(value, value, value), Data(value, value, value))
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(126), ctypes.byref(h), d)
    res["capset"][name] = "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
capset("v3 all", 0x20080522, 0xffffffff)
capset("v1 all", 0x19980330, 0xffffffff)
capset("v3 sys_admin", 0x20080522, 1 << 21)
capset("v3 empty", 0x20080522, 0)        # the kernel would allow this: only the filter refuses
def capget(pid):
    h = Hdr(0x20080522, pid)
    d = (Data * 2)()
    r = libc.syscall(ctypes.c_long(125), ctypes.byref(h), d)
    return errno.errorcode[ctypes.get_errno()] if r else [[x.effective, x.permitted, x.inheritable] for x in d]
res["capget_self"] = capget(0)
res["capget_init"] = capget(1)
def prctl(*a):
    ctypes.set_errno(0)
    r = libc.prctl(*[ctypes.c_ulong(x) for x in a])
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
for cap in range(last + 1):
    res["ambient_raise"][cap] = prctl(47, 2, cap, 0, 0)     # PR_CAP_AMBIENT_RAISE
    res["bset"][cap] = prctl(23, cap, 0, 0, 0)              # PR_CAPBSET_READ
res["prctl"]["get_securebits"] = prctl(27, 0, 0, 0, 0)
res["prctl"]["set_securebits_0"] = prctl(28, 0, 0, 0, 0)
res["prctl"]["set_securebits_same"] = prctl(28, 0xef, 0, 0, 0)
res["prctl"]["set_securebits_keep_caps"] = prctl(28, 0x10 | 0x20, 0, 0, 0)
res["prctl"]["set_keepcaps"] = prctl(8, 1, 0, 0, 0)
res["prctl"]["capbset_drop"] = prctl(24, 21, 0, 0, 0)
res["prctl"]["ambient_clear_all"] = prctl(47, 4, 0, 0, 0)   # allowed: it only lowers
res["prctl"]["ambient_is_set_sys_admin"] = prctl(47, 1, 21, 0, 0)
# a file capability on its own file
open("/tmp/f", "w").close()
try:
    os.setxattr("/tmp/f", "security.capability", bytes.fromhex("01000002" "ffffffff" "00000000" "ffffffff" "00000000"))
    res["setfcap"] = "ok"
except OSError as e:
    res["setfcap"] = errno.errorcode[e.errno]
# binaries with file capabilities under /usr, if the host has any
fcaps = {}
for d in ("/usr/bin", "/usr/sbin"):
    for n in os.listdir(d):
        try:
            os.getxattr(os.path.join(d, n), "security.capability", follow_symlinks=False)
            fcaps[os.path.join(d, n)] = None
        except OSError:
            pass
for p in list(fcaps)[:4]:
    try:
        pr = subprocess.Popen([p, "--help"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            st = {l.split(":")[0]: l.split(":", 1)[1].strip() for l in open("/proc/%d/status" % pr.pid)}
            if st["Name"] != "python3":
                fcaps[p] = [st["CapEff"], st["CapPrm"]]
                break
            __import__("time").sleep(0.005)
        pr.kill()
        pr.wait()
    except OSError as e:
        fcaps[p] = e.errno
res["fcaps"] = fcaps
st = dict(l.rstrip("\n").split(":\t", 1) for l in open("/proc/self/status"))
res["status"] = {k: st[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")}
child = subprocess.run(["/usr/bin/grep", "^Cap", "/proc/self/status"], capture_output=True, text=True).stdout
res["child_status"] = sorted(set(l.split()[1] for l in child.splitlines()))
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["capset"]')" '{"v3 all": "EPERM", "v1 all": "EPERM", "v3 sys_admin": "EPERM", "v3 empty": "EPERM"}' \
	"inside: capset (v1, v3; all, CAP_SYS_ADMIN, even the empty set): EPERM"
is "$(out '(o["capget_self"], o["capget_init"])')" '[[[0, 0, 0], [0, 0, 0]], [[0, 0, 0], [0, 0, 0]]]' \
	"inside: capget: the program and init hold no capability"
is "$(out 'sorted(set(o["ambient_raise"].values()))')" '["EPERM"]' \
	"inside: PR_CAP_AMBIENT_RAISE of each of the $(out 'o["last_cap"] + 1') capabilities: EPERM"
is "$(out 'sorted(set(o["bset"].values()))')" '[0]' "inside: the bounding set holds none of them"
is "$(out 'o["prctl"]')" '{"get_securebits": 239, "set_securebits_0": "EPERM", "set_securebits_same": "EPERM", "set_securebits_keep_caps": "EPERM", "set_keepcaps": "EPERM", "capbset_drop": "EPERM", "ambient_clear_all": 0, "ambient_is_set_sys_admin": 0}' \
	"inside: securebits 0xef (locked) and PR_SET_SECUREBITS/KEEPCAPS/CAPBSET_DROP: EPERM; control: ambient clear works"
is "$(out 'o["setfcap"]')" EPERM "inside: setting security.capability on its own file: EPERM"
if [ "$(out 'len(o["fcaps"])')" = 0 ]; then
	skip "file capabilities on exec" "no binary with file capabilities in /usr/bin or /usr/sbin"
else
	is "$(out 'sorted(set(json.dumps(v) for v in o["fcaps"].values()))')" '["[\"0000000000000000\", \"0000000000000000\"]"]' \
		"inside: binaries with file capabilities run with none"
fi
is "$(out 'o["status"]')" '{"CapInh": "0000000000000000", "CapPrm": "0000000000000000", "CapEff": "0000000000000000", "CapBnd": "0000000000000000", "CapAmb": "0000000000000000", "NoNewPrivs": "1"}' \
	"inside: /proc/self/status: all five capability sets zero, NoNewPrivs 1"
is "$(out 'o["child_status"]')" '["0000000000000000"]' "inside: an exec'd child's Cap* lines are all zero"
is "$(field '[(v["syscall"], v["nr"], v["count"]) for v in r["violations"]]')" '[["capset", 126, 4]]' \
	"outside: violations list capset, 4 times"
attack_end
done_testing
