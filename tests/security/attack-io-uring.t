#!/usr/bin/env bash
# Attack: io_uring, a large kernel surface with a history of privilege
# escalations, and a way to do I/O that per-syscall filters do not see.
# io_uring_setup (425) with a real io_uring_params for 8 entries, plain,
# with IORING_SETUP_SQPOLL (a kernel thread) and IORING_SETUP_IOPOLL;
# io_uring_enter (426) and io_uring_register (427) on every small fd.
# Unjailed, the same io_uring_setup works on this host (a control checks). Safe outcome: every call EPERM, all three listed in the
# violations with their counts. Stopped by: seccomp (none of the three
# is allowed).
source "$(dirname "$(dirname "$0")")/lib.sh"
attack_begin
jattack --timeout 10 <<'PY'
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
res = {"setup": {}, "enter": {}, "register": {}}
def sc(nr, *a):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[x if isinstance(x, ctypes.Array) else ctypes.c_long(x) for x in a])
    if r >= 0 and nr == 425:
        os.close(r)
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
for name, flags in (("plain", 0), ("sqpoll", 2), ("iopoll", 1)):
    params = ctypes.create_string_buffer(120)                  # struct io_uring_params
    ctypes.c_uint32.from_buffer(params, 8).value = flags       # .flags
    ctypes.c_uint32.from_buffer(params, 16).value = 1000       # .sq_thread_idle
    res["setup"][name] = sc(425, 8, params)
for fd in range(5):
    res["enter"][fd] = sc(426, fd, 1, 1, 1, 0, 0)              # IORING_ENTER_GETEVENTS
    res["register"][fd] = sc(427, fd, 0, 0, 0)                 # IORING_REGISTER_BUFFERS
try:
    res["io_uring_disabled"] = open("/proc/sys/kernel/io_uring_disabled").read().strip()
except OSError as e:
    res["io_uring_disabled"] = errno.errorcode[e.errno]
print(json.dumps(res))
PY
is "$(field 'r["status"]')" ok "the program ran"
note=$(out 'o["io_uring_disabled"]')
is "$(out 'o["setup"]')" '{"plain": "EPERM", "sqpoll": "EPERM", "iopoll": "EPERM"}' \
	"inside: io_uring_setup plain, SQPOLL, IOPOLL: EPERM (kernel.io_uring_disabled=$note)"
is "$(out 'sorted(set(o["enter"].values()))')" '["EPERM"]' "inside: io_uring_enter on fds 0-4: EPERM"
is "$(out 'sorted(set(o["register"].values()))')" '["EPERM"]' "inside: io_uring_register on fds 0-4: EPERM"
is "$(field '[(v["syscall"], v["nr"], v["count"], v["errno"]) for v in r["violations"]]')" \
	'[["io_uring_setup", 425, 3, "EPERM"], ["io_uring_enter", 426, 5, "EPERM"], ["io_uring_register", 427, 5, "EPERM"]]' \
	"outside: violations list io_uring_setup (3), io_uring_enter (5), io_uring_register (5)"
is "$(field '[v["first_args"][0] for v in r["violations"] if v["syscall"] == "io_uring_setup"]')" '[8]' \
	"outside: first_args show the 8 entries asked for"
# control: unjailed, the same call makes a ring on this host
host=$("$PY" -c '
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(425, 8, ctypes.create_string_buffer(120))
print("ok" if r >= 0 else errno.errorcode[ctypes.get_errno()])')
if [ "$host" = ok ]; then
	ok 0 "control: unjailed, io_uring_setup works on this host (only the jail refuses)"
else
	skip "control: unjailed io_uring_setup" "the host refuses it too ($host)"
fi
attack_end
done_testing
