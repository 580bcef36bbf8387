#!/usr/bin/env bash
# Attack: get a userfaultfd, the tool that makes kernel races reliable (it
# stalls a kernel copy_from_user mid-way on a page fault the attacker
# controls): the userfaultfd syscall (323) with flags 0, with
# UFFD_USER_MODE_ONLY (which unprivileged users may use when the kernel
# allows) and O_CLOEXEC|O_NONBLOCK; and the /dev/userfaultfd device
# (Linux 6.1+), whose USERFAULTFD_IOC_NEW ioctl would give the same.
# Safe outcome: the syscall is EPERM each time and listed in the
# violations; /dev/userfaultfd does not exist in the jail. Stopped by:
# seccomp (userfaultfd not allowed) and the minimal /dev (mount
# namespace). Unjailed, this host hands out a user-mode userfaultfd (a
# control shows it where it does).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {"syscall": {}}
for name, flags in (("0", 0), ("USER_MODE_ONLY", 1), ("CLOEXEC|NONBLOCK|USER_MODE_ONLY", 0o2000000 | 0o4000 | 1)):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(323), ctypes.c_long(flags))
    if r >= 0:
        os.close(r)
    res["syscall"][name] = "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
for mode in (os.O_RDWR, os.O_RDONLY):
    try:
        fd = os.open("/dev/userfaultfd", mode)
        os.close(fd)
        res["dev %d" % mode] = "ok"
    except OSError as e:
        res["dev %d" % mode] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
is "$(out 'o["syscall"]')" '{"0": "EPERM", "USER_MODE_ONLY": "EPERM", "CLOEXEC|NONBLOCK|USER_MODE_ONLY": "EPERM"}' \
	"inside: userfaultfd(0), (UFFD_USER_MODE_ONLY), (O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY): EPERM"
is "$(out '(o["dev 2"], o["dev 0"])')" '["ENOENT", "ENOENT"]' "inside: /dev/userfaultfd: ENOENT"
is "$(field '[(v["syscall"], v["nr"], v["count"], v["errno"]) for v in r["violations"]]')" \
	'[["userfaultfd", 323, 3, "EPERM"]]' "outside: violations list userfaultfd, 3 times"
host=$("$PY" -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(323, 1)
print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])')
if [ "$host" = ok ]; then
	ok 0 "control: unjailed, userfaultfd(UFFD_USER_MODE_ONLY) works for $(id -un) here (only the jail refuses)"
else
	skip "control: unjailed userfaultfd" "the host refuses it to $(id -un) too ($host)"
fi
attack_end
done_testing
