#!/usr/bin/env bash
# Attack: join another namespace, ideally the host's. The program opens
# /proc/1/ns/* (init's, which the launcher set up from the host side),
# /proc/self/ns/* and a child's /proc/PID/ns/*, and calls setns on each
# (with nstype 0 and with the matching CLONE_NEW* type), and setns on a
# pidfd of its child with every namespace flag; it climbs the namespace
# tree with the nsfs ioctls NS_GET_PARENT and NS_GET_USERNS, hoping for a
# descriptor of the host's user or pid namespace. Safe outcome: init's ns
# files are EACCES; every setns is EPERM and listed in the violations;
# NS_GET_PARENT of its user and pid namespaces and NS_GET_USERNS of its
# user namespace are EPERM (the parent is outside the jail's namespace);
# its namespaces are unchanged. Stopped by: seccomp (setns not allowed),
# non-dumpable init, the kernel's nsfs rule that a parent outside the
# caller's user namespace is not handed out.
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, fcntl, json, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
TYPES = {"user": 0x10000000, "mnt": 0x00020000, "net": 0x40000000, "pid": 0x20000000,
         "ipc": 0x08000000, "uts": 0x04000000, "cgroup": 0x02000000, "time": 0x00000080}
res = {"init_open": {}, "setns": {}, "ioctl": {}}
def sc(nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(x) for x in a])
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
ns_before = {n: os.readlink("/proc/self/ns/" + n) for n in TYPES}
try:
    res["init_ls"] = sorted(os.listdir("/proc/1/ns"))
except OSError as e:
    res["init_ls"] = errno.errorcode[e.errno]
child = subprocess.Popen(["/usr/bin/sleep", "30"])
for n, t in TYPES.items():
    try:
        os.close(os.open("/proc/1/ns/" + n, os.O_RDONLY))
        res["init_open"][n] = "ok"
    except OSError as e:
        res["init_open"][n] = errno.errorcode[e.errno]
    for who in ("self", str(child.pid)):
        fd = os.open("/proc/%s/ns/%s" % (who, n), os.O_RDONLY)
        res["setns"]["%s %s 0" % (who, n)] = sc(308, fd, 0)
        res["setns"]["%s %s type" % (who, n)] = sc(308, fd, t)
        os.close(fd)
pidfd = libc.syscall(ctypes.c_long(434), ctypes.c_long(child.pid), ctypes.c_long(0))
res["pidfd_open"] = pidfd >= 0
res["setns"]["pidfd all"] = sc(308, pidfd, sum(TYPES.values()))
res["setns"]["pidfd user"] = sc(308, pidfd, TYPES["user"])
def ioc(name, path, req):
    fd = os.open(path, os.O_RDONLY)
    try:
        r = fcntl.ioctl(fd, req)
        res["ioctl"][name] = os.readlink("/proc/self/fd/%d" % r)
        os.close(r)
    except OSError as e:
        res["ioctl"][name] = errno.errorcode[e.errno]
    os.close(fd)
NS_GET_USERNS, NS_GET_PARENT = 0xb701, 0xb702
ioc("parent of user", "/proc/self/ns/user", NS_GET_PARENT)
ioc("parent of pid", "/proc/self/ns/pid", NS_GET_PARENT)
ioc("owner of user", "/proc/self/ns/user", NS_GET_USERNS)
ioc("owner of net", "/proc/self/ns/net", NS_GET_USERNS)      # control: the jail's own user ns
ioc("owner of mnt", "/proc/self/ns/mnt", NS_GET_USERNS)
child.kill()
child.wait()
res["own_user"] = ns_before["user"]
res["ns_same"] = ns_before == {n: os.readlink("/proc/self/ns/" + n) for n in TYPES}
res["nr_setns"] = len(res["setns"])
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["init_ls"]')" EACCES "inside: listing /proc/1/ns: EACCES"
is "$(out 'sorted(set(o["init_open"].values()))')" '["EACCES"]' "inside: opening each of init's namespace files: EACCES"
is "$(out 'sorted(set(o["setns"].values()))')" '["EPERM"]' \
	"inside: setns on its own and its child's user, mnt, net, pid, ipc, uts, cgroup, time namespaces, and on a pidfd: EPERM"
is "$(out 'o["pidfd_open"]')" true "control: pidfd_open of its child worked"
is "$(out '[o["ioctl"][k] for k in ("parent of user", "parent of pid", "owner of user")]')" '["EPERM", "EPERM", "EPERM"]' \
	"inside: NS_GET_PARENT of its user and pid namespaces, NS_GET_USERNS of its user namespace: EPERM"
is "$(out '[o["ioctl"][k] == o["own_user"] for k in ("owner of net", "owner of mnt")]')" '[true, true]' \
	"control: NS_GET_USERNS of its net and mnt namespaces gives its own user namespace"
is "$(out 'o["ns_same"]')" true "inside: its namespaces are unchanged"
is "$(field '[(v["syscall"], v["count"]) for v in r["violations"]]')" "[[\"setns\", $(out 'o["nr_setns"]')]]" \
	"outside: violations list setns, every call"
attack_end
done_testing
